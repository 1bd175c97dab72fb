"""A distribution to every investor of a large pool: reading the holders,
computing the shares (largest remainder, exact), committing the entry with its
allocations, and booking every investor's share. Timed and counted by phase,
through the real service against in-process moto.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeSerializer

from bench.report import RequestCounter, Result, chart, in_process_aws

SIZES = [1_000, 5_000, 10_000]
T = TypeVar("T")
_ser = TypeSerializer()


def seed_investors(db: Any, table: str, pool_id: str, n: int) -> D:
    """Write n holders straight to the table (fast), then set the pool's totals to match.

    Investor i holds (i % 97 + 1) units bought at 1.00, so holdings differ and
    remainders matter. The pool's ledger does not list these purchases: this
    pool is for measuring, not for reconciling.
    """
    total = D(0)
    now = "2026-01-01T00:00:00.000000Z"
    for start in range(0, n, 25):
        batch = []
        for i in range(start, min(start + 25, n)):
            units = D(i % 97 + 1)
            total += units
            item = {
                "PK": f"POOL#{pool_id}",
                "SK": f"INVESTOR#inv_{i:06d}",
                "kind": "investor",
                "currency": "USD",
                "pool_id": pool_id,
                "id": f"inv_{i:06d}",
                "name": f"Investor {i}",
                "email": "",
                "status": "active",
                "units": units,
                "contributed": units,
                "withdrawn": D(0),
                "paid_out": D(0),
                "created_at": now,
                "updated_at": now,
            }
            batch.append({"PutRequest": {"Item": {k: _ser.serialize(v) for k, v in item.items()}}})
        db.batch_write_item(RequestItems={table: batch})
    db.update_item(
        TableName=table,
        Key={"PK": {"S": f"POOL#{pool_id}"}, "SK": {"S": "STATE"}},
        UpdateExpression="SET cash = :t, units = :t, investor_count = :n",
        ExpressionAttributeValues={":t": {"N": str(total)}, ":n": {"N": str(n)}},
    )
    return total


class Phases:
    """Wall time and DynamoDB requests of each phase of one distribution."""

    def __init__(self, counter: RequestCounter) -> None:
        self.counter = counter
        self.seconds: dict[str, float] = {}
        self.requests: dict[str, int] = {}

    def timed(self, phase: str, fn: Callable[..., T]) -> Callable[..., T]:
        def wrapper(*args: Any, **kwargs: Any) -> T:
            before, started = self.counter.total, time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started
                self.requests[phase] = self.requests.get(phase, 0) + self.counter.total - before

        return wrapper


def run(*, sizes: list[int] = SIZES) -> Result:
    import boto3

    from chalicelib import wiring
    from chalicelib.domain import operations as ops
    from chalicelib.services.ports import Principal

    result = Result(
        key="distribution",
        title="Distribution to every investor",
        what=(
            "One payout split pro rata by units across every investor of a pool (holders written straight to "
            "the table). Phases: read the holders; compute the shares (exact, largest remainder); commit the "
            "ledger entry with its allocations in one transaction; book each investor's share."
        ),
        columns=[
            "investors",
            "read holders",
            "compute shares",
            "commit",
            "book shares",
            "total",
            "share in moto + SDK",
            "DynamoDB requests",
            "parts sum to the total",
        ],
    )
    totals, computes, xs = [], [], []
    manager = Principal("bench-manager", "bench@example.com", frozenset({"managers"}))
    with in_process_aws() as counter:
        import os

        db = boto3.client("dynamodb", region_name="us-east-1")
        svc = wiring.pool_service()
        for n in sizes:
            pool = svc.create_pool(manager, name=f"Distribution {n}", currency="USD")
            held = seed_investors(db, os.environ["POOLS_TABLE"], pool.id, n)
            phases = Phases(counter)
            repo = svc.repo
            real = (repo.holders, repo.commit, repo.settle_distribution, ops.distribute)
            repo.holders = phases.timed("read", repo.holders)  # type: ignore[method-assign]
            repo.commit = phases.timed("commit", repo.commit)  # type: ignore[method-assign]
            repo.settle_distribution = phases.timed("book", repo.settle_distribution)  # type: ignore[method-assign]
            ops.distribute = phases.timed("compute", ops.distribute)
            amount = (held / 10).quantize(D("0.01")) + D("0.07")  # a tenth of the cash, odd cents
            before, in_aws, started = counter.total, counter.seconds, time.perf_counter()
            try:
                receipt = svc.distribute(manager, pool.id, amount=str(amount))
            finally:
                repo.holders, repo.commit, repo.settle_distribution, ops.distribute = real  # type: ignore[method-assign]
            total = time.perf_counter() - started
            exact = sum((a.amount for a in receipt.allocations), D(0)) == amount and len(receipt.allocations) == n
            s = phases.seconds
            result.rows.append(
                [
                    f"{n:,}",
                    f"{s['read']:.2f} s",
                    f"{s['compute']:.2f} s",
                    f"{s['commit']:.2f} s",
                    f"{s['book']:.2f} s",
                    f"{total:.2f} s",
                    f"{(counter.seconds - in_aws) / total:.0%}",
                    f"{counter.total - before:,} ({phases.requests['book']:,} booking)",
                    "yes" if exact else "NO",
                ]
            )
            xs.append(float(n))
            totals.append(total)
            computes.append(s["compute"])
    result.chart = chart(
        "distribution",
        "Distribution: time by size",
        "investors",
        "seconds",
        {"total (moto)": (xs, totals)},
        right={"compute shares": (xs, computes)},
        right_label="compute shares (seconds)",
    )
    result.notes.append(
        "Booking writes each share with its investor's paid-out total in transactions of 50 shares (100 "
        "items, DynamoDB's limit), so requests grow with investors / 50; computing is pure Python and exact."
    )
    return result


if __name__ == "__main__":
    print(run().text())
