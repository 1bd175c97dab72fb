"""Use cases of returns: a pool's time-weighted return (net and gross of fees)
and an investor's money-weighted return, from the NAV history and the ledger."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from chalicelib.domain import fee_booking, money, returns
from chalicelib.domain import performance as measuring
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.model import Investor, LedgerEntry, Pool, Stamp
from chalicelib.domain.performance import InvestorPerformance, PoolPerformance

from .market_ports import PriceStore
from .pools import PoolService
from .ports import Commit, NavPoint, PoolRepository, Principal

_PAGE = 1000
MAX_AT_ONCE = 100


def nav_closes(repo: PoolRepository, pool: Pool) -> list[tuple[date, Decimal]]:
    """Each day's closing NAV per unit, oldest first, from the launch price the day before
    launch: a forward pool's official (approved) NAVs alone; an instant pool's last mark of each day."""
    points: list[NavPoint] = []
    cursor: str | None = None
    while True:
        page = repo.nav_history(pool.id, limit=_PAGE, cursor=cursor)
        points[:0] = page.items  # each page is older than the last
        cursor = page.next_cursor
        if cursor is None:
            break
    # The day before launch closes at the launch price: returns "since inception" are since launch.
    launched = pool.created_at.date() - timedelta(days=1)
    by_day: dict[date, Decimal] = {launched: pool.unit_price}
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
        return pool, investor, self.measure(pool, [investor], self.repo.ledger(pool_id))[0]

    def investor_performances(
        self, who: Principal, pool_id: str, investor_ids: list[str]
    ) -> list[tuple[Investor, InvestorPerformance]]:
        """Several investors' returns at once (a page of the investor list), from one read of the ledger."""
        pool = self.pools.get_pool(who, pool_id)
        if len(investor_ids) > MAX_AT_ONCE:
            raise InvalidInput(f"ask for at most {MAX_AT_ONCE} investors at once", field="ids", code="too_many_ids")
        found = self.repo.get_investors(pool_id, investor_ids)
        investors = [found[i] for i in dict.fromkeys(investor_ids) if i in found]
        return list(zip(investors, self.measure(pool, investors, self.repo.ledger(pool_id)), strict=True))

    def measure(self, pool: Pool, investors: list[Investor], entries: list[LedgerEntry]) -> list[InvestorPerformance]:
        distributions = [e.id for e in entries if e.books_shares]
        today = self.pools.now().date()
        accrued = {r.investor_id: r.performance_fee for r in fee_booking.accrued(pool, investors, today).investors}
        out = []
        for investor in investors:
            shares = self.repo.booked_shares(pool.id, investor.id, distributions)
            payouts = {k: a.amount for k, a in shares.items()}
            value = pool.value_of(investor.units) - accrued.get(investor.id, money.ZERO)
            out.append(
                measuring.investor_performance(
                    entries,
                    investor.id,
                    payouts,
                    value=value,
                    performance_fees=investor.performance_fees,
                    today=today,
                    currency=pool.currency,
                )
            )
        return out
