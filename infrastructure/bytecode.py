"""Compiled bytecode in the Lambda package.

`chalice package` zips sources only. Lambda's file system is read-only, so
without bytecode every cold start compiles every module it imports, ours and
the vendored libraries' alike: 1.45 s for `import app` on the benchmark
machine against 0.25 s with bytecode (bench/cold_start.py).

The bytecode is unchecked-hash (PEP 552): valid whatever the zip's timestamps,
and reproducible, so the asset's hash changes only with the sources. Chalice
picks the Lambda runtime from the Python that packages, and this compiles with
that same Python, so the bytecode's version always matches the runtime's.
"""

from __future__ import annotations

import compileall
import py_compile
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from chalice.cdk import Chalice

# A fixed timestamp for the entries we add: the same sources give the same zip.
EPOCH = (1980, 1, 1, 0, 0, 0)


def add_bytecode(package: Path) -> int:
    """Compile every module in the zip at ``package`` and add the bytecode beside it; returns how many."""
    with tempfile.TemporaryDirectory(prefix="pooldesk-bytecode-") as scratch:
        tree = Path(scratch) / "tree"
        with zipfile.ZipFile(package) as original:
            original.extractall(tree)
            entries = original.infolist()
        compileall.compile_dir(
            tree, quiet=2, workers=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH, legacy=False
        )
        known = {info.filename for info in entries}
        compiled = sorted(str(p.relative_to(tree)) for p in tree.rglob("*.pyc") if str(p.relative_to(tree)) not in known)
        rebuilt = Path(scratch) / "deployment.zip"
        with zipfile.ZipFile(package) as original, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out:
            for info in entries:
                out.writestr(info, original.read(info))
            for name in compiled:
                entry = zipfile.ZipInfo(name, EPOCH)
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(entry, (tree / name).read_bytes())
        shutil.move(rebuilt, package)
    return len(compiled)


class ChaliceWithBytecode(Chalice):
    """Chalice's CDK construct, whose deployment package carries compiled bytecode."""

    def _package_app(self) -> Any:
        super()._package_app()
        add_bytecode(Path(self._sam_package_dir) / "deployment.zip")
