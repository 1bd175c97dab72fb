"""Use cases of a forward-dealing pool's valuations (its orders' are in orders.py,
mixed in): the manager proposes a valuation struck from the day's prices; finance (never the
proposer) approves it, and only then does every order of the day settle, at the
struck NAV per unit, each as its own contribution or withdrawal entry, exactly
once and resumably (an interrupted settlement finishes on the next call).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from chalicelib.domain import fee_booking, tally
from chalicelib.domain import orders as book
from chalicelib.domain import settlement as settling
from chalicelib.domain import valuations as valuing
from chalicelib.domain.dealing import cutoff_passed, is_dealing_day
from chalicelib.domain.decisions import new_entry, require_open, touch
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound, one_of
from chalicelib.domain.fees import Lot, holding_lots
from chalicelib.domain.model import EntryType, Pool, Stamp
from chalicelib.domain.valuations import Quote, Valuation, ValuationStatus

from .access import check_checker, check_checker_or_manager
from .commands import MAX_ATTEMPTS
from .fees import FeeUseCases
from .market_ports import PriceStore
from .orders import OrderUseCases, parse_day
from .pools import PoolService
from .ports import Commit, NavPoint, Page, Principal, VersionConflict


class DealingService(OrderUseCases, FeeUseCases):
    def __init__(
        self, pools: PoolService, *, prices: PriceStore | None = None, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.pools = pools
        self.repo = pools.repo
        self._prices = prices
        self._sleep = sleep

    # -- valuations -----------------------------------------------------------

    def propose(
        self, who: Principal, pool_id: str, *, dealing_date: str | None = None, idempotency_key: str | None = None
    ) -> tuple[Valuation, bool]:
        """The valuation proposed, and whether it was proposed before (its Idempotency-Key replayed)."""
        valuation_id = self.pools.make_id("val_")
        self._finish_settling(who, pool_id)

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            policy = pool.dealing
            if not policy.is_forward:
                raise Conflict("this pool deals at once; it has no dealing days to value", code="instant_dealing")
            require_open(pool, "strike a NAV")
            if pool.valuation_id is not None:
                raise Conflict(
                    f"valuation {pool.valuation_id} is already in hand: approve or reject it first", code="valuation_in_hand"
                )
            day = self._dealing_day(pool, dealing_date, stamp.at)
            quotes = self._quotes(pool)
            due = book.due(policy, self.repo.open_orders(pool_id), day, stamp.at)
            investors = self.repo.get_investors(pool_id, [o.investor_id for o in due])
            since = {i.id: i.subscribed_on for i in investors.values()}
            struck = valuing.strike(
                pool,
                policy,
                quotes,
                due,
                since,
                valuation_id=valuation_id,
                dealing_date=day,
                proposed_by=stamp.actor,
                at=stamp.at,
                lots=self._lots(pool),
            )
            struck = replace(struck, proposed_by_name=stamp.actor_name)
            entry = new_entry(
                pool,
                stamp,
                EntryType.VALUATION_PROPOSED,
                amount=struck.nav,
                nav_per_unit=struck.nav_per_unit,
                valuation_id=struck.id,
                memo=f"for {day}: {len(due)} order(s)" + (f"; {len(struck.warnings)} warning(s)" if struck.warnings else ""),
            )
            return Commit(
                pool=touch(pool, stamp, valuation_id=struck.id),
                expected_version=pool.version,
                entry=entry,
                valuation=struck,
                record_nav=False,
            )

        request = {"dealing_date": dealing_date}
        receipt = self.pools.commands.run(
            who, pool_id, decide, self.pools.stamp, operation="valuation", request=request, key=idempotency_key
        )
        return self._valuation(pool_id, receipt.entry.valuation_id or valuation_id), receipt.replayed

    def _lots(self, pool: Pool) -> dict[str, list[Lot]]:
        """Every holder's lots, when the pool charges fees (a performance fee is per lot)."""
        if not pool.fees.charges:
            return {}
        return {i.id: holding_lots(pool.fees, i.lots, i.units) for i in self.repo.holders(pool.id)}

    def _finish_settling(self, who: Principal, pool_id: str) -> None:
        """An approved valuation whose settlement was interrupted is finished before the next is struck."""
        pool = self.pools.get_pool(who, pool_id)
        in_hand = self.repo.get_valuation(pool_id, pool.valuation_id) if pool.valuation_id else None
        if in_hand is not None and in_hand.status is ValuationStatus.LOCKED and not in_hand.settled:
            self.settle(Principal.system("settlement", "Pooldesk (finishing an approved valuation)"), pool_id, in_hand.id)

    def _dealing_day(self, pool: Pool, given: str | None, now: datetime) -> date:
        policy = pool.dealing
        zone = policy.cutoff.zone if policy.cutoff else UTC
        if given is None:
            day = now.astimezone(zone).date()
            # The latest dealing day whose cut-off has passed.
            while not (is_dealing_day(policy.frequency, day) and cutoff_passed(policy, day, now)):
                day = date.fromordinal(day.toordinal() - 1)
        else:
            day = parse_day(given)
            if not is_dealing_day(policy.frequency, day):
                raise InvalidInput(
                    f"{day} is not a dealing day of this {policy.frequency.value} pool",
                    field="dealing_date",
                    code="not_a_dealing_day",
                )
            if not cutoff_passed(policy, day, now):
                raise Conflict(f"the cut-off for {day} has not passed yet", field="dealing_date", code="cutoff_not_passed")
        recent = self.repo.list_valuations(pool.id, limit=20, cursor=None).items
        latest = next((v for v in recent if v.status is ValuationStatus.LOCKED), None)
        if latest is not None and policy.cutoff is not None and day <= latest.dealing_date:
            raise Conflict(
                f"{latest.dealing_date} already has an approved valuation; the next is for a later dealing day",
                field="dealing_date",
                code="already_valued",
            )
        return day

    def _quotes(self, pool: Pool) -> dict[str, Quote]:
        quotes: dict[str, Quote] = {}
        if self._prices is None:
            return quotes
        for symbol in pool.positions:
            point = self._prices.latest(symbol)
            if point is not None:
                quotes[symbol] = Quote(point.price, point.printed_at)
        return quotes

    def approve(self, who: Principal, pool_id: str, valuation_id: str, *, idempotency_key: str | None = None) -> Valuation:
        """Finance locks the valuation, then every order of the day settles at it.
        Approving one already approved but not wholly settled (an interrupted run)
        finishes its settlement: nothing is booked twice."""
        current = self._valuation(pool_id, valuation_id)
        check_checker(who, self.repo.get_pool(pool_id), pool_id)
        if current.status is ValuationStatus.LOCKED and not current.settled:
            self.settle(who, pool_id, valuation_id)
            return self._valuation(pool_id, valuation_id)

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            valuation = self._in_hand(pool, valuation_id)
            require_open(pool, "settle orders")
            if pool.units != valuation.units:
                raise Conflict(
                    "the pool's units changed since this valuation was struck; reject it and propose again",
                    code="valuation_outdated",
                )
            settling.check_cash(pool, valuation)
            locked = valuing.approve(valuation, approver=stamp.actor, at=stamp.at, name=stamp.actor_name)
            done = not locked.settlements and not locked.crystallises
            if done:
                locked = replace(locked, settled=True)
            management = locked.management_fee
            entry = new_entry(
                pool,
                stamp,
                EntryType.VALUATION_APPROVED,
                amount=locked.nav,
                units=locked.units,
                nav_per_unit=locked.nav_per_unit,
                valuation_id=locked.id,
                fees=management if management else None,
                payable_delta=management,
                memo=f"for {locked.dealing_date}: {len(locked.settlements)} order(s) settle"
                + (f"; management fee {management} for {locked.fee_days} days" if management else ""),
            )
            official = NavPoint(
                at=stamp.at,
                nav=locked.nav,
                nav_per_unit=locked.nav_per_unit,
                units=locked.units,
                official=True,
                reinvestment=pool.reinvestment,
            )
            return Commit(
                pool=touch(pool, stamp, valuation_id=None if done else locked.id, **fee_booking.accrue(pool, locked)),
                expected_version=pool.version,
                entry=entry,
                valuation=locked,
                record_nav=False,
                official_nav=official,
            )

        self.pools.commands.run(
            who,
            pool_id,
            decide,
            self.pools.stamp,
            operation="approve",
            request={"valuation_id": valuation_id},
            key=idempotency_key,
            access=check_checker,
        )
        self.settle(who, pool_id, valuation_id)
        return self._valuation(pool_id, valuation_id)

    def reject(self, who: Principal, pool_id: str, valuation_id: str, *, reason: str) -> Valuation:
        text = reason.strip() if isinstance(reason, str) else ""
        if not text:
            raise InvalidInput("say why the valuation is rejected", field="reason", code="missing_field")

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            valuation = self._in_hand(pool, valuation_id)
            rejected = valuing.reject(valuation, by=stamp.actor, reason=text[:500], at=stamp.at, name=stamp.actor_name)
            entry = new_entry(
                pool,
                stamp,
                EntryType.VALUATION_REJECTED,
                valuation_id=valuation.id,
                nav_per_unit=valuation.nav_per_unit,
                memo=text[:500],
            )
            return Commit(
                pool=touch(pool, stamp, valuation_id=None),
                expected_version=pool.version,
                entry=entry,
                valuation=rejected,
                record_nav=False,
            )

        self.pools.commands.run(who, pool_id, decide, self.pools.stamp, access=check_checker_or_manager)
        return self._valuation(pool_id, valuation_id)

    def settle(self, who: Principal, pool_id: str, valuation_id: str) -> int:
        """Book every order of an approved valuation not yet booked, then (on a
        crystallising day) each investor's performance fee; returns how many were booked now.

        Each order and each crystallisation is one commit guarded by the pool's
        version, and records the valuation it was booked at, so a settlement
        interrupted anywhere resumes here without booking anything twice. The
        last commit marks the valuation settled and frees the pool for the next proposal."""
        valuation = self._valuation(pool_id, valuation_id)
        if valuation.status is not ValuationStatus.LOCKED or valuation.settled:
            return 0
        booked = self._settle_orders(who, pool_id, valuation)
        booked += self.crystallise_fees(who, pool_id, valuation)
        self.finish_settlement(who, pool_id, valuation)
        return booked

    def _settle_orders(self, who: Principal, pool_id: str, valuation: Valuation) -> int:
        queue = settling.settling_order(valuation.settlements)
        orders = self.repo.get_orders(pool_id, [s.order_id for s in queue])
        investors = self.repo.get_investors(pool_id, [s.investor_id for s in queue])
        pool = self._pool(pool_id)
        author = self.pools.name_of(who)  # looked up once, not once per order
        booked = 0
        for s in queue:
            for attempt in range(MAX_ATTEMPTS):
                order = orders[s.order_id]
                if order.valuation_id == valuation.id:
                    break  # booked before (an earlier, interrupted run)
                stamp = Stamp(self.pools.make_id(""), self.pools.now(), who.user_id, author)
                d = settling.settle(pool, investors[s.investor_id], order, s, valuation=valuation, stamp=stamp)
                change = Commit(
                    pool=tally.counted(d.pool, d.entry, (d.order,)),
                    expected_version=pool.version,
                    entry=d.entry,
                    investor=d.investor,
                    orders=(d.order,),
                    record_nav=False,
                )
                try:
                    self.repo.commit(change)
                except VersionConflict:
                    # Another writer (a market tick, a second settler): read afresh and decide again.
                    pool = self._pool(pool_id)
                    orders[s.order_id] = self._order(pool_id, s.order_id)
                    investors[s.investor_id] = self.pools.investor(pool_id, s.investor_id)
                    self._sleep(random.uniform(0, min(0.25, 0.01 * 2**attempt)))  # noqa: S311  # nosec B311
                    continue
                pool = replace(change.pool, version=pool.version + 1)
                orders[s.order_id], investors[s.investor_id] = d.order, d.investor
                booked += 1
                break
            else:
                raise Conflict("the pool is busy with other changes; approve again to finish settling", code="concurrent_update")
        return booked

    def list_valuations(
        self, who: Principal, pool_id: str, *, limit: int, cursor: str | None, status: str | None = None
    ) -> Page[Valuation]:
        """Newest first; ``status="locked"`` gives the official NAVs alone."""
        self.pools.get_pool(who, pool_id)
        wanted = None if status is None else one_of(ValuationStatus, status, "status")
        where = None if wanted is None else (lambda v: v.status is wanted)
        return self.repo.list_valuations(pool_id, limit=limit, cursor=cursor, where=where)

    def get_valuation(self, who: Principal, pool_id: str, valuation_id: str) -> Valuation:
        self.pools.get_pool(who, pool_id)
        return self._valuation(pool_id, valuation_id)

    def _in_hand(self, pool: Pool, valuation_id: str) -> Valuation:
        valuation = self._valuation(pool.id, valuation_id)
        if valuation.status is ValuationStatus.PROPOSED and pool.valuation_id != valuation.id:  # pragma: no cover - kept in step
            raise Conflict("this valuation is no longer the pool's proposal", code="valuation_outdated")
        return valuation

    def _valuation(self, pool_id: str, valuation_id: str) -> Valuation:
        valuation = self.repo.get_valuation(pool_id, valuation_id) if valuation_id else None
        if valuation is None:
            raise NotFound(f"valuation {valuation_id} not found", field="valuation_id", code="valuation_not_found")
        return valuation

    def _pool(self, pool_id: str) -> Pool:
        pool = self.repo.get_pool(pool_id)
        if pool is None:  # pragma: no cover - pools are never deleted
            raise NotFound(f"pool {pool_id} not found", code="pool_not_found")
        return pool
