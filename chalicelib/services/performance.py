"""Use cases of returns: a pool's time-weighted return (net and gross of fees)
and an investor's money-weighted return, from the NAV history and the ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chalicelib.domain import fee_booking, money
from chalicelib.domain import performance as measuring
from chalicelib.domain.model import EntryType, Investor, Pool
from chalicelib.domain.performance import InvestorPerformance, PoolPerformance

from .pools import PoolService
from .ports import NavPoint, Principal

_PAGE = 1000


class PerformanceService:
    def __init__(self, pools: PoolService) -> None:
        self.pools = pools
        self.repo = pools.repo

    def closes(self, pool: Pool) -> list[tuple[date, Decimal]]:
        """Each day's closing NAV per unit, oldest first: a forward pool's official (approved)
        NAVs alone; an instant pool's last mark of each day."""
        points: list[NavPoint] = []
        cursor: str | None = None
        while True:
            page = self.repo.nav_history(pool.id, limit=_PAGE, cursor=cursor)
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

    def pool_performance(self, who: Principal, pool_id: str) -> tuple[Pool, PoolPerformance]:
        pool = self.pools.get_pool(who, pool_id)
        today = self.pools.now().date()
        return pool, measuring.pool_performance(self.closes(pool), self.repo.ledger(pool_id), today)

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
