"""People: finance invites staff (managers and finance) and disables logins; a
manager invites an investor to the portal. Each invitation is an email with a
temporary password; the invited person chooses their own at the first sign-in."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import StaffInvitationRequest
from chalicelib.api.http import Call, Reply
from chalicelib.api.service_schemas import InvestorInvitationOut, InvitationOut, LoginStandingOut

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


@api.route(
    "/pools/{pool_id}/investors/{investor_id}/invite",
    "POST",
    summary="The pool's manager invites an investor to the portal: a login linked to this record (one per person)",
    response=InvestorInvitationOut,
    status=201,
    tag="people",
)
def invite_investor(call: Call, pool_id: str, investor_id: str) -> Reply:
    done = wiring.people().invite_investor(call.who, pool_id, investor_id)
    return Reply(
        InvestorInvitationOut(
            user_id=done.account.user_id,
            email=done.account.email,
            pool_id=done.pool.id,
            investor_id=done.investor.id,
            new_login=done.account.created,
        ),
        201,
    )


@api.route(
    "/staff/{user_id}/disable",
    "POST",
    summary="Finance disables a login: its tokens, refresh tokens and live connections stop working at once",
    response=LoginStandingOut,
    tag="people",
)
def disable_login(call: Call, user_id: str) -> LoginStandingOut:
    done = wiring.people().disable(call.who, user_id)
    return LoginStandingOut(user_id=done.user_id, email=done.email, disabled=True, connections_closed=done.connections_closed)


@api.route(
    "/staff/{user_id}/enable",
    "POST",
    summary="Finance enables a disabled login again (its holder signs in afresh)",
    response=LoginStandingOut,
    tag="people",
)
def enable_login(call: Call, user_id: str) -> LoginStandingOut:
    done = wiring.people().enable(call.who, user_id)
    return LoginStandingOut(user_id=done.user_id, email=done.email, disabled=False, connections_closed=0)
