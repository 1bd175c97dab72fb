"""Use cases of an instant pool's withdrawal requests: an investor asks (through the
portal, which checked the request is for their own record), cancels while it waits;
the pool's manager lists, accepts (the withdrawal runs then, at that moment's NAV per
unit, through four eyes where the pool requires it) or declines with a reason."""

from __future__ import annotations

from chalicelib.domain import withdrawal_requests as asking
from chalicelib.domain.approvals import Approval
from chalicelib.domain.decisions import new_entry, touch
from chalicelib.domain.errors import InvalidInput, NotFound, one_of
from chalicelib.domain.model import EntryType, Investor, Pool, Stamp
from chalicelib.domain.money import DecimalInput
from chalicelib.domain.withdrawal_requests import RequestStatus, WithdrawalRequest

from .approvals import ApprovalService
from .commands import Receipt
from .ports import Commit, Page, Principal


class WithdrawalRequests:
    def __init__(self, approvals: ApprovalService) -> None:
        self.approvals = approvals
        self.pools = approvals.pools
        self.repo = approvals.pools.repo

    def ask(
        self,
        who: Principal,
        pool_id: str,
        investor: Investor,
        *,
        amount: DecimalInput | None,
        units: DecimalInput | None,
        idempotency_key: str | None,
    ) -> tuple[WithdrawalRequest, bool]:
        """``who`` acts for ``investor`` (the portal checked the link). The request, and whether it replayed."""
        request_id = self.pools.make_id("wrq_")

        def decide(pool: Pool, stamp: Stamp) -> Commit:
            pending = self._pending(pool_id, investor.id)
            req = asking.ask(
                pool, investor, request_id=request_id, amount=amount, units=units, at=stamp.at, by=stamp.actor, pending=pending
            )
            what = req.amount if req.amount is not None else req.units
            entry = new_entry(
                pool,
                stamp,
                EntryType.WITHDRAWAL_REQUESTED,
                investor_id=investor.id,
                investor_name=investor.name,
                amount=req.amount,
                units=req.units,
                request_id=req.id,
                memo=f"asks to withdraw {what}{'' if req.amount is not None else ' units'}; the manager accepts or declines",
            )
            return Commit(
                pool=touch(pool, stamp), expected_version=pool.version, entry=entry, withdrawal_request=req, record_nav=False
            )

        body = {"investor_id": investor.id, "amount": amount, "units": units}
        receipt = self.pools.commands.run(
            who, pool_id, decide, self.pools.stamp, operation="withdrawal_request", request=body, key=idempotency_key
        )
        # A replay answers with the request its first call made (its entry names it).
        return self._request(pool_id, receipt.entry.request_id or request_id), receipt.replayed

    def cancel(self, who: Principal, pool_id: str, investor: Investor, request_id: str) -> WithdrawalRequest:
        req = self._request(pool_id, request_id)
        if req.investor_id != investor.id:
            raise NotFound(f"request {request_id} not found", field="request_id", code="request_not_found")
        return self._decide(who, pool_id, req, RequestStatus.CANCELLED, EntryType.WITHDRAWAL_REQUEST_CANCELLED)

    def mine(self, pool_id: str, investor_id: str, *, limit: int, cursor: str | None) -> Page[WithdrawalRequest]:
        return self.repo.list_withdrawal_requests(
            pool_id, limit=limit, cursor=cursor, where=lambda r: r.investor_id == investor_id
        )

    def listed(
        self, who: Principal, pool_id: str, *, status: str | None, limit: int, cursor: str | None
    ) -> Page[WithdrawalRequest]:
        self.pools.get_pool(who, pool_id)  # the pool's manager and finance
        wanted = None if status is None else one_of(RequestStatus, status, "status")
        where = None if wanted is None else (lambda r: r.status is wanted)
        return self.repo.list_withdrawal_requests(pool_id, limit=limit, cursor=cursor, where=where)

    def accept(self, who: Principal, pool_id: str, request_id: str) -> tuple[WithdrawalRequest, Receipt | Approval]:
        """The manager pays it: the withdrawal runs now (or waits for finance, as any large one may),
        keyed by the request so a retried accept never pays twice."""
        req = self._request(pool_id, request_id)
        asking.require_payable(req)
        paid = self.approvals.withdraw(
            who,
            pool_id,
            investor_id=req.investor_id,
            amount=req.amount,
            units=req.units,
            idempotency_key=f"request-{req.id}",
        )
        if not req.is_pending:  # accepted before: the retry replayed the same withdrawal
            return req, paid
        entry_id = paid.entry.id if isinstance(paid, Receipt) else None
        approval_id = paid.id if isinstance(paid, Approval) else None
        done = self._settle(who, pool_id, req, entry_id=entry_id, approval_id=approval_id)
        return done, paid

    def decline(self, who: Principal, pool_id: str, request_id: str, *, reason: str) -> WithdrawalRequest:
        why = reason.strip() if isinstance(reason, str) else ""
        if not why:
            raise InvalidInput("say why, for the investor", field="reason", code="missing_field")
        req = self._request(pool_id, request_id)
        return self._decide(who, pool_id, req, RequestStatus.DECLINED, EntryType.WITHDRAWAL_DECLINED, reason=why)

    # -- the commits ------------------------------------------------------------------

    def _settle(
        self, who: Principal, pool_id: str, req: WithdrawalRequest, *, entry_id: str | None, approval_id: str | None
    ) -> WithdrawalRequest:
        """Mark the request accepted, naming the withdrawal it ran (or the approval it waits for)."""
        return self._decide(
            who, pool_id, req, RequestStatus.ACCEPTED, EntryType.WITHDRAWAL_ACCEPTED, entry_id=entry_id, approval_id=approval_id
        )

    def _decide(
        self,
        who: Principal,
        pool_id: str,
        req: WithdrawalRequest,
        status: RequestStatus,
        entry_type: EntryType,
        *,
        reason: str | None = None,
        entry_id: str | None = None,
        approval_id: str | None = None,
    ) -> WithdrawalRequest:
        def decide(pool: Pool, stamp: Stamp) -> Commit:
            current = self._request(pool_id, req.id)
            done = asking.decide(
                current, status, at=stamp.at, by_name=stamp.actor_name, reason=reason, entry_id=entry_id, approval_id=approval_id
            )
            memo = {
                RequestStatus.ACCEPTED: "withdrawal request accepted" + ("; awaiting finance's approval" if approval_id else ""),
                RequestStatus.DECLINED: f"withdrawal request declined: {reason}",
                RequestStatus.CANCELLED: "withdrawal request cancelled by the investor",
            }[status]
            entry = new_entry(
                pool,
                stamp,
                entry_type,
                investor_id=req.investor_id,
                investor_name=req.investor_name,
                request_id=req.id,
                memo=memo,
            )
            return Commit(
                pool=touch(pool, stamp), expected_version=pool.version, entry=entry, withdrawal_request=done, record_nav=False
            )

        self.pools.commands.run(who, pool_id, decide, self.pools.stamp)
        return self._request(pool_id, req.id)

    # -- reads ------------------------------------------------------------------------------

    def _pending(self, pool_id: str, investor_id: str) -> list[WithdrawalRequest]:
        found: list[WithdrawalRequest] = []
        cursor: str | None = None
        while True:
            page = self.repo.list_withdrawal_requests(
                pool_id, limit=100, cursor=cursor, where=lambda r: r.investor_id == investor_id and r.is_pending
            )
            found += page.items
            cursor = page.next_cursor
            if cursor is None:
                return found

    def _request(self, pool_id: str, request_id: str) -> WithdrawalRequest:
        found = self.repo.get_withdrawal_request(pool_id, request_id) if request_id else None
        if found is None:
            raise NotFound(f"withdrawal request {request_id} not found", field="request_id", code="request_not_found")
        return found
