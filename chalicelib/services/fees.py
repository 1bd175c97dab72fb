"""Use cases of a forward pool's fees (the rules: domain/fees.py; the bookings:
domain/fee_booking.py). Part of DealingService: a valuation's approval accrues
the management fee, and once its orders settle a crystallising day collects each
investor's performance fee (one commit per investor, exactly once) and pays fees
payable to the payee as far as cash allows.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from chalicelib.domain import fee_booking, money
from chalicelib.domain.decisions import new_entry, touch
from chalicelib.domain.errors import Conflict, RuleViolation
from chalicelib.domain.fees import FeePolicy
from chalicelib.domain.model import EntryType, LedgerEntry, Pool, Stamp
from chalicelib.domain.money import DecimalInput
from chalicelib.domain.valuations import Valuation

from .access import check_read
from .commands import Access
from .pools import PoolService
from .ports import Commit, PoolRepository, Principal


def _already_allowed(who: Principal, pool: Pool | None, pool_id: str) -> Pool:
    """The steps of a settlement someone was allowed to start (finance's approval) run as them."""
    return check_read(Principal.system(who.user_id), pool, pool_id)


class _NothingOwed(Exception):
    """An investor's lots have nothing to crystallise: no commit."""


class FeeUseCases:
    """Mixed into DealingService."""

    pools: PoolService
    repo: PoolRepository

    def set_fees(self, who: Principal, pool_id: str, policy: FeePolicy) -> Pool:
        def decide(pool: Pool, stamp: Stamp) -> Commit:
            d = fee_booking.set_fees(pool, policy, stamp)
            return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, record_nav=False)

        self.pools.commands.run(who, pool_id, decide, self.pools.stamp)
        return self.repo.get_pool(pool_id) or self.pools.get_pool(who, pool_id)

    def accrued_fees(self, who: Principal, pool_id: str) -> tuple[Pool, fee_booking.Accrued]:
        pool = self.pools.get_pool(who, pool_id)
        return pool, fee_booking.accrued(pool, self.repo.holders(pool_id), self.pools.now().date())

    def pay_fees(
        self, who: Principal, pool_id: str, *, amount: DecimalInput | None = None, idempotency_key: str | None = None
    ) -> tuple[LedgerEntry, bool]:
        """Pay fees payable to the payee (``amount``, or as much as cash allows); the entry and whether it replayed."""

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            paying = None if amount is None else money.parse_amount(amount, pool.currency, field="amount")
            d = fee_booking.pay(pool, stamp, amount=paying)
            return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry)

        request = {"amount": None if amount is None else str(amount)}
        receipt = self.pools.commands.run(
            who, pool_id, decide, self.pools.stamp, operation="fees.pay", request=request, key=idempotency_key
        )
        return receipt.entry, receipt.replayed

    # -- the fee steps of settling an approved valuation ------------------------

    def crystallise_fees(self, who: Principal, pool_id: str, valuation: Valuation) -> int:
        """Collect each investor's performance fee at a crystallising valuation; how many paid now.
        An investor already crystallised by this valuation (an interrupted run) is skipped."""
        if not valuation.crystallises:
            return 0
        access: Access = _already_allowed
        done = 0
        for holder in self.repo.holders(pool_id):
            if holder.crystallised_by == valuation.id:
                continue

            def decide(pool: Pool, stamp: Stamp, investor_id: str = holder.id) -> Commit:
                investor = self.pools.investor(pool_id, investor_id)
                if investor.crystallised_by == valuation.id:
                    raise _NothingOwed
                d = fee_booking.crystallise(pool, investor, valuation, stamp)
                if d is None:
                    raise _NothingOwed
                return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, investor=d.investor, record_nav=False)

            try:
                self.pools.commands.run(who, pool_id, decide, self.pools.stamp, access=access)
            except _NothingOwed:
                continue
            done += 1
        return done

    def finish_settlement(self, who: Principal, pool_id: str, valuation: Valuation) -> None:
        """A crystallising day pays fees payable as far as cash allows; then the valuation is marked
        settled and the pool is free for the next proposal."""
        access: Access = _already_allowed
        pool = self.repo.get_pool(pool_id)
        if valuation.crystallises and pool is not None and pool.fees_payable > 0 and pool.cash > 0:

            def pay(pool: Pool, stamp: Stamp) -> Commit:
                d = fee_booking.pay(pool, stamp, valuation_id=valuation.id)
                return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, record_nav=False)

            # Nothing owed or no cash left: an earlier, interrupted run paid it.
            with contextlib.suppress(Conflict, RuleViolation):
                self.pools.commands.run(who, pool_id, pay, self.pools.stamp, access=access)

        def settled(pool: Pool, stamp: Stamp) -> Commit:
            fees = f"; performance fees of {money.shown(valuation.performance_crystallising, pool.currency)} crystallised"
            entry = new_entry(
                pool,
                stamp,
                EntryType.VALUATION_SETTLED,
                valuation_id=valuation.id,
                nav_per_unit=valuation.nav_per_unit,
                memo=f"for {valuation.dealing_date}: {len(valuation.settlements)} order(s) settled"
                + (fees if valuation.crystallises else ""),
            )
            return Commit(
                pool=touch(pool, stamp, valuation_id=None),
                expected_version=pool.version,
                entry=entry,
                valuation=replace(valuation, settled=True),
                record_nav=False,
            )

        self.pools.commands.run(who, pool_id, settled, self.pools.stamp, access=access)
