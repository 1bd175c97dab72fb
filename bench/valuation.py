"""Approving a forward pool's valuation that settles many orders: placing the
orders, proposing (striking the NAV and every order's settlement), then
approving (locking it) and settling each order as its own commit. Timed and
counted by phase, through the real services against in-process moto.
"""

from __future__ import annotations

import time
from decimal import Decimal as D
from typing import Any

from bench.distribution import Phases, seed_investors
from bench.report import Result, chart, in_process_aws
from chalicelib.services.ports import Principal

SIZES = [250, 500, 1_000]


def seed_orders(pools: Any, pool_id: str, n: int) -> None:
    """One order per investor, written in commits of 90 (each checked by the domain's own rules), not
    one request each: placing is measured by the API benchmark; this one measures approving."""
    from chalicelib.domain import orders
    from chalicelib.domain.decisions import new_entry, touch
    from chalicelib.domain.model import EntryType
    from chalicelib.services.ports import Commit

    repo = pools.repo
    for start in range(0, n, 90):
        pool = repo.get_pool(pool_id)
        stamp = pools.stamp(Principal("bench-manager", "bench@example.com", frozenset({"managers"})))
        ids = [f"inv_{i:06d}" for i in range(start, min(start + 90, n))]
        investors = repo.get_investors(pool_id, ids)
        placed = [
            orders.place(
                pool,
                investors[inv],
                pool.dealing,
                order_id=f"ord_{stamp.entry_id}_{inv}",
                type_="subscription" if int(inv[4:]) % 2 == 0 else "redemption",
                received_at=stamp.at,
                amount="25.00" if int(inv[4:]) % 2 == 0 else None,
                units=None if int(inv[4:]) % 2 == 0 else "1",
            )
            for inv in ids
        ]
        entry = new_entry(pool, stamp, EntryType.ORDER_PLACED, memo=f"{len(placed)} orders (benchmark seed)")
        repo.commit(Commit(pool=touch(pool, stamp), expected_version=pool.version, entry=entry, orders=placed, record_nav=False))


def run(*, sizes: list[int] = SIZES) -> Result:
    import os

    import boto3

    from chalicelib import wiring
    from chalicelib.domain.dealing import parse_policy

    result = Result(
        key="valuation",
        title="Approving a valuation that settles every order",
        what=(
            "A forward pool with one order per investor (every other one a 25.00 subscription, the rest a 1-unit "
            "redemption), written in commits of 90. Phases: seed the orders; propose the valuation "
            "(strike the NAV, compute every settlement, store it in chunks); approve (lock it, mark the official "
            "NAV); settle each order as its own contribution or withdrawal entry."
        ),
        columns=[
            "orders",
            "seed",
            "propose",
            "approve (lock)",
            "settle",
            "DynamoDB requests (propose / lock / settle)",
            "share in moto + SDK",
            "units add up",
        ],
    )
    xs, settles, per_order = [], [], []
    manager = Principal("bench-manager", "bench@example.com", frozenset({"managers"}))
    finance = Principal("bench-finance", "finance@example.com", frozenset({"finance"}))
    with in_process_aws() as counter:
        db = boto3.client("dynamodb", region_name="us-east-1")
        pools = wiring.pool_service()
        dealing = wiring.dealing_service()
        for n in sizes:
            pool = pools.create_pool(manager, name=f"Forward {n}", currency="USD")
            seed_investors(db, os.environ["POOLS_TABLE"], pool.id, n)
            pools.set_dealing(manager, pool.id, parse_policy(mode="forward"))
            started = time.perf_counter()
            seed_orders(pools, pool.id, n)
            place = time.perf_counter() - started

            phases = Phases(counter)
            before, in_aws, began = counter.total, counter.seconds, time.perf_counter()
            proposed = phases.timed("propose", dealing.propose)(manager, pool.id)[0]
            real = dealing.settle
            dealing.settle = phases.timed("settle", dealing.settle)  # type: ignore[method-assign]
            try:
                approved = phases.timed("approve", dealing.approve)(finance, pool.id, proposed.id)
            finally:
                dealing.settle = real  # type: ignore[method-assign]
            elapsed = time.perf_counter() - began
            s, r = phases.seconds, phases.requests
            lock_s, lock_r = s["approve"] - s["settle"], r["approve"] - r["settle"]
            after = pools.repo.get_pool(pool.id)
            held = sum((i.units for i in pools.repo.all_investors(pool.id)), D(0))
            ok = approved.settled and after is not None and after.units == held
            result.rows.append(
                [
                    f"{n:,}",
                    f"{place:.2f} s",
                    f"{s['propose']:.2f} s",
                    f"{lock_s:.2f} s",
                    f"{s['settle']:.2f} s",
                    f"{counter.total - before:,} ({r['propose']:,} / {lock_r:,} / {r['settle']:,})",
                    f"{(counter.seconds - in_aws) / elapsed:.0%}",
                    "yes" if ok else "NO",
                ]
            )
            xs.append(float(n))
            settles.append(s["settle"])
            per_order.append(r["settle"] / n)
    result.chart = chart(
        "valuation",
        "Valuation approval: settling by size",
        "orders",
        "seconds",
        {"settle (moto)": (xs, settles)},
        right={"requests per order": (xs, per_order)},
        right_label="DynamoDB requests per order settled",
    )
    result.notes.append(
        "Each order settles as one TransactWriteItems guarded by the pool's version (pool, investor, entry, "
        "order), so a settlement interrupted anywhere resumes without booking an order twice; orders and "
        "investors are read in batches of 100 first, so settling costs about one request per order. A market "
        "tick during settlement costs one re-read and a retry."
    )
    return result


if __name__ == "__main__":
    print(run().text())
