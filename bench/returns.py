"""Returns and the firm at a glance, at size: a forward pool's performance from
years of daily official NAVs (a quarterly distribution among them), an
investor's money-weighted return over many flows, and the firm view over many
pools. History is written straight to the table (fast); each figure is then
asked for through the real services against in-process moto, timed, with the
DynamoDB requests it took.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from functools import partial
from typing import Any

from bench.report import Result, chart, in_process_aws
from chalicelib.services.ports import Principal

YEARS = [1, 5, 10]
FLOWS = [250, 500, 1_000]
POOLS = [250, 500, 1_000]
MANAGER = Principal("bench-manager", "bench@example.com", frozenset({"managers"}))
FINANCE = Principal("bench-finance", "finance@example.com", frozenset({"finance"}))


def _write(db: Any, table: str, items: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == 25:
            db.batch_write_item(RequestItems={table: batch})
            batch = []
    if batch:
        db.batch_write_item(RequestItems={table: batch})


def _weekdays(start: date, n: int) -> Iterator[date]:
    day = start
    while n:
        if day.weekday() < 5:
            yield day
            n -= 1
        day += timedelta(days=1)


def seed_history(db: Any, table: str, pool: Any, years: int) -> int:
    """``years`` of weekday official NAVs (a gentle random walk), a distribution each quarter."""
    from chalicelib.adapters import pool_items as items
    from chalicelib.domain.model import EntryType, LedgerEntry
    from chalicelib.services.ports import NavPoint

    units, price, n = D("100000.000000"), D("1.000000"), 261 * years
    # The pool was launched ``years`` before today: its history ends today.
    launched = replace(pool, created_at=pool.created_at - timedelta(days=365 * years + 7))
    db.put_item(TableName=table, Item=items.pool_item(launched, pool.version))
    start = launched.created_at.date() + timedelta(days=1)

    def points() -> Iterator[dict[str, Any]]:
        nonlocal price
        for k, day in enumerate(_weekdays(start, n)):
            price = (price * (D(1) + D((k * 7919) % 41 - 19) / D(10000))).quantize(D("0.000001"))
            at = datetime(day.year, day.month, day.day, 17, tzinfo=UTC)
            point = NavPoint(at=at, nav=(price * units).quantize(D("0.01")), nav_per_unit=price, units=units, official=True)
            yield items.nav_item(pool, at, f"{k:06d}", point)
            if k % 65 == 64:  # a quarter of dealing days: a distribution of half a cent a unit
                entry = LedgerEntry(
                    id=f"01BENCH{k:012d}",
                    pool_id=pool.id,
                    type=EntryType.DISTRIBUTION,
                    created_at=at + timedelta(minutes=5),
                    actor="bench",
                    amount=D("500.00"),
                    units=units,
                    cash_delta=D("-500.00"),
                )
                yield items.entry_item(entry, "USD")

    _write(db, table, points())
    return n


def seed_flows(db: Any, table: str, pool: Any, investor: Any, n: int) -> None:
    """``n`` dated contributions and withdrawals of one investor, a week apart, ending this week, at
    1.00 a unit; the pool is now worth 10% more than they put in net (so the return is positive)."""
    from chalicelib.adapters import pool_items as items
    from chalicelib.domain.model import EntryType, LedgerEntry

    held = D(0)
    for k in range(n):
        amount = D(1000 + (k * 37) % 500)
        held += amount if k % 3 != 2 else -amount / 2
    held = held.quantize(D("0.000001"))
    db.put_item(TableName=table, Item=items.investor_item(replace(investor, units=held, contributed=held), "USD"))
    grown = replace(pool, units=held, cash=(held * D("1.10")).quantize(D("0.01")), investor_count=1)
    db.put_item(TableName=table, Item=items.pool_item(grown, pool.version + 1))
    investor_id = investor.id

    def entries() -> Iterator[dict[str, Any]]:
        at = datetime.now(UTC) - timedelta(days=7 * n)
        for k in range(n):
            paying = k % 3 != 2
            amount = D(1000 + (k * 37) % 500).quantize(D("0.01"))
            entry = LedgerEntry(
                id=f"01FLOW{k:012d}",
                pool_id=pool.id,
                type=EntryType.CONTRIBUTION if paying else EntryType.WITHDRAWAL,
                created_at=at + timedelta(days=7 * k),
                actor="bench",
                investor_id=investor_id,
                amount=amount if paying else amount / 2,
                units=amount if paying else amount / 2,
                cash_delta=amount if paying else -amount / 2,
                units_delta=amount if paying else -amount / 2,
            )
            yield items.entry_item(entry, "USD")

    _write(db, table, entries())


def _timed(counter: Any, fn: Callable[[], Any]) -> tuple[float, int, Any]:
    before, started = counter.total, time.perf_counter()
    out = fn()
    return time.perf_counter() - started, counter.total - before, out


def run(*, years: list[int] = YEARS, flows: list[int] = FLOWS, pools: list[int] = POOLS) -> Result:
    import os

    import boto3

    from chalicelib import wiring
    from chalicelib.domain.dealing import parse_policy

    result = Result(
        key="returns",
        title="Returns and the firm at a glance",
        what=(
            "A forward pool's performance (time-weighted, net and gross, every period and the daily index) from "
            "years of weekday official NAVs with a distribution each quarter; one investor's money-weighted return "
            "(XIRR) over many weekly contributions and withdrawals; and GET /firm's figures over many pools in "
            "three currencies. Each row asks through the real services against in-process moto."
        ),
        columns=["what", "size", "time", "DynamoDB requests", "answer"],
    )
    xs: dict[str, list[float]] = {"pool": [], "investor": [], "firm": []}
    ys: dict[str, list[float]] = {"pool": [], "investor": [], "firm": []}
    with in_process_aws() as counter:
        db = boto3.client("dynamodb", region_name="us-east-1")
        table = os.environ["POOLS_TABLE"]
        svc, perf, firm = wiring.pool_service(), wiring.performance(), wiring.firm()
        for n in years:
            pool = svc.create_pool(MANAGER, name=f"History {n}", currency="USD")
            days = seed_history(db, table, pool, n)
            svc.set_dealing(MANAGER, pool.id, parse_policy(mode="forward"))
            seconds, requests, (_, found) = _timed(counter, partial(perf.pool_performance, MANAGER, pool.id))
            answer = f"{len(found.series):,} index points; since inception {found.net.since_inception}"
            result.rows.append(["pool performance", f"{n} years ({days:,} NAVs)", f"{seconds:.2f} s", f"{requests:,}", answer])
            xs["pool"].append(float(days))
            ys["pool"].append(seconds)
        for n in flows:
            pool = svc.create_pool(MANAGER, name=f"Flows {n}", currency="USD")
            investor = svc.add_investor(MANAGER, pool.id, name="Busy Investor", email="busy@example.com")
            seed_flows(db, table, pool, investor, n)
            seconds, requests, (_, _, mine) = _timed(counter, partial(perf.investor_performance, MANAGER, pool.id, investor.id))
            answer = f"XIRR {mine.xirr}, {len(mine.flows):,} flows"
            result.rows.append(["investor XIRR", f"{n:,} flows", f"{seconds:.2f} s", f"{requests:,}", answer])
            xs["investor"].append(float(n))
            ys["investor"].append(seconds)
        seeded = 0
        for n in pools:
            seed_pools(db, table, seeded, n)
            seeded = n
            seconds, requests, found = _timed(counter, partial(firm.glance, FINANCE))
            totals = ", ".join(f"{t.currency} {t.nav:,}" for t in found.totals)
            result.rows.append(["firm view", f"{len(found.lines):,} pools", f"{seconds:.2f} s", f"{requests:,}", totals])
            xs["firm"].append(float(len(found.lines)))
            ys["firm"].append(seconds)
    result.chart = chart(
        "returns",
        "Returns and the firm view by size",
        "NAVs, flows or pools",
        "seconds",
        {"pool performance (NAVs)": (xs["pool"], ys["pool"]), "investor XIRR (flows)": (xs["investor"], ys["investor"])},
        right={"firm view (pools)": (xs["firm"], ys["firm"])},
        right_label="firm view, seconds",
    )
    result.notes.append(
        "A pool's performance reads its NAV history in pages of 1,000 and its ledger once; an investor's return "
        "reads the ledger once and their payouts in batches; the firm view reads each pool's item once (its "
        "running tally holds the month's and year's flows and what waits), so it never reads a ledger."
    )
    return result


def seed_pools(db: Any, table: str, have: int, want: int) -> None:
    """Pools ``have`` to ``want`` (the firm view grows between rows), in three currencies."""
    from chalicelib.adapters import pool_items as items
    from chalicelib.domain.model import Pool, Tally

    now = datetime.now(UTC)

    def more() -> Iterator[dict[str, Any]]:
        for k in range(have, want):
            pool = Pool(
                id=f"pl_bench{k:06d}",
                name=f"Bench pool {k}",
                currency=("USD", "EUR", "GBP")[k % 3],
                unit_price=D("1.000000"),
                manager_id=MANAGER.user_id,
                created_at=now,
                updated_at=now,
                cash=D(1000 + k).quantize(D("0.01")),
                units=D("1000.000000"),
                investor_count=k % 50,
                tally=Tally(month=f"{now:%Y-%m}", month_in=D("100.00"), year=now.year, year_in=D("1000.00"), open_orders=k % 4),
            )
            yield items.pool_item(pool, 1)

    _write(db, table, more())


if __name__ == "__main__":
    print(run().text())
