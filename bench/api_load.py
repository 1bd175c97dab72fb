"""The API under load on the local stack: concurrent managers contributing,
withdrawing and distributing in their own pools (every request with an
Idempotency-Key, some sent twice), the demo market feed ticking meanwhile;
then every answer is checked against the ledger and the stack reconciled.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.report import Result, chart
from bench.soak import soak
from devstack.launch import launch

SIZES = [1, 4, 8]
SECONDS = 20


def run(*, sizes: list[int] = SIZES, seconds: float = SECONDS) -> Result:
    result = Result(
        key="api_load",
        title="API under load",
        what=(
            f"N managers at once, each in a loop for {seconds:.0f} s on its own two pools: contribute (55%), "
            "withdraw (40%), distribute (5%), with an Idempotency-Key, 10% re-sent; the demo feed ticks "
            "meanwhile. One local stack for all sizes (moto serves one request at a time)."
        ),
        columns=["managers", "requests", "requests/s", "p50", "p95", "p99", "errors", "answers in the ledger", "reconciled"],
    )
    xs, rates, p95s = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-") as logs:
        stack = launch(Path(logs))
        try:
            for managers in sizes:
                report = soak(stack, seconds, managers=managers, pools=2, investors=4, idle=0, broker=False)
                result.rows.append(
                    [
                        str(managers),
                        f"{report.api_calls:,}",
                        f"{report.api_calls / seconds:.1f}",
                        f"{report.percentile(0.5):.0f} ms",
                        f"{report.percentile(0.95):.0f} ms",
                        f"{report.percentile(0.99):.0f} ms",
                        str(len(report.failures)),
                        "every one, once" if not report.ledger_problems else "; ".join(report.ledger_problems),
                        "every unit and cent" if report.reconcile_exit == 0 else "NO",
                    ]
                )
                xs.append(float(managers))
                rates.append(report.api_calls / seconds)
                p95s.append(report.percentile(0.95))
        finally:
            stack.stop()
    result.chart = chart(
        "api_load",
        "API under load",
        "concurrent managers",
        "requests / s",
        {"requests/s": (xs, rates)},
        right={"p95 latency": (xs, p95s)},
        right_label="p95 latency (ms)",
    )
    result.notes.append(
        "The local stack's API serves requests on threads, but moto answers one AWS call at a time (so that "
        "conditional writes are atomic, as in DynamoDB): throughput grows less than the managers do and "
        "latency grows with the queue. In AWS each request is its own Lambda invocation and DynamoDB "
        "partitions by pool."
    )
    return result


if __name__ == "__main__":
    print(run().text())
