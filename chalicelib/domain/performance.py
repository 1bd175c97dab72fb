"""A pool's and an investor's returns, from the ledger and the NAV history (the
formulas are in returns.py; the rules in docs/accounting.md, "Returns").

- The pool's **net** total-return index chains (close + distribution per unit
  - performance fee per unit collected that day) / previous close: NAV per
  unit already carries the management fee, and a performance fee, collected by
  cancelling units, is taken off here so the index is what a unit holder kept.
- The **gross** index adds the management fee per unit back instead: what the
  portfolio earned before any fee.
- An investor's money-weighted return is the XIRR of their own flows, with
  what they hold today (net of the performance fee accrued) as the last one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import money, returns
from .decisions import PoolDecision, new_entry, touch
from .errors import Conflict
from .model import EntryType, LedgerEntry, Pool, Stamp
from .portfolio import clean_symbol
from .returns import IndexPoint, Periods


@dataclass(frozen=True)
class PoolPerformance:
    net: Periods
    gross: Periods
    series: tuple[tuple[date, Decimal, Decimal], ...]  # (day, net index, gross index)
    benchmark: Periods | None = None
    benchmark_series: tuple[IndexPoint, ...] = ()


def _per_unit(amount: Decimal, units: Decimal | None) -> Decimal:
    return money.div(amount, units) if units else money.ZERO


@dataclass(frozen=True)
class PerUnit:
    """What happened to one unit on each day, besides its NAV per unit moving."""

    distributed: dict[date, Decimal]
    performance_fee: dict[date, Decimal]
    management_fee: dict[date, Decimal]


def per_unit(entries: Iterable[LedgerEntry]) -> PerUnit:
    """Distributions, performance fees collected and management fees charged, per unit
    (of the units in issue just before), by day."""
    out = PerUnit(defaultdict(lambda: money.ZERO), defaultdict(lambda: money.ZERO), defaultdict(lambda: money.ZERO))
    units = money.ZERO
    for e in entries:
        day = e.created_at.date()
        if e.type is EntryType.VALUATION_APPROVED and e.fees:
            out.management_fee[day] += _per_unit(e.fees, e.units)
        elif e.type is EntryType.DISTRIBUTION and e.amount:
            out.distributed[day] += _per_unit(e.amount, e.units or units)
        elif e.performance_fee and e.type in (EntryType.FEES_CRYSTALLISED, EntryType.WITHDRAWAL):
            out.performance_fee[day] += _per_unit(e.performance_fee, units)
        units += e.units_delta
    return out


def _onto(days: Sequence[date], flows: Mapping[date, Decimal]) -> dict[date, Decimal]:
    """Each flow moved to the first close on or after its day (a distribution between two
    official NAVs belongs to the next one); flows after the last close wait for the next."""
    out: dict[date, Decimal] = defaultdict(lambda: money.ZERO)
    for day, amount in flows.items():
        at = bisect_left(days, day)
        if at < len(days):
            out[days[at]] += amount
    return dict(out)


def _rounded(index: Sequence[IndexPoint]) -> list[IndexPoint]:
    return [IndexPoint(p.day, p.value.quantize(returns.PLACES)) for p in index]


def pool_performance(closes: Sequence[tuple[date, Decimal]], entries: Iterable[LedgerEntry], today: date) -> PoolPerformance:
    """From each day's closing NAV per unit (oldest first, one per day) and the pool's ledger."""
    flows = per_unit(entries)
    on = [d for d, _ in closes]
    distributed, performance, management = (
        _onto(on, f) for f in (flows.distributed, flows.performance_fee, flows.management_fee)
    )
    days = distributed.keys() | performance.keys() | management.keys()
    zero = money.ZERO
    net_paid = {d: distributed.get(d, zero) - performance.get(d, zero) for d in days}
    gross_paid = {d: distributed.get(d, zero) + management.get(d, zero) for d in days}
    net = returns.total_return_index(closes, net_paid)
    gross = returns.total_return_index(closes, gross_paid)
    series = tuple((n.day, r.value, g.value) for n, r, g in zip(net, _rounded(net), _rounded(gross), strict=True))
    return PoolPerformance(returns.periods(net, today), returns.periods(gross, today), series)


@dataclass(frozen=True)
class InvestorPerformance:
    xirr: Decimal | None  # a year, money-weighted; None when it has no answer (e.g. nothing paid in)
    value: Decimal  # what their units are worth today, net of the performance fee accrued
    paid_in: Decimal
    taken_out: Decimal  # withdrawals and distributions received
    gain: Decimal  # value + taken out - paid in
    performance_fees: Decimal
    management_fees: Decimal  # their share of each management fee, by the units they held then
    flows: tuple[tuple[date, Decimal], ...]


def investor_flows(
    entries: Iterable[LedgerEntry], investor_id: str, payouts: Mapping[str, Decimal]
) -> tuple[list[tuple[date, Decimal]], Decimal]:
    """An investor's dated flows (paid in negative, taken out positive) and their share of
    management fees. ``payouts`` is their booked share of each distribution, by entry id."""
    flows: list[tuple[date, Decimal]] = []
    held, management = money.ZERO, money.ZERO
    for e in entries:
        day = e.created_at.date()
        if e.type is EntryType.VALUATION_APPROVED and e.fees and e.units:
            management += money.div(money.mul(e.fees, held), e.units)
        if e.investor_id == investor_id:
            held += e.units_delta
            if e.type is EntryType.CONTRIBUTION and e.amount:
                flows.append((day, -e.amount))
            elif e.type is EntryType.WITHDRAWAL and e.amount:
                flows.append((day, e.amount))
            elif e.type is EntryType.REVERSAL and e.cash_delta:
                flows.append((day, e.cash_delta))  # a contribution undone is money back; a withdrawal undone, paid in again
        elif e.type is EntryType.DISTRIBUTION and e.id in payouts:
            flows.append((day, payouts[e.id]))
    return flows, management


def investor_performance(
    entries: Sequence[LedgerEntry],
    investor_id: str,
    payouts: Mapping[str, Decimal],
    *,
    value: Decimal,
    performance_fees: Decimal,
    today: date,
    currency: str,
) -> InvestorPerformance:
    flows, management = investor_flows(entries, investor_id, payouts)
    paid_in = sum((-a for _, a in flows if a < 0), money.ZERO)
    taken_out = sum((a for _, a in flows if a > 0), money.ZERO)
    final = [*flows, (today, value)] if value > 0 else flows
    return InvestorPerformance(
        xirr=returns.xirr(final),
        value=value,
        paid_in=paid_in,
        taken_out=taken_out,
        gain=value + taken_out - paid_in,
        performance_fees=performance_fees,
        management_fees=money.quantize_money(management, currency),
        flows=tuple(flows),
    )


def set_benchmark(pool: Pool, symbol: object, stamp: Stamp) -> PoolDecision:
    """The symbol a pool's returns are shown beside (None: none)."""
    wanted = None if symbol is None else clean_symbol(symbol)
    if wanted == pool.benchmark_symbol:
        raise Conflict("the pool already has this benchmark", field="symbol", code="benchmark_unchanged")
    entry = new_entry(pool, stamp, EntryType.BENCHMARK_SET, symbol=wanted, memo=f"benchmark {wanted or 'none'}")
    return PoolDecision(touch(pool, stamp, benchmark_symbol=wanted), entry)


def benchmark_index(closes: Sequence[tuple[date, Decimal]], days: Sequence[date]) -> list[IndexPoint]:
    """A benchmark's price index over the pool's own days (its close on or before each), 1 on
    the first of them it has a close for (days before its first close are left out)."""
    index: list[IndexPoint] = []
    at, base = 0, None
    last: Decimal | None = None
    for day in days:
        while at < len(closes) and closes[at][0] <= day:
            last = closes[at][1]
            at += 1
        if last is None:
            continue
        if base is None:
            base = last
        index.append(IndexPoint(day, (last / base).quantize(returns.PLACES)))
    return index
