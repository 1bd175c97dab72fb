"""Every benchmark at three sizes: figures printed, and written to
bench/results/README.md with a PNG chart each (``make bench``, under 15 minutes
on 2 cores).

    .venv/bin/python -m bench                     # everything, full sizes
    .venv/bin/python -m bench --only prices,ledger
    .venv/bin/python -m bench --quick --out /tmp/bench   # small sizes (what the test runs)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    api_load,
    big_pool,
    cold_start,
    distribution,
    ledger_replay,
    operations,
    prices,
    report,
    returns,
    tick_to_screen,
    valuation,
)
from bench.report import RESULTS, Result, machine, write_report

FULL: dict[str, Callable[[], Result]] = {
    "prices": prices.run,
    "distribution": distribution.run,
    "valuation": valuation.run,
    "api_load": api_load.run,
    "tick_to_screen": tick_to_screen.run,
    "big_pool": big_pool.run,
    "ledger": ledger_replay.run,
    "returns": returns.run,
    "cold_start": cold_start.run,
    "operations": operations.run,
}
QUICK: dict[str, Callable[[], Result]] = {
    # Toy sizes (two points a chart): `make test` checks they run, in seconds, and measures nothing.
    "prices": lambda: prices.run(sizes=[(20, 3, 6), (40, 6, 12)], naive_up_to=6),
    "distribution": lambda: distribution.run(sizes=[20, 40]),
    "valuation": lambda: valuation.run(sizes=[5, 10]),
    "api_load": lambda: api_load.run(sizes=[1], seconds=2),
    "tick_to_screen": lambda: tick_to_screen.run(ticks=3, sizes=[1, 2]),
    "big_pool": lambda: big_pool.run(sizes=[60]),
    "ledger": lambda: ledger_replay.run(sizes=[100, 500]),
    "returns": lambda: returns.run(years=[1], flows=[20], pools=[10]),
    "cold_start": lambda: cold_start.run(runs=1, bare_runs=1, kinds=2),
    "operations": lambda: operations.run(repeats=1),
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(FULL)}")
    p.add_argument("--quick", action="store_true", help="small sizes: checks the benchmarks run, measures nothing")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    chosen = [k for k in FULL if not args.only or k in args.only.split(",")]
    suite = QUICK if args.quick else FULL
    report.OUTPUT[0] = args.out
    print(f"Benchmarks on {machine()}", flush=True)
    started = time.perf_counter()
    results = []
    for key in chosen:
        t = time.perf_counter()
        print(f"\n-- {key} ...", flush=True)
        result = suite[key]()
        print(result.text(), flush=True)
        print(f"   ({time.perf_counter() - t:.0f} s)", flush=True)
        results.append(result)
    path = write_report(results, time.perf_counter() - started, args.out)
    print(f"\nwrote {path} in {(time.perf_counter() - started) / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
