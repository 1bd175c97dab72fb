"""Four eyes: what a pool's finance approves before it moves, and finance's inbox
of held movements (approve replays the original command once; reject says why)."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import ApprovalPolicyRequest, RejectValuationRequest
from chalicelib.api.dealing_schemas import ApprovalList, ApprovalOut, ApprovalPolicyOut, ApprovedOut
from chalicelib.api.http import Call
from chalicelib.api.params import optional_text, page_limit
from chalicelib.api.schemas import EntryOut
from chalicelib.domain.approvals import parse_approvals
from chalicelib.services.approvals import ApprovalService

from .common import area, pools

bp, api = area(__name__)


def approvals() -> ApprovalService:
    return wiring.approvals()


@api.route(
    "/pools/{pool_id}/approvals",
    "GET",
    summary="What finance approves in this pool before it moves",
    response=ApprovalPolicyOut,
    tag="approvals",
)
def get_policy(call: Call, pool_id: str) -> ApprovalPolicyOut:
    return ApprovalPolicyOut.of(pools().get_pool(call.who, pool_id).approvals)


@api.route(
    "/pools/{pool_id}/approvals",
    "PUT",
    summary="Set what finance approves before it moves: large withdrawals, distributions, reversals",
    body=ApprovalPolicyRequest,
    response=ApprovalPolicyOut,
    tag="approvals",
)
def set_policy(call: Call, pool_id: str) -> ApprovalPolicyOut:
    b = call.body
    policy = parse_approvals(b.withdrawal_over, b.distributions, b.reversals)
    return ApprovalPolicyOut.of(approvals().set_policy(call.who, pool_id, policy).approvals)


@api.route(
    "/approvals",
    "GET",
    summary="Held movements, newest first: finance sees every pool's, a manager those they asked for",
    response=ApprovalList,
    query=("limit", "cursor", "status"),
    tag="approvals",
)
def inbox(call: Call) -> ApprovalList:
    page = approvals().inbox(
        call.who,
        status=optional_text(call.query.get("status")),
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    return ApprovalList.of(page, ApprovalOut.of)


@api.route("/approvals/{approval_id}", "GET", summary="One held movement", response=ApprovalOut, tag="approvals")
def get_approval(call: Call, approval_id: str) -> ApprovalOut:
    return ApprovalOut.of(approvals().get(call.who, approval_id))


@api.route(
    "/approvals/{approval_id}/approve",
    "POST",
    summary="Finance approves (never the requester): the movement runs once, at the NAV of now, and its entry is answered",
    response=ApprovedOut,
    tag="approvals",
)
def approve(call: Call, approval_id: str) -> ApprovedOut:
    approval, receipt = approvals().approve(call.who, approval_id)
    return ApprovedOut.model_validate({**ApprovalOut.of(approval).model_dump(), "entry": EntryOut.of(receipt.entry)})


@api.route(
    "/approvals/{approval_id}/reject",
    "POST",
    summary="Finance rejects a held movement, saying why; nothing moves",
    body=RejectValuationRequest,
    response=ApprovalOut,
    tag="approvals",
)
def reject(call: Call, approval_id: str) -> ApprovalOut:
    return ApprovalOut.of(approvals().reject(call.who, approval_id, reason=call.body.reason))
