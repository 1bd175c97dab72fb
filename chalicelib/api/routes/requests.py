"""An instant pool's withdrawal requests, as its manager (and finance) sees them: the
manager accepts one (the withdrawal runs then) or declines it, saying why."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib import wiring
from chalicelib.api.bodies import DeclineRequestBody
from chalicelib.api.dealing_schemas import ApprovalOut
from chalicelib.api.http import Call
from chalicelib.api.params import optional_text, page_limit
from chalicelib.api.portal_schemas import WithdrawalRequestList, WithdrawalRequestOut
from chalicelib.api.schemas import EntryOut
from chalicelib.domain.approvals import Approval

from .common import area

bp, api = area(__name__)


class AcceptedOut(BaseModel):
    request: WithdrawalRequestOut
    withdrawal: EntryOut | None = Field(description="the withdrawal paid; null while it waits for finance")
    approval: ApprovalOut | None = Field(description="the withdrawal held for finance's approval, when the pool requires one")


@api.route(
    "/pools/{pool_id}/withdrawal-requests",
    "GET",
    summary="Investors' withdrawal requests, newest first; ?status=pending|accepted|declined|cancelled",
    response=WithdrawalRequestList,
    query=("limit", "cursor", "status"),
    tag="requests",
)
def list_requests(call: Call, pool_id: str) -> WithdrawalRequestList:
    page = wiring.withdrawal_requests().listed(
        call.who,
        pool_id,
        status=optional_text(call.query.get("status")),
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    return WithdrawalRequestList.of(page, WithdrawalRequestOut.of)


@api.route(
    "/pools/{pool_id}/withdrawal-requests/{request_id}/accept",
    "POST",
    summary="The manager accepts a request: the withdrawal runs now, at the live NAV per unit (once, however often retried)",
    response=AcceptedOut,
    tag="requests",
)
def accept_request(call: Call, pool_id: str, request_id: str) -> AcceptedOut:
    request, paid = wiring.withdrawal_requests().accept(call.who, pool_id, request_id)
    if isinstance(paid, Approval):
        return AcceptedOut(request=WithdrawalRequestOut.of(request), withdrawal=None, approval=ApprovalOut.of(paid))
    return AcceptedOut(request=WithdrawalRequestOut.of(request), withdrawal=EntryOut.of(paid.entry), approval=None)


@api.route(
    "/pools/{pool_id}/withdrawal-requests/{request_id}/decline",
    "POST",
    summary="The manager declines a request, saying why (the investor sees the reason)",
    body=DeclineRequestBody,
    response=WithdrawalRequestOut,
    tag="requests",
)
def decline_request(call: Call, pool_id: str, request_id: str) -> WithdrawalRequestOut:
    return WithdrawalRequestOut.of(wiring.withdrawal_requests().decline(call.who, pool_id, request_id, reason=call.body.reason))
