"""The prices consumer on one Kinesis batch: decode, conflate to the latest tick
per symbol, store the prices, revalue each affected pool once. Beside it, a
naive consumer that does the same work tick by tick (each tick its own batch),
and the decoding and conflation alone, in process, with no AWS at all.

The real handler (app.apply_market_ticks) runs against in-process moto; every
DynamoDB request is counted, and the time spent in them (the SDK and moto) is
told apart from our own code's.
"""

from __future__ import annotations

import base64
import json
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.report import RequestCounter, Result, chart, in_process_aws

# (ticks in the batch, symbols they cover, pools); each pool holds three symbols.
SIZES = [(1_000, 50, 1_000), (5_000, 250, 1_000), (10_000, 500, 1_000), (10_000, 500, 10_000)]
SYMBOLS = 500
# The naive consumer does the same work per tick whatever the batch, so a sample of ticks tells its rate.
NAIVE_SAMPLE = 60
# Decoding is timed this many times over the batch; the median is reported.
DECODE_RUNS = 7


@dataclass
class Run:
    ticks: int
    symbols: int
    pools_revalued: int
    seconds: float
    requests: int
    seconds_in_aws: float = 0.0

    @property
    def ticks_per_second(self) -> float:
        return self.ticks / self.seconds


def symbol(n: int) -> str:
    return f"S{n:03d}"


def holdings(pool: int, symbols: int = SYMBOLS) -> list[int]:
    """Three distinct symbols per pool, spread so every symbol is held by about as many pools."""
    return sorted({pool % symbols, (pool * 7 + 1) % symbols, (pool * 13 + 2) % symbols})


def seed(first: int, last: int, symbols: int) -> None:
    """Pools ``first`` to ``last - 1``, each with cash and three positions, as the repository
    stores them (the pool's state and its holding markers), written 25 items a request:
    through the API it would take six commands a pool, and the consumer reads only these."""
    from chalicelib import wiring
    from chalicelib.adapters import pool_items as items
    from chalicelib.config import settings
    from chalicelib.domain import operations as ops
    from chalicelib.domain import portfolio
    from chalicelib.domain.model import Stamp

    at = datetime.now(UTC) - timedelta(days=1)
    rows: list[dict[str, Any]] = []
    for n in range(first, last):
        stamp = Stamp(entry_id=f"seed{n}", at=at, actor="bench-manager")
        pool_id = f"pl_bench{n:06d}"
        pool = ops.open_pool(
            pool_id=pool_id, name=f"Bench {n}", currency="USD", unit_price="1.00", manager_id="bench-manager", stamp=stamp
        ).pool
        added = ops.add_investor(pool, investor_id=f"inv_bench{n:06d}", name="Investor", email="", stamp=stamp)
        pool = ops.contribute(added.pool, added.investor, "100000.00", stamp).pool
        for s in holdings(n, symbols):
            pool = portfolio.trade(pool, symbol=symbol(s), side="buy", quantity="10", price="100.00", fees="0", stamp=stamp).pool
            rows.append(items.holding_marker(pool_id, symbol(s)))
        rows.append(items.pool_item(pool, 1))
    db, table = wiring.dynamodb(), settings().pools_table
    for start in range(0, len(rows), 25):
        request = {table: [{"PutRequest": {"Item": row}} for row in rows[start : start + 25]]}
        while request:
            request = db.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


def kinesis_batch(ticks: int, symbols: int, start_ts: float) -> dict[str, object]:
    records = []
    for n in range(ticks):
        tick = {"symbol": symbol(n % symbols), "price": f"{100 + (n % 97) / 10:.2f}", "ts": f"{start_ts + n / 1000:.3f}"}
        records.append(
            {
                "eventSource": "aws:kinesis",
                "kinesis": {
                    "data": base64.b64encode(json.dumps(tick).encode()).decode(),
                    "sequenceNumber": f"{n:030d}",
                    "partitionKey": tick["symbol"],
                },
            }
        )
    return {"Records": records}


def decode_rate(ticks: int, symbols: int) -> float:
    """Ticks a second through what the consumer does before any AWS call: base64,
    JSON, every check of every tick, and conflation to the latest per symbol."""
    from chalicelib.consumers.market_ticks import read_ticks
    from chalicelib.services.market import conflate

    records: Any = kinesis_batch(ticks, symbols, time.time())["Records"]
    rates = []
    for _ in range(DECODE_RUNS):
        started = time.perf_counter()
        decoded, malformed = read_ticks(records)
        latest = conflate(decoded)
        assert not malformed
        rates.append(ticks / (time.perf_counter() - started))
        assert len(latest) == symbols
    return statistics.median(rates)


def batched(counter: RequestCounter, ticks: int, symbols: int, start_ts: float, pools: int) -> Run:
    from app import apply_market_ticks

    event = kinesis_batch(ticks, symbols, start_ts)
    counter.reset()
    started = time.perf_counter()
    outcome = apply_market_ticks(event, None)
    seconds = time.perf_counter() - started
    assert outcome == {"batchItemFailures": []}, outcome
    holders = {p for p in range(pools) if any(s < symbols for s in holdings(p))}
    return Run(ticks, symbols, len(holders), seconds, counter.total, counter.seconds)


def naive(counter: RequestCounter, ticks: int, symbols: int, start_ts: float) -> Run:
    """Each tick applied on its own: store its price, revalue every pool holding it."""
    from chalicelib import wiring
    from chalicelib.services.market import parse_tick

    market = wiring.market_data()
    records = kinesis_batch(ticks, symbols, start_ts)["Records"]
    assert isinstance(records, list)
    counter.reset()
    started = time.perf_counter()
    revalued = 0
    for record in records[:NAIVE_SAMPLE]:
        tick = parse_tick(base64.b64decode(record["kinesis"]["data"]))
        revalued += market.apply([tick]).pools_revalued
    seconds = time.perf_counter() - started
    sample = min(ticks, NAIVE_SAMPLE)
    scale = ticks / sample
    return Run(ticks, symbols, revalued, seconds * scale, round(counter.total * scale))


def run(*, sizes: list[tuple[int, int, int]] = SIZES, naive_up_to: int = 1_000) -> Result:
    result = Result(
        key="prices",
        title="Prices consumer: one Kinesis batch",
        what=(
            "A batch of ticks over N symbols, against pools that each hold three symbols; the real handler "
            "decodes, conflates to the latest tick per symbol, stores the prices and revalues each affected "
            "pool once. The naive consumer applies every tick as its own batch (timed on the first "
            f"{NAIVE_SAMPLE} ticks; its cost per tick does not depend on the batch). Decode + conflate is the "
            f"handler's work before any AWS call, in process (median of {DECODE_RUNS})."
        ),
        columns=[
            "ticks",
            "symbols",
            "pools",
            "pools revalued",
            "decode + conflate ticks/s",
            "batched DynamoDB requests",
            "batched time (share in moto + SDK)",
            "batched ticks/s",
            "naive DynamoDB requests",
            "naive ticks/s",
            "requests saved",
        ],
    )
    batched_requests: dict[int, tuple[list[float], list[float]]] = {}
    naive_requests: tuple[list[float], list[float]] = ([], [])
    # Decoding first, on a small heap as a Lambda's: moto's database, once seeded, makes the
    # garbage collector's every pass longer, which is moto's cost, not the consumer's.
    rates = {(ticks, symbols): decode_rate(ticks, symbols) for ticks, symbols, _ in sizes}
    with in_process_aws() as counter:
        seeded = 0
        clock = time.time()
        for n, (ticks, symbols, pools) in enumerate(sizes):
            if pools > seeded:
                seed(seeded, pools, max(s for _, s, _ in sizes))
                seeded = pools
            rate = rates[(ticks, symbols)]
            fast = batched(counter, ticks, symbols, clock + n * 100, pools)
            slow = naive(counter, ticks, symbols, clock + n * 100 + 50) if pools <= naive_up_to else None
            result.rows.append(
                [
                    f"{ticks:,}",
                    f"{symbols:,}",
                    f"{pools:,}",
                    f"{fast.pools_revalued:,}",
                    f"{rate:,.0f}",
                    f"{fast.requests:,}",
                    f"{fast.seconds:.2f} s ({fast.seconds_in_aws / fast.seconds:.0%})",
                    f"{fast.ticks_per_second:,.0f}",
                    f"{slow.requests:,}" if slow else "",
                    f"{slow.ticks_per_second:,.0f}" if slow else "",
                    f"{slow.requests / max(fast.requests, 1):,.0f}x" if slow else "",
                ]
            )
            xs, ys = batched_requests.setdefault(pools, ([], []))
            xs.append(float(ticks))
            ys.append(float(fast.requests))
            if slow:
                naive_requests[0].append(float(ticks))
                naive_requests[1].append(float(slow.requests))
    series = {f"batched, {pools:,} pools": points for pools, points in batched_requests.items()}
    result.chart = chart(
        "prices",
        "Prices consumer: DynamoDB requests per batch",
        "ticks in the batch",
        "DynamoDB requests",
        {**series, "naive (per tick)": naive_requests},
        logy=True,
    )
    result.notes.append(
        "Batched, the requests follow the symbols and pools touched, never the ticks: the latest price of "
        "every symbol and its day's close, 100 conditional writes a transaction; one query per symbol for "
        "its holders; the pools read 100 a request and revalued 50 a transaction (each pool's state, guarded "
        "by its version, and a NAV point)."
    )
    result.notes.append(
        "The time column's share is spent inside DynamoDB calls, which here are moto's (and botocore's "
        "serialising): it is an upper bound on what AWS would take, not our code's. What remains is ours."
    )
    return result


if __name__ == "__main__":
    print(run().text())
