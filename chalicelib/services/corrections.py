"""Corrections: reversing a wrong entry (never editing it) and editing an
investor's name or email. Each is a pool command, in the activity with who did it."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import money, reversals
from chalicelib.domain import operations as ops
from chalicelib.domain import orders as book
from chalicelib.domain.errors import NotFound
from chalicelib.domain.model import Investor, LedgerEntry, Pool, Stamp
from chalicelib.domain.valuations import ValuationStatus

from .commands import Receipt
from .pools import PoolService
from .ports import Commit, Principal


class CorrectionService:
    def __init__(self, pools: PoolService) -> None:
        self.pools = pools
        self.repo = pools.repo

    def reverse(self, who: Principal, pool_id: str, entry_id: str, *, reason: str, idempotency_key: str | None = None) -> Receipt:
        """A reversal entry undoing ``entry_id``; the original then names it (``reversed_by``)."""
        original = self._entry(who, pool_id, entry_id)
        if original.books_shares and not self.repo.is_settled(pool_id, original.id):
            self.repo.settle_distribution(pool_id, original.id)  # every share is booked before any is taken back

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            current = self._entry(who, pool_id, entry_id)  # read afresh: it may have been reversed meanwhile
            investor = self.pools.investor(pool_id, current.investor_id) if current.investor_id else None
            shares = self.repo.allocations(pool_id, current.id) if current.books_shares else ()
            d = reversals.reverse(
                pool,
                current,
                stamp,
                reason=reason,
                investor=investor,
                shares=shares,
                last_locked_at=self._last_locked_at(pool),
                proposed_at=self._proposed_at(pool),
                redeeming=book.units_asked(pool, self.repo.open_orders(pool_id), investor.id) if investor else money.ZERO,
            )
            return Commit(
                pool=d.pool,
                expected_version=pool.version,
                entry=d.entry,
                investor=d.investor,
                allocations=d.allocations,
                reversing=current,
            )

        receipt = self.pools.commands.run(
            who,
            pool_id,
            decide,
            self.pools.stamp,
            operation="reversal",
            request={"entry_id": entry_id, "reason": reason},
            key=idempotency_key,
        )
        if receipt.entry.books_shares and not receipt.replayed:
            self.repo.settle_distribution(pool_id, receipt.entry.id)
        return receipt

    def edit_investor(self, who: Principal, pool_id: str, investor_id: str, *, name: str | None, email: str | None) -> Investor:

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            was = self.pools.investor(pool_id, investor_id)
            d = ops.edit_investor(pool, was, stamp, name=name, email=email)
            return Commit(
                pool=d.pool, expected_version=pool.version, entry=d.entry, investor=d.investor, investor_was=was, record_nav=False
            )

        self.pools.commands.run(who, pool_id, decide, self.pools.stamp)
        return self.pools.investor(pool_id, investor_id)

    def _entry(self, who: Principal, pool_id: str, entry_id: str) -> LedgerEntry:
        self.pools.get_pool(who, pool_id)
        entry = self.repo.get_entry(pool_id, entry_id) if entry_id else None
        if entry is None:
            raise NotFound(f"entry {entry_id} not found", field="entry_id", code="entry_not_found")
        return entry

    def _proposed_at(self, pool: Pool) -> datetime | None:
        in_hand = self.repo.get_valuation(pool.id, pool.valuation_id) if pool.valuation_id else None
        return in_hand.proposed_at if in_hand is not None else None

    def _last_locked_at(self, pool: Pool) -> datetime | None:
        """When the pool's latest approved valuation was locked (entries before it are settled on)."""
        recent = self.repo.list_valuations(pool.id, limit=20, cursor=None).items
        return next((v.decided_at for v in recent if v.status is ValuationStatus.LOCKED), None)
