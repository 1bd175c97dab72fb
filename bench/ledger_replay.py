"""Ledger replay: refold a pool's ledger into balances, as reconciliation does,
from the JSON pages a DynamoDB Query returns (parse, decode each item to a
ledger entry, fold). Beside it, the same ledger written in Beancount's format
and loaded by Beancount (parse, book, validate) on the same machine, in the
same run.

The mix: contributions 60%, withdrawals 20%, trades 15%, distributions 5%,
across 1,000 investors and 20 symbols. In Beancount, units are a commodity
held per investor, trades carry their price, and every account is opened.
"""

from __future__ import annotations

import gc
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from bench.report import Result, chart

SIZES = [10_000, 100_000, 1_000_000]
INVESTORS = 1_000
SYMBOLS = [f"SYM{n:02d}" for n in range(20)]
PAGE = 2_000  # items per Query page (DynamoDB stops a page at 1 MB; about this many entries)


@dataclass(frozen=True)
class Move:
    kind: str
    investor: str = ""
    amount: D = D(0)
    units: D = D(0)
    nav: D = D(1)
    symbol: str = ""
    side: str = "buy"
    quantity: D = D(0)
    price: D = D(0)


def entries(n: int, seed: int = 1) -> Iterator[Move]:
    """n entries of one pool, deterministic."""
    rng = random.Random(seed)  # test data, not security  # nosec B311
    for i in range(n):
        roll = rng.random()
        investor = f"inv_{rng.randrange(INVESTORS):06d}"
        nav = D("1.000000") + D(i % 500) / D(10_000)
        if roll < 0.80:
            kind = "contribution" if roll < 0.60 else "withdrawal"
            amount = D(rng.randrange(100, 1_000_000 if kind == "contribution" else 100_000)) / 100
            yield Move(kind, investor, amount, (amount / nav).quantize(D("0.000001")), nav)
        elif roll < 0.95:
            qty, price = D(rng.randrange(1, 500)), D(rng.randrange(1_000, 50_000)) / 100
            yield Move("trade", symbol=rng.choice(SYMBOLS), side=rng.choice(["buy", "sell"]), quantity=qty, price=price)
        else:
            yield Move("distribution", amount=D(rng.randrange(1_000, 100_000)) / 100)


def dynamodb_pages(n: int, *, projected: bool = False) -> list[str]:
    """The ledger as the JSON bodies of DynamoDB Query pages: whole items, or (``projected``)
    what reconciliation's query asks for (pool_items.MOVEMENT_ATTRIBUTES)."""
    from chalicelib.adapters import pool_items
    from chalicelib.domain.model import EntryType, LedgerEntry, TradeSide

    start = datetime(2026, 1, 1, tzinfo=UTC)
    pages: list[str] = []
    items: list[dict[str, object]] = []
    for i, m in enumerate(entries(n)):
        common = {"id": f"{i:026d}", "pool_id": "pl_bench", "created_at": start + timedelta(seconds=i), "actor": "bench"}
        if m.kind in ("contribution", "withdrawal"):
            sign = 1 if m.kind == "contribution" else -1
            entry = LedgerEntry(
                **common,  # type: ignore[arg-type]
                type=EntryType(m.kind),
                cash_delta=sign * m.amount,
                units_delta=sign * m.units,
                investor_id=m.investor,
                amount=m.amount,
                units=m.units,
                nav_per_unit=m.nav,
            )
        elif m.kind == "trade":
            cost = m.quantity * m.price
            entry = LedgerEntry(
                **common,  # type: ignore[arg-type]
                type=EntryType.TRADE,
                cash_delta=-cost if m.side == "buy" else cost,
                symbol=m.symbol,
                side=TradeSide(m.side),
                quantity=m.quantity,
                price=m.price,
                fees=D("0.00"),
            )
        else:
            entry = LedgerEntry(
                **common,  # type: ignore[arg-type]
                type=EntryType.DISTRIBUTION,
                cash_delta=-m.amount,
                amount=m.amount,
                allocation_count=INVESTORS,
            )
        item = pool_items.entry_item(entry, "USD")
        if projected:
            item = {k: v for k, v in item.items() if k in pool_items.MOVEMENT_ATTRIBUTES}
        items.append(item)
        if len(items) == PAGE:
            pages.append(json.dumps({"Items": items, "Count": len(items)}))
            items = []
    if items:
        pages.append(json.dumps({"Items": items, "Count": len(items)}))
    return pages


def beancount_text(n: int) -> str:
    lines = [
        'option "operating_currency" "USD"',
        "2025-12-31 open Assets:Pool:Cash USD",
        "2025-12-31 open Assets:Pool:Positions",
        "2025-12-31 open Equity:Pool:UnitsIssued UNIT",
        "2025-12-31 open Equity:Pool:Distributions USD",
    ]
    for i in range(INVESTORS):
        lines.append(f"2025-12-31 open Equity:Investors:Inv{i:06d}:Capital USD")
        lines.append(f"2025-12-31 open Equity:Investors:Inv{i:06d}:Units UNIT")
    lines.append("")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i, m in enumerate(entries(n)):
        day = (start + timedelta(seconds=i)).date().isoformat()
        if m.kind in ("contribution", "withdrawal"):
            sign = 1 if m.kind == "contribution" else -1
            who = "Equity:Investors:Inv" + m.investor[4:]
            lines.append(
                f'{day} * "{m.kind}" "{m.investor}"\n'
                f"  Assets:Pool:Cash  {sign * m.amount} USD\n"
                f"  {who}:Capital  {-sign * m.amount} USD\n"
                f"  {who}:Units  {-sign * m.units} UNIT\n"
                f"  Equity:Pool:UnitsIssued  {sign * m.units} UNIT\n"
            )
        elif m.kind == "trade":
            sign = 1 if m.side == "buy" else -1
            lines.append(
                f'{day} * "trade"\n'
                f"  Assets:Pool:Positions  {sign * m.quantity} {m.symbol} @ {m.price} USD\n"
                f"  Assets:Pool:Cash  {-sign * m.quantity * m.price} USD\n"
            )
        else:
            lines.append(
                f'{day} * "distribution"\n  Assets:Pool:Cash  {-m.amount} USD\n  Equity:Pool:Distributions  {m.amount} USD\n'
            )
    return "\n".join(lines)


def replay(pages: list[str]) -> tuple[int, object]:
    """What reconciliation does with each Query page: decode each item's movement, fold it."""
    from chalicelib.adapters.pool_items import movement_of
    from chalicelib.domain.ledger import Balances

    balances = Balances()
    count = 0
    for page in pages:
        for item in json.loads(page)["Items"]:
            balances.apply(movement_of(item))
            count += 1
    return count, balances


def beancount_load(text: str) -> tuple[int, int]:
    from beancount import loader

    loaded, errors, _ = loader.load_string(text)
    return len(loaded), len(errors)


def run(*, sizes: list[int] = SIZES) -> Result:
    result = Result(
        key="ledger",
        title="Ledger replay",
        what=(
            "Refold one pool's ledger into balances from DynamoDB Query pages (JSON parse, decode each item's "
            "movement, fold), as reconciliation does; and the same ledger in Beancount's format loaded by Beancount "
            "(`loader.load_string`: parse, book, validate) in the same run. Building either input is not timed."
        ),
        columns=[
            "entries",
            "refold as reconciliation reads",
            "entries/s",
            "refold of whole items",
            "entries/s",
            "Beancount load",
            "entries/s",
            "Pooldesk / Beancount",
            "whole items / Beancount",
        ],
    )
    xs, ours, whole, theirs = [], [], [], []
    for n in sizes:
        timings = {}
        for projected in (True, False):
            pages = dynamodb_pages(n, projected=projected)
            gc.collect()
            started = time.perf_counter()
            count, _ = replay(pages)
            timings[projected] = time.perf_counter() - started
            assert count == n
            del pages
        mine, all_of_it = timings[True], timings[False]
        text = beancount_text(n)
        gc.collect()
        started = time.perf_counter()
        loaded, errors = beancount_load(text)
        bean = time.perf_counter() - started
        assert errors == 0 and loaded >= n, f"Beancount loaded {loaded} entries with {errors} errors"
        del text
        gc.collect()
        result.rows.append(
            [
                f"{n:,}",
                f"{mine:.2f} s",
                f"{n / mine:,.0f}",
                f"{all_of_it:.2f} s",
                f"{n / all_of_it:,.0f}",
                f"{bean:.2f} s",
                f"{n / bean:,.0f}",
                f"{bean / mine:.1f}x faster",
                f"{bean / all_of_it:.1f}x faster",
            ]
        )
        xs.append(float(n))
        ours.append(n / mine)
        whole.append(n / all_of_it)
        theirs.append(n / bean)
    result.chart = chart(
        "ledger",
        "Ledger replay: entries per second",
        "ledger entries",
        "entries / s",
        {
            "Pooldesk refold (as reconciliation reads)": (xs, ours),
            "refold of whole items": (xs, whole),
            "Beancount load": (xs, theirs),
        },
        logx=True,
    )
    result.notes.append(
        "Reconciliation's query asks DynamoDB for only what a fold reads of each entry (its type, cash, units, "
        "fees payable, investor, amount, symbol, side, quantity, share count and currency: "
        "pool_items.MOVEMENT_ATTRIBUTES), so its pages are what the first column parses; the whole-item column "
        "parses every attribute of every entry, as the refold did before."
    )
    result.notes.append(
        "Not the same work: Beancount also books and validates (balanced transactions, open accounts) and "
        "keeps every entry in memory; the refold streams pages and keeps only balances. The ratio says what "
        "a nightly reconciliation costs next to loading the books in a well-known accounting tool."
    )
    return result


if __name__ == "__main__":
    print(run().text())
