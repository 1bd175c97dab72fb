"""People: finance invites staff (managers and finance) and disables logins; a
manager invites an investor to the portal. Each invitation is an email with a
temporary password; the invited person chooses their own at the first sign-in."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import StaffInvitationRequest
from chalicelib.api.http import Call, Reply
from chalicelib.api.params import page_limit
from chalicelib.api.service_schemas import InvestorInvitationOut, InvitationOut, LoginList, LoginOut, LoginStandingOut
from chalicelib.resources import FINANCE_GROUP, INVESTORS_GROUP, MANAGERS_GROUP
from chalicelib.services.people_ports import Login, Standing

from .common import area

bp, api = area(__name__)

LOGINS_PAGE = 60  # Cognito's ListUsers gives at most 60 at a time

# Staff roles first: a manager who is also an investor is listed as a manager.
ROLES = ((MANAGERS_GROUP, "manager"), (FINANCE_GROUP, "finance"), (INVESTORS_GROUP, "investor"))


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


@api.route(
    "/staff",
    "GET",
    summary="Finance: every login (staff and investors) with its role, status and whether it has an authenticator",
    response=LoginList,
    query=("limit", "cursor"),
    tag="people",
    limit_max=LOGINS_PAGE,
)
def list_logins(call: Call) -> LoginList:
    page, standing = wiring.people().logins(
        call.who, limit=page_limit(call.query.get("limit"), maximum=LOGINS_PAGE), cursor=call.query.get("cursor")
    )
    return LoginList(items=[_login_out(login, standing[login.user_id]) for login in page.items], next_cursor=page.next_cursor)


def _login_out(login: Login, standing: Standing) -> LoginOut:
    groups = set(login.groups)
    role = next((r for g, r in ROLES if g in groups), "none")
    status = "disabled" if not login.enabled or standing.disabled else "invited" if login.invited else "active"
    return LoginOut(
        user_id=login.user_id,
        email=login.email,
        name=login.name,
        role=role,  # type: ignore[arg-type]  # one of the four
        groups=sorted(groups),
        status=status,  # type: ignore[arg-type]  # one of the three
        authenticator=standing.mfa_enrolled,
    )
