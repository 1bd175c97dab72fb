"""People: finance invites staff (managers and finance); each gets an email with a
temporary password, and chooses their own at the first sign-in."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import StaffInvitationRequest
from chalicelib.api.http import Call, Reply
from chalicelib.api.service_schemas import InvitationOut

from .common import area

bp, api = area(__name__)


@api.route(
    "/staff/invitations",
    "POST",
    summary="Finance invites a manager or a finance colleague: an email with a temporary password",
    body=StaffInvitationRequest,
    response=InvitationOut,
    status=201,
    tag="people",
)
def invite_staff(call: Call) -> Reply:
    b = call.body
    done = wiring.people().invite_staff(call.who, email=b.email, role=b.role, name=b.name)
    return Reply(InvitationOut(user_id=done.account.user_id, email=done.account.email, role=done.role.value), 201)
