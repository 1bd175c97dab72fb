"""The firm at a glance: every pool a user sees, with assets under management by
currency (never summed across currencies), net flows this month and year, each
pool's return since launch, and what waits for someone (orders, approvals, a
valuation in hand). Built from the pools alone (their tallies), so it costs one
read per pool, however long their ledgers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import money, returns
from .model import Pool, PoolStatus
from .tally import flows_in


@dataclass(frozen=True)
class PoolLine:
    pool: Pool
    month_in: Decimal
    month_out: Decimal
    year_in: Decimal
    year_out: Decimal
    since_launch: Decimal  # (NAV per unit + distributions per unit paid) / launch price - 1, 8 places

    @property
    def month_net(self) -> Decimal:
        return self.month_in - self.month_out

    @property
    def year_net(self) -> Decimal:
        return self.year_in - self.year_out


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    nav: Decimal
    pools: int
    month_net: Decimal
    year_net: Decimal


@dataclass(frozen=True)
class Firm:
    lines: tuple[PoolLine, ...]
    totals: tuple[CurrencyTotal, ...]  # one per currency, by currency code

    @property
    def open_orders(self) -> int:
        return sum(line.pool.tally.open_orders for line in self.lines)

    @property
    def awaiting_approval(self) -> int:
        return sum(line.pool.tally.awaiting_approval for line in self.lines)

    @property
    def valuations_in_hand(self) -> int:
        return sum(1 for line in self.lines if line.pool.valuation_id is not None)


def since_launch(pool: Pool) -> Decimal:
    if pool.unit_price <= 0:  # pragma: no cover - a launch price is positive
        return money.ZERO
    return (money.div(pool.nav_per_unit + pool.distributed_per_unit, pool.unit_price) - 1).quantize(returns.PLACES)


def firm(pools: Iterable[Pool], today: date) -> Firm:
    lines = []
    totals: dict[str, list[Decimal]] = {}
    counts: dict[str, int] = {}
    for pool in pools:
        (m_in, m_out), (y_in, y_out) = flows_in(pool.tally, today)
        line = PoolLine(pool, m_in, m_out, y_in, y_out, since_launch(pool))
        lines.append(line)
        if pool.status is PoolStatus.CLOSED and pool.nav == 0:
            continue
        total = totals.setdefault(pool.currency, [money.ZERO, money.ZERO, money.ZERO])
        total[0] += pool.nav
        total[1] += line.month_net
        total[2] += line.year_net
        counts[pool.currency] = counts.get(pool.currency, 0) + 1
    by_currency = tuple(
        CurrencyTotal(
            currency=c,
            nav=money.quantize_money(t[0], c),
            pools=counts[c],
            month_net=money.quantize_money(t[1], c),
            year_net=money.quantize_money(t[2], c),
        )
        for c, t in sorted(totals.items())
    )
    return Firm(tuple(lines), by_currency)
