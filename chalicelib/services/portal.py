"""The investor portal: a signed-in investor sees their own holdings, their pools'
public figures (name, NAV per unit and its history, returns), their own activity
and statements, and places or cancels their own orders. Nothing here ever reads
another investor's record or the pool's investor list.

Access is decided once, here: the login must be linked to the investor record
(a manager's invitation links it). Anything else answers 404, as between
managers. The use cases it then calls act *for that investor*, on that record
only, named in the ledger as the investor.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.model import Allocation, Investor, LedgerEntry, Pool
from chalicelib.domain.money import DecimalInput
from chalicelib.domain.orders import Order
from chalicelib.domain.performance import InvestorPerformance, PoolPerformance
from chalicelib.domain.withdrawal_requests import WithdrawalRequest

from .dealing import DealingService
from .people_ports import AccountRecords, EmailPreferences, Membership
from .performance import PerformanceService
from .ports import Page, Principal
from .statements import InvestorStatement, StatementService
from .withdrawal_requests import WithdrawalRequests

SHARE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Holding:
    pool: Pool
    investor: Investor
    value: Decimal
    share: Decimal  # of the pool's units, a fraction to 6 places (half-even: a display figure)
    performance: InvestorPerformance


@dataclass(frozen=True)
class MyEntry:
    """A line of the investor's own activity; for a distribution, only their share of it."""

    entry: LedgerEntry
    share: Allocation | None


class PortalService:
    def __init__(
        self,
        dealing: DealingService,
        performance: PerformanceService,
        statements: StatementService,
        records: AccountRecords,
        requests: WithdrawalRequests,
    ) -> None:
        self.dealing = dealing
        self.pools = dealing.pools
        self.repo = dealing.repo
        self.performance = performance
        self.statements = statements
        self.records = records
        self.requests = requests

    # -- whose is it --------------------------------------------------------

    def _memberships(self, who: Principal) -> list[Membership]:
        if who.is_system:
            raise Forbidden("the portal is for investors", code="forbidden")
        return self.records.memberships(who.user_id)

    def _mine(self, who: Principal, pool_id: str) -> tuple[Pool, Investor]:
        for m in self._memberships(who):
            if m.pool_id == pool_id:
                pool, investor = self.repo.get_pool(pool_id), self.repo.get_investor(pool_id, m.investor_id)
                if pool is not None and investor is not None:
                    return pool, investor
        raise NotFound(f"pool {pool_id} not found", field="pool_id", code="pool_not_found")

    @staticmethod
    def _acting_for(who: Principal, investor: Investor) -> Principal:
        # The link was checked: the use cases act on this one record, shown in the ledger as the investor.
        label = f"{investor.name} (investor)"
        return Principal.system(who.user_id, f"{label} <{investor.email}>" if investor.email else label)

    # -- reading --------------------------------------------------------------

    def holdings(self, who: Principal) -> list[Holding]:
        found = []
        for m in self._memberships(who):
            pool, investor = self.repo.get_pool(m.pool_id), self.repo.get_investor(m.pool_id, m.investor_id)
            if pool is None or investor is None:  # pragma: no cover - pools and investor records are never deleted
                continue
            found.append(self._holding(pool, investor))
        return sorted(found, key=lambda h: (h.pool.name.casefold(), h.pool.id))

    def holding(self, who: Principal, pool_id: str) -> tuple[Holding, PoolPerformance]:
        pool, investor = self._mine(who, pool_id)
        _, figures = self.performance.pool_performance(self._acting_for(who, investor), pool_id)
        return self._holding(pool, investor), figures

    def _holding(self, pool: Pool, investor: Investor) -> Holding:
        measured = self.performance.measure(pool, [investor], self.repo.ledger(pool.id))[0]
        share = (investor.units / pool.units).quantize(SHARE_PLACES, ROUND_HALF_EVEN) if pool.units else Decimal("0")
        return Holding(pool, investor, measured.value, share, measured)

    def activity(self, who: Principal, pool_id: str, *, limit: int, cursor: str | None) -> Page[MyEntry]:
        _, investor = self._mine(who, pool_id)
        page = self.pools.activity(self._acting_for(who, investor), pool_id, limit=limit, cursor=cursor, investor_id=investor.id)
        distributions = [e.id for e in page.items if e.books_shares]
        shares = self.repo.booked_shares(pool_id, investor.id, distributions) if distributions else {}
        items = [MyEntry(e, shares.get(e.id)) for e in page.items if not e.books_shares or e.id in shares]
        return Page(items, page.next_cursor)

    def statement(self, who: Principal, pool_id: str, *, start: str | None, end: str | None) -> InvestorStatement:
        _, investor = self._mine(who, pool_id)
        return self.statements.statement(self._acting_for(who, investor), pool_id, investor.id, start=start, end=end)

    # -- orders -----------------------------------------------------------------

    def orders(self, who: Principal, pool_id: str, *, limit: int, cursor: str | None) -> Page[Order]:
        _, investor = self._mine(who, pool_id)
        return self.repo.list_orders(pool_id, limit=limit, cursor=cursor, where=lambda o: o.investor_id == investor.id)

    def place_order(
        self,
        who: Principal,
        pool_id: str,
        *,
        type_: str,
        amount: DecimalInput | None,
        units: DecimalInput | None,
        dealing_date: str | None,
        idempotency_key: str | None,
    ) -> tuple[Order, bool]:
        _, investor = self._mine(who, pool_id)
        return self.dealing.place_order(
            self._acting_for(who, investor),
            pool_id,
            investor_id=investor.id,
            type_=type_,
            amount=amount,
            units=units,
            dealing_date=dealing_date,
            # Keys are the investor's own: one of theirs never replays a manager's request.
            idempotency_key=None if idempotency_key is None else f"investor:{who.user_id}:{idempotency_key}",
        )

    def cancel_order(self, who: Principal, pool_id: str, order_id: str) -> Order:
        _, investor = self._mine(who, pool_id)
        order = self.repo.get_order(pool_id, order_id) if order_id else None
        if order is None or order.investor_id != investor.id:
            raise NotFound(f"order {order_id} not found", field="order_id", code="order_not_found")
        return self.dealing.cancel_order(self._acting_for(who, investor), pool_id, order_id)

    # -- withdrawal requests (an instant pool) ----------------------------------------

    def my_requests(self, who: Principal, pool_id: str, *, limit: int, cursor: str | None) -> Page[WithdrawalRequest]:
        _, investor = self._mine(who, pool_id)
        return self.requests.mine(pool_id, investor.id, limit=limit, cursor=cursor)

    def request_withdrawal(
        self,
        who: Principal,
        pool_id: str,
        *,
        amount: DecimalInput | None,
        units: DecimalInput | None,
        idempotency_key: str | None,
    ) -> tuple[WithdrawalRequest, bool]:
        _, investor = self._mine(who, pool_id)
        key = None if idempotency_key is None else f"investor:{who.user_id}:{idempotency_key}"
        return self.requests.ask(
            self._acting_for(who, investor), pool_id, investor, amount=amount, units=units, idempotency_key=key
        )

    def cancel_request(self, who: Principal, pool_id: str, request_id: str) -> WithdrawalRequest:
        _, investor = self._mine(who, pool_id)
        return self.requests.cancel(self._acting_for(who, investor), pool_id, investor, request_id)

    # -- email preferences --------------------------------------------------------

    def preferences(self, who: Principal) -> EmailPreferences:
        self._memberships(who)
        return self.records.preferences(who.user_id)

    def save_preferences(self, who: Principal, preferences: EmailPreferences) -> EmailPreferences:
        self._memberships(who)
        self.records.save_preferences(who.user_id, preferences)
        return preferences
