"""Use cases for pools, their investors and their money: each checks who may do
it, lets the domain decide, and commits the decision through the command runner
(commands.py), which retries on a conflict and keeps it to exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.domain import investor_search, money
from chalicelib.domain import operations as ops
from chalicelib.domain.dealing import DealingPolicy
from chalicelib.domain.decisions import InvestorDecision, PoolDecision, clean_name
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound
from chalicelib.domain.model import Allocation, EntryType, Investor, LedgerEntry, Pool, PoolStatus, Stamp
from chalicelib.domain.money import DecimalInput

from .access import check_read, check_write, require_manager
from .commands import CommandRunner, Decide, Receipt, first_read
from .holdings import HoldingsUseCases
from .ids import new_id
from .market_ports import PriceStore
from .ports import Commit, Directory, NavPoint, Page, PoolRepository, Principal


@dataclass(frozen=True)
class DistributionPreview:
    pool: Pool
    shares: tuple[tuple[Investor, Allocation], ...]
    preview_id: str  # pass to distribute() to pay exactly these shares


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PoolService(HoldingsUseCases):
    def __init__(
        self,
        repo: PoolRepository,
        *,
        clock: Callable[[], datetime] = _utcnow,
        make_id: Callable[[str], str] = new_id,
        sleep: Callable[[float], None] = time.sleep,
        directory: Directory | None = None,
        prices: PriceStore | None = None,
    ) -> None:
        self.repo = repo
        self.commands = CommandRunner(repo, sleep=sleep)
        self._prices = prices
        self._clock = clock
        self.make_id = make_id
        self._sleep = sleep
        self._directory = directory

    def stamp(self, who: Principal) -> Stamp:
        """Who does it, now, and the id its ledger entry takes."""
        return Stamp(entry_id=self.make_id(""), at=self._clock(), actor=who.user_id, actor_name=self.name_of(who))

    def now(self) -> datetime:
        return self._clock()

    def name_of(self, who: Principal) -> str | None:
        """Who did it, as the ledger will show them for good: a name and email, not an id."""
        if who.is_system:
            return who.display_name or who.user_id
        if self._directory is None:
            return None
        person = self._directory.people([who.user_id]).get(who.user_id)
        return person.label if person else None

    # -- pools --------------------------------------------------------------

    def create_pool(self, who: Principal, *, name: str, currency: str, unit_price: DecimalInput = "1.00") -> Pool:
        require_manager(who)
        decision = ops.open_pool(
            pool_id=self.make_id("pl_"),
            name=name,
            currency=currency,
            unit_price=unit_price,
            manager_id=who.user_id,
            stamp=self.stamp(who),
        )
        self.repo.commit(Commit(pool=decision.pool, expected_version=None, entry=decision.entry, record_nav=False))
        return self._reload(decision.pool.id)

    def list_pools(self, who: Principal, *, limit: int, cursor: str | None) -> Page[Pool]:
        if who.is_finance:
            return self.repo.list_pools(manager_id=None, limit=limit, cursor=cursor)
        require_manager(who)
        return self.repo.list_pools(manager_id=who.user_id, limit=limit, cursor=cursor)

    def day_opening(self, pool: Pool) -> Decimal | None:
        """NAV per unit at the first valuation of today (UTC), adjusted for distributions paid since,
        or None if nothing moved it today."""
        midnight = self._clock().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        point = self.repo.first_nav_since(pool.id, midnight)
        if point is None:
            return None
        # A distribution since the opening lowered NAV per unit by what it paid: scale the
        # opening down by the same factor, so "change today" is what a unit holder earned.
        if point.reinvestment == pool.reinvestment:
            return point.nav_per_unit
        adjusted = money.div(money.mul(point.nav_per_unit, point.reinvestment), pool.reinvestment)
        return money.quantize_places(adjusted, money.NAV_PER_UNIT_PLACES)

    def get_pool(self, who: Principal, pool_id: str) -> Pool:
        return check_read(who, self.repo.get_pool(pool_id), pool_id)

    def update_pool(self, who: Principal, pool_id: str, *, name: str | None = None, status: str | None = None) -> Pool:
        if name is None and status is None:
            raise InvalidInput("give a new name or status", field="name", code="nothing_to_update")
        wanted: PoolStatus | None = None
        if status is not None:
            try:
                wanted = PoolStatus(status)
            except ValueError:
                raise InvalidInput('status must be "open" or "closed"', field="status", code="invalid_status") from None

        pool = check_write(who, self.repo.get_pool(pool_id), pool_id)
        if wanted is not None and pool.status is wanted:
            raise Conflict(f"pool is already {wanted.value}", field="status", code=f"pool_already_{wanted.value}")
        # Each change is its own command and ledger entry: a rename, then a closing or reopening.
        if name is not None and clean_name(name) != pool.name:
            self._decided(who, pool_id, lambda current, stamp: ops.rename_pool(current, name, stamp), nav=False)
        if wanted is not None:
            self._decided(who, pool_id, lambda current, stamp: ops.set_status(current, wanted, stamp), nav=False)
        return self._reload(pool_id)

    def set_dealing(self, who: Principal, pool_id: str, policy: DealingPolicy) -> Pool:
        """How the pool deals from now on (the change is in its activity)."""

        def decide(pool: Pool, stamp: Stamp) -> PoolDecision:
            if pool.valuation_id is not None:
                raise Conflict(
                    f"valuation {pool.valuation_id} is in hand: approve or reject it before changing how the pool deals",
                    code="valuation_in_hand",
                )
            return ops.set_dealing(pool, policy, stamp)

        self._decided(who, pool_id, decide, nav=False)
        return self._reload(pool_id)

    def _reload(self, pool_id: str) -> Pool:
        pool = self.repo.get_pool(pool_id)
        if pool is None:  # pragma: no cover - we just wrote it
            raise NotFound(f"pool {pool_id} not found", code="pool_not_found")
        return pool

    # -- investors ----------------------------------------------------------

    def list_investors(
        self, who: Principal, pool_id: str, *, limit: int, cursor: str | None, search: str | None = None
    ) -> tuple[Pool, Page[Investor]]:
        """A page of investors, with the pool as read (to value each holding without reading it again).

        With ``search``, the investors each of its words begins a name word, the
        address or a part of it, or the id of (domain/investor_search.py), read
        from the pool's search index; without, every investor in id order.
        """
        pool = self.get_pool(who, pool_id)
        words = investor_search.search_words(search or "")
        if words:
            return pool, self.repo.search_investors(pool_id, words, limit=limit, cursor=cursor)
        return pool, self.repo.list_investors(pool_id, limit=limit, cursor=cursor)

    def get_investor(self, who: Principal, pool_id: str, investor_id: str) -> Investor:
        self.get_pool(who, pool_id)
        return self.investor(pool_id, investor_id)

    def investor(self, pool_id: str, investor_id: str) -> Investor:
        if not investor_id:
            raise InvalidInput("investor_id is required", field="investor_id", code="invalid_investor_id")
        investor = first_read(pool_id, investor_id) or self.repo.get_investor(pool_id, investor_id)
        if investor is None:
            raise NotFound(f"investor {investor_id} not found in this pool", field="investor_id", code="investor_not_found")
        return investor

    def add_investor(self, who: Principal, pool_id: str, *, name: str, email: str = "") -> Investor:
        investor_id = self.make_id("inv_")

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            d = ops.add_investor(pool, investor_id=investor_id, name=name, email=email, stamp=stamp)
            return Commit(
                pool=d.pool,
                expected_version=pool.version,
                entry=d.entry,
                investor=d.investor,
                investor_is_new=True,
                record_nav=False,
            )

        self._run(who, pool_id, decide)
        return self.investor(pool_id, investor_id)

    def remove_investor(self, who: Principal, pool_id: str, investor_id: str) -> Receipt:
        return self._decided(
            who, pool_id, lambda pool, stamp: ops.remove_investor(pool, self.investor(pool_id, investor_id), stamp), nav=False
        )

    # -- money movements ----------------------------------------------------

    def contribute(
        self, who: Principal, pool_id: str, *, investor_id: str, amount: DecimalInput, idempotency_key: str | None = None
    ) -> Receipt:
        return self._decided(
            who,
            pool_id,
            lambda pool, stamp: ops.contribute(pool, self.investor(pool_id, investor_id), amount, stamp),
            operation="contribution",
            request={"investor_id": investor_id, "amount": amount},
            key=idempotency_key,
            investor_id=investor_id,
        )

    def withdraw(
        self,
        who: Principal,
        pool_id: str,
        *,
        investor_id: str,
        amount: DecimalInput | None = None,
        units: DecimalInput | None = None,
        idempotency_key: str | None = None,
    ) -> Receipt:
        return self._decided(
            who,
            pool_id,
            lambda pool, stamp: ops.withdraw(pool, self.investor(pool_id, investor_id), stamp, amount=amount, units=units),
            operation="withdrawal",
            request={"investor_id": investor_id, "amount": amount, "units": units},
            key=idempotency_key,
            investor_id=investor_id,
        )

    def distribute(
        self,
        who: Principal,
        pool_id: str,
        *,
        amount: DecimalInput,
        memo: str | None = None,
        idempotency_key: str | None = None,
        preview_id: str | None = None,
    ) -> Receipt:
        """Pay ``amount`` pro rata. With ``preview_id`` (from preview_distribution),
        pay only if every share is still exactly the one previewed."""

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            # Holdings are read after the pool; any change to them bumps the
            # pool's version, so the commit's version check proves they were current.
            d = ops.distribute(pool, self.repo.holders(pool_id), amount, memo, stamp)
            if preview_id is not None and ops.shares_fingerprint(d.allocations) != preview_id:
                raise Conflict(
                    "holdings changed since the preview, so the shares would differ; preview again",
                    field="preview_id",
                    code="preview_outdated",
                )
            return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, allocations=d.allocations)

        request = {"amount": amount, "memo": memo, "preview_id": preview_id}
        receipt = self._run(who, pool_id, decide, operation="distribution", request=request, key=idempotency_key)
        if not receipt.replayed:
            # The receipt's shares are the committed ones: from the decision that landed,
            # which need not be the last one made (see _landed).
            self.repo.settle_distribution(pool_id, receipt.entry.id)
        return receipt

    # -- reads --------------------------------------------------------------

    def activity(
        self,
        who: Principal,
        pool_id: str,
        *,
        limit: int,
        cursor: str | None,
        types: frozenset[EntryType] | None = None,
        investor_id: str | None = None,
    ) -> Page[LedgerEntry]:
        """The ledger newest first; ``types`` and
        ``investor_id`` narrow it. An investor's view includes every distribution,
        since each pays them their share."""
        self.get_pool(who, pool_id)
        wanted, who_for = types, investor_id

        def keep(e: LedgerEntry) -> bool:
            if wanted is not None and e.type not in wanted:
                return False
            return who_for is None or e.investor_id == who_for or e.type is EntryType.DISTRIBUTION

        where = None if wanted is None and who_for is None else keep
        return self.repo.activity(pool_id, limit=limit, cursor=cursor, where=where)

    def preview_distribution(self, who: Principal, pool_id: str, *, amount: DecimalInput) -> DistributionPreview:
        """Every investor's share of a distribution of ``amount``, as it would be paid now; nothing is written."""
        pool = check_write(who, self.repo.get_pool(pool_id), pool_id)
        holders = self.repo.holders(pool_id)
        # Nothing is written: the decision needs no entry id or author's name (no directory look-up).
        d = ops.distribute(pool, holders, amount, None, Stamp(entry_id="", at=self._clock(), actor=who.user_id))
        by_id = {h.id: h for h in holders}
        return DistributionPreview(
            pool=pool,
            shares=tuple((by_id[a.investor_id], a) for a in d.allocations),
            preview_id=ops.shares_fingerprint(d.allocations),
        )

    def distribution(self, who: Principal, pool_id: str, entry_id: str) -> tuple[LedgerEntry, tuple[Allocation, ...]]:
        self.get_pool(who, pool_id)
        entry = self.repo.get_entry(pool_id, entry_id)
        if entry is None or entry.type is not EntryType.DISTRIBUTION:
            raise NotFound(f"distribution {entry_id} not found", field="entry_id", code="distribution_not_found")
        return entry, tuple(self.repo.allocations(pool_id, entry_id))

    def nav_history(self, who: Principal, pool_id: str, *, limit: int = 500, cursor: str | None = None) -> Page[NavPoint]:
        self.get_pool(who, pool_id)
        return self.repo.nav_history(pool_id, limit=limit, cursor=cursor)

    def _decided(
        self,
        who: Principal,
        pool_id: str,
        decision: Callable[[Pool, Stamp], PoolDecision | InvestorDecision],
        *,
        operation: str | None = None,
        request: Mapping[str, object] | None = None,
        key: str | None = None,
        nav: bool = True,
        investor_id: str | None = None,
    ) -> Receipt:
        """Run a decision that changes the pool (and an investor, read with it) and appends one entry."""

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            d = decision(pool, stamp)
            investor = d.investor if isinstance(d, InvestorDecision) else None
            return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, investor=investor, record_nav=nav)

        return self._run(who, pool_id, decide, operation=operation, request=request, key=key, investor_id=investor_id)

    def _run(
        self,
        who: Principal,
        pool_id: str,
        decide: Decide,
        *,
        operation: str | None = None,
        request: Mapping[str, object] | None = None,
        key: str | None = None,
        investor_id: str | None = None,
    ) -> Receipt:
        return self.commands.run(
            who, pool_id, decide, self.stamp, operation=operation, request=request, key=key, investor_id=investor_id
        )
