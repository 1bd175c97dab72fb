"""pip-audit over every pinned dependency (the app's and the tools', which run
in CI next to deploy credentials): no release we install has a known
vulnerability.

pip-audit asks PyPI for each exact release. Where that per-release page cannot
be had (a registry mirror may serve only project pages), the project page
still lists the vulnerabilities of the latest release: a pin that IS the
latest release is audited from there. Anything audited neither way is named in
the output, so a gap is visible rather than silently passed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = re.compile(r"could not be audited: (?P<name>\S+) \((?P<version>[^)]+)\)")


def pip_audit() -> list[dict[str, Any]]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(ROOT / "requirements.txt"),
            "--requirement",
            str(ROOT / "requirements-dev.txt"),
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.stdout.strip(), done.stderr
    return list(json.loads(done.stdout)["dependencies"])


def latest_release_vulnerabilities(name: str, version: str) -> list[str] | None:
    """The vulnerability ids PyPI lists for ``name`` if ``version`` is its latest release, else None."""
    resp = requests.get(f"https://pypi.org/pypi/{name}/json", timeout=30)
    if resp.status_code != 200:
        return None
    project = resp.json()
    if project["info"]["version"] != version:
        return None
    return [v["id"] for v in project.get("vulnerabilities", []) if not v.get("withdrawn")]


def test_no_pinned_dependency_has_a_known_vulnerability(capsys: Any) -> None:
    vulnerable: dict[str, list[str]] = {}
    unaudited: list[str] = []
    audited = 0
    for dep in pip_audit():
        if dep.get("vulns"):
            vulnerable[f"{dep['name']} {dep['version']}"] = [v["id"] for v in dep["vulns"]]
        skipped = SKIPPED.search(dep.get("skip_reason", ""))
        if skipped is None:
            audited += "skip_reason" not in dep
            continue
        found = latest_release_vulnerabilities(skipped["name"], skipped["version"])
        if found is None:
            unaudited.append(f"{skipped['name']} {skipped['version']}")
        elif found:
            vulnerable[f"{skipped['name']} {skipped['version']}"] = found
        else:
            audited += 1
    with capsys.disabled():
        print(f"\npip-audit: {audited} releases audited, {len(vulnerable)} vulnerable, {len(unaudited)} not auditable here")
        if unaudited:
            print("  not auditable here (not the latest release, and no per-release data): " + ", ".join(unaudited))
    assert not vulnerable, f"known vulnerabilities: {vulnerable}"
    assert audited > len(unaudited), "the audit reached too little to mean anything"
