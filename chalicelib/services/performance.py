"""Use cases of returns: a pool's time-weighted return (net and gross of fees)
and an investor's money-weighted return, from the NAV history and the ledger."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from chalicelib.domain import fee_booking, money, returns
from chalicelib.domain import performance as measuring
from chalicelib.domain.model import EntryType, Investor, Pool, Stamp
from chalicelib.domain.performance import InvestorPerformance, PoolPerformance

from .pools import PoolService
from .ports import Commit, NavPoint, PoolRepository, PriceStore, Principal

_PAGE = 1000


def nav_closes(repo: PoolRepository, pool: Pool) -> list[tuple[date, Decimal]]:
    """Each day's closing NAV per unit, oldest first: a forward pool's official (approved)
    NAVs alone; an instant pool's last mark of each day."""
    points: list[NavPoint] = []
    cursor: str | None = None
    while True:
        page = repo.nav_history(pool.id, limit=_PAGE, cursor=cursor)
        points[:0] = page.items  # each page is older than the last
        cursor = page.next_cursor
        if cursor is None:
            break
    by_day: dict[date, Decimal] = {}
    for p in points:
        if pool.dealing.is_forward and not p.official:
            continue
        by_day[p.at.date()] = p.nav_per_unit
    return sorted(by_day.items())


class PerformanceService:
    def __init__(self, pools: PoolService, *, prices: PriceStore | None = None) -> None:
        self.pools = pools
        self.repo = pools.repo
        self._prices = prices

    def closes(self, pool: Pool) -> list[tuple[date, Decimal]]:
        return nav_closes(self.repo, pool)

    def pool_performance(self, who: Principal, pool_id: str) -> tuple[Pool, PoolPerformance]:
        pool = self.pools.get_pool(who, pool_id)
        today = self.pools.now().date()
        closes = self.closes(pool)
        result = measuring.pool_performance(closes, self.repo.ledger(pool_id), today)
        if pool.benchmark_symbol and closes and self._prices is not None:
            days = [d for d, _ in closes]
            marks = self._prices.closes(pool.benchmark_symbol, date.min, days[-1])
            index = measuring.benchmark_index(marks, days)
            periods = returns.periods(index, today) if index else None
            result = replace(result, benchmark=periods, benchmark_series=tuple(index))
        return pool, result

    def set_benchmark(self, who: Principal, pool_id: str, symbol: str | None) -> Pool:
        def decide(pool: Pool, stamp: Stamp) -> Commit:
            d = measuring.set_benchmark(pool, symbol, stamp)
            return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, record_nav=False)

        self.pools.commands.run(who, pool_id, decide, self.pools.stamp)
        return self.pools.get_pool(who, pool_id)

    def investor_performance(self, who: Principal, pool_id: str, investor_id: str) -> tuple[Pool, Investor, InvestorPerformance]:
        pool = self.pools.get_pool(who, pool_id)
        investor = self.pools.investor(pool_id, investor_id)
        entries = self.repo.ledger(pool_id)
        distributions = [e.id for e in entries if e.type is EntryType.DISTRIBUTION]
        payouts = {k: a.amount for k, a in self.repo.booked_shares(pool_id, investor_id, distributions).items()}
        today = self.pools.now().date()
        accrued = fee_booking.accrued(pool, [investor], today).performance_fee if investor.units else money.ZERO
        value = pool.value_of(investor.units) - accrued
        result = measuring.investor_performance(
            entries,
            investor_id,
            payouts,
            value=value,
            performance_fees=investor.performance_fees,
            today=today,
            currency=pool.currency,
        )
        return pool, investor, result
