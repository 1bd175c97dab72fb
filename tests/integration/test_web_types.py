"""The web app's API types are generated from /openapi.json: they cannot drift from the API."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import app
from chalicelib.api import openapi

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "web" / "node_modules" / ".bin" / "openapi-typescript"


def test_the_web_apps_api_types_match_the_openapi_document(tmp_path: Path) -> None:
    assert TOOL.exists(), "openapi-typescript is missing: run `make web-deps` (make test does)"
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(openapi.build(list(app.routes)), indent=2, sort_keys=True) + "\n")
    generated = tmp_path / "api-types.ts"
    subprocess.run([str(TOOL), str(spec), "-o", str(generated)], cwd=ROOT / "web", check=True, capture_output=True, timeout=120)
    committed = (ROOT / "web" / "src" / "lib" / "api-types.ts").read_text()
    assert generated.read_text() == committed, "web/src/lib/api-types.ts is out of date: run `make web-types` and commit it"
