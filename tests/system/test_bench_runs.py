"""The benchmarks run (at small sizes) and write their report: `make bench`
cannot rot unseen. Figures are not checked; they are not pass/fail timers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_runs_and_writes_its_report(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = (tmp_path / "README.md").read_text()
    for title in (
        "Prices consumer",
        "Distribution to every investor",
        "Approving a valuation that settles every order",
        "API under load",
        "Tick to screen",
        "A large pool's investors: first page and search",
        "Ledger replay",
        "Returns and the firm at a glance",
        "Cold start",
        "What each operation costs",
    ):
        assert f"## {title}" in report
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "api_load.png",
        "big_pool.png",
        "distribution.png",
        "ledger.png",
        "prices.png",
        "returns.png",
        "tick_to_screen.png",
        "valuation.png",
    ]
    # Every distribution summed exactly, every load run reconciled, every valuation's units added up.
    assert "NO" not in report.split("|")
