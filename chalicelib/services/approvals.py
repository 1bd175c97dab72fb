"""Four eyes on large movements. A withdrawal, distribution or reversal that the
pool's policy says finance must approve is held (nothing moves) as an Approval,
with an ``approval.requested`` entry in the activity. Finance, never the person
who asked, approves it: the original command then runs once, as the person who
asked, at the NAV of that moment, and the approval names the entry it made. Or
finance rejects it, saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from chalicelib.domain import approvals as four_eyes
from chalicelib.domain import operations as ops
from chalicelib.domain.approvals import Approval, ApprovalPolicy, ApprovalStatus
from chalicelib.domain.decisions import new_entry, touch
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound, one_of
from chalicelib.domain.model import EntryType, Pool, Stamp
from chalicelib.domain.money import DecimalInput
from chalicelib.resources import MANAGERS_GROUP

from .access import check_checker, check_write
from .commands import Receipt
from .corrections import CorrectionService
from .pools import PoolService
from .ports import Commit, Page, Principal

Request = Mapping[str, str | None]


class ApprovalService:
    def __init__(self, pools: PoolService, corrections: CorrectionService) -> None:
        self.pools = pools
        self.corrections = corrections
        self.repo = pools.repo

    def set_policy(self, who: Principal, pool_id: str, policy: ApprovalPolicy) -> Pool:
        def decide(pool: Pool, stamp: Stamp) -> Commit:
            d = ops.set_approvals(pool, policy, stamp)
            return Commit(pool=d.pool, expected_version=pool.version, entry=d.entry, record_nav=False)

        self.pools.commands.run(who, pool_id, decide, self.pools.stamp)
        return self.pools.get_pool(who, pool_id)

    # -- the movements it guards ---------------------------------------------------

    def withdraw(
        self,
        who: Principal,
        pool_id: str,
        *,
        investor_id: str,
        amount: DecimalInput | None = None,
        units: DecimalInput | None = None,
        idempotency_key: str | None = None,
    ) -> Receipt | Approval:
        request = {"investor_id": investor_id, "amount": _text(amount), "units": _text(units)}
        return self._guard(who, pool_id, "withdrawal", request, idempotency_key)

    def distribute(
        self,
        who: Principal,
        pool_id: str,
        *,
        amount: DecimalInput,
        memo: str | None = None,
        preview_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Receipt | Approval:
        request = {"amount": _text(amount), "memo": memo, "preview_id": preview_id}
        return self._guard(who, pool_id, "distribution", request, idempotency_key)

    def reverse(
        self, who: Principal, pool_id: str, entry_id: str, *, reason: str, idempotency_key: str | None = None
    ) -> Receipt | Approval:
        return self._guard(who, pool_id, "reversal", {"entry_id": entry_id, "reason": reason}, idempotency_key)

    def _guard(self, who: Principal, pool_id: str, operation: str, request: Request, key: str | None) -> Receipt | Approval:
        """Run it now, or hold it for finance; a retried request (same key) gets the same answer."""
        pool = check_write(who, self.repo.get_pool(pool_id), pool_id)
        why = four_eyes.needs_approval(pool, operation, request)
        if why is None:
            return self._held_or(pool_id, self._run(who, pool_id, operation, request, key))
        approval_id = self.pools.make_id("apr_")

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            held = Approval(
                id=approval_id,
                pool_id=pool.id,
                operation=operation,
                request=request,
                why=why,
                requested_by=stamp.actor,
                requested_at=stamp.at,
                requested_by_name=stamp.actor_name,
                requested_by_email=who.email,
            )
            entry = new_entry(
                pool,
                stamp,
                EntryType.APPROVAL_REQUESTED,
                approval_id=approval_id,
                investor_id=request.get("investor_id"),
                memo=f"{operation} held: {why}",
            )
            return Commit(pool=touch(pool, stamp), expected_version=pool.version, entry=entry, approval=held, record_nav=False)

        receipt = self.pools.commands.run(who, pool_id, decide, self.pools.stamp, operation=operation, request=request, key=key)
        return self._held_or(pool_id, receipt)

    def _held_or(self, pool_id: str, receipt: Receipt) -> Receipt | Approval:
        """A replayed key whose first answer was a hold answers the hold again."""
        if receipt.entry.type is EntryType.APPROVAL_REQUESTED and receipt.entry.approval_id:
            return self._approval(pool_id, receipt.entry.approval_id)
        return receipt

    def _run(self, who: Principal, pool_id: str, operation: str, request: Request, key: str | None) -> Receipt:
        r = request
        if operation == "withdrawal":
            return self.pools.withdraw(
                who, pool_id, investor_id=r["investor_id"] or "", amount=r["amount"], units=r["units"], idempotency_key=key
            )
        if operation == "distribution":
            return self.pools.distribute(
                who, pool_id, amount=r["amount"] or "", memo=r["memo"], preview_id=r["preview_id"], idempotency_key=key
            )
        return self.corrections.reverse(who, pool_id, r["entry_id"] or "", reason=r["reason"] or "", idempotency_key=key)

    # -- finance decides ------------------------------------------------------------

    def approve(self, who: Principal, approval_id: str) -> tuple[Approval, Receipt]:
        """Run the held movement once, as its requester, at today's NAV; then record who approved it."""
        held = self.get(who, approval_id)
        pool = check_checker(who, self.repo.get_pool(held.pool_id), held.pool_id)
        four_eyes.approve(held, by=who.user_id, at=self.pools.now())  # refuses before anything moves
        requester = Principal(held.requested_by, held.requested_by_email, frozenset({MANAGERS_GROUP}))
        # Held distributions are paid at the holdings of approval: the preview they named is gone by now.
        request = {**held.request, "preview_id": None} if held.operation == "distribution" else held.request
        receipt = self._run(requester, pool.id, held.operation, request, f"approval:{held.id}")

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            current = self._approval(pool.id, held.id)
            decided = four_eyes.approve(current, by=stamp.actor, at=stamp.at, name=stamp.actor_name)
            entry = new_entry(
                pool,
                stamp,
                EntryType.APPROVAL_GRANTED,
                approval_id=held.id,
                investor_id=held.request.get("investor_id"),
                memo=f"{held.operation} approved: entry {receipt.entry.id}",
            )
            return Commit(
                pool=touch(pool, stamp),
                expected_version=pool.version,
                entry=entry,
                approval=replace(decided, entry_id=receipt.entry.id),
                record_nav=False,
            )

        self.pools.commands.run(who, pool.id, decide, self.pools.stamp, access=check_checker)
        return self._approval(pool.id, held.id), receipt

    def reject(self, who: Principal, approval_id: str, *, reason: str) -> Approval:
        text = reason.strip() if isinstance(reason, str) else ""
        if not text:
            raise InvalidInput("say why the movement is rejected", field="reason", code="missing_field")
        held = self.get(who, approval_id)

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            current = self._approval(pool.id, held.id)
            decided = four_eyes.reject(current, by=stamp.actor, at=stamp.at, reason=text[:500], name=stamp.actor_name)
            entry = new_entry(
                pool,
                stamp,
                EntryType.APPROVAL_REJECTED,
                approval_id=held.id,
                investor_id=held.request.get("investor_id"),
                memo=f"{held.operation} rejected: {text[:500]}",
            )
            return Commit(pool=touch(pool, stamp), expected_version=pool.version, entry=entry, approval=decided, record_nav=False)

        self.pools.commands.run(who, held.pool_id, decide, self.pools.stamp, access=check_checker)
        return self._approval(held.pool_id, held.id)

    # -- reads -------------------------------------------------------------------------

    def inbox(self, who: Principal, *, status: str | None, limit: int, cursor: str | None) -> Page[Approval]:
        """Finance sees every pool's approvals; a manager, the movements they asked for."""
        wanted = None if status is None else one_of(ApprovalStatus, status, "status")
        if not (who.is_finance or who.is_manager):
            raise Forbidden("only finance and managers see approvals", code="forbidden")
        mine = None if who.is_finance else who.user_id

        def keep(a: Approval) -> bool:
            return (wanted is None or a.status is wanted) and (mine is None or a.requested_by == mine)

        return self.repo.list_approvals(limit=limit, cursor=cursor, where=keep)

    def get(self, who: Principal, approval_id: str) -> Approval:
        found = self.repo.find_approval(approval_id) if approval_id else None
        if found is None:
            raise NotFound(f"approval {approval_id} not found", field="approval_id", code="approval_not_found")
        self.pools.get_pool(who, found.pool_id)  # someone who may not see the pool does not see its approvals
        return found

    def _approval(self, pool_id: str, approval_id: str) -> Approval:
        found = self.repo.get_approval(pool_id, approval_id)
        if found is None:  # pragma: no cover - written with the entry that names it
            raise NotFound(f"approval {approval_id} not found", field="approval_id", code="approval_not_found")
        return found


def _text(value: DecimalInput | None) -> str | None:
    return None if value is None else str(value)
