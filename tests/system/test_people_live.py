"""Every kind of user's way in, against the running local stack over HTTP: finance
invites a manager, who signs in with the emailed temporary password, chooses a
password, sets up an authenticator (codes computed from its secret), signs out
everywhere and back in with a code; the manager invites an investor, who signs
in and sees their own holding and nothing of anyone else's, whatever route they
try; the investor places an order; finance disables them, and their WebSocket
and their next request are cut at once."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp
import requests

from chalicelib.api.routes import ROUTES
from devstack.demo import DEMO_USERS
from devstack.launch import Stack
from tests.support.people import password_in
from tests.support.stack import login, wait_for_mail, ws_url
from tests.support.totp import code_to_type

_, _, FINANCE = DEMO_USERS


def post(http: requests.Session, url: str, body: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
    resp = http.post(url, json=body if body is not None else {}, timeout=10)
    assert resp.status_code == status, (url, resp.status_code, resp.text)
    return dict(resp.json())


def invitation_password(stack: Stack, email: str, subject: str) -> str:
    mails = [m for m in wait_for_mail(stack, subject) if email in m.get("destinations", {}).get("ToAddresses", [])]
    assert mails, f"no {subject!r} mail to {email}"
    return password_in(mails[-1]["body"])


def bearer(token: str) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    return s


def test_finance_invites_a_manager_who_invites_an_investor_who_sees_only_their_own(stack: Stack) -> None:
    api, anon = stack.api, requests.Session()
    tag = uuid.uuid4().hex[:6]
    finance = login(api, FINANCE.email, FINANCE.password)

    # -- a manager, from invitation to a second sign-in with an authenticator --------
    manager_email = f"manager.{tag}@example.com"
    post(finance, f"{api}/staff/invitations", {"email": manager_email, "role": "manager", "name": "Mo New"}, 201)
    temporary = invitation_password(stack, manager_email, "Your Pooldesk invitation")
    first = post(anon, f"{api}/auth/login", {"email": manager_email, "password": temporary})
    assert first["challenge"] == "NEW_PASSWORD_REQUIRED"
    step = {"challenge": "NEW_PASSWORD_REQUIRED", "email": manager_email, "session": first["session"]}
    held = post(anon, f"{api}/auth/challenge", {**step, "new_password": "Manager-chosen-1"})
    assert (held["challenge"], held["access_token"]) == ("MFA_SETUP", None)
    setup = {"session": held["session"], "email": manager_email}
    secret = post(anon, f"{api}/auth/mfa/setup", setup)["secret"]
    signed = post(anon, f"{api}/auth/mfa/verify", {**setup, "code": code_to_type(secret)})["signed_in"]
    manager = bearer(signed["access_token"])
    assert manager.get(f"{api}/me", timeout=10).json()["role"] == "managers"
    post(manager, f"{api}/auth/logout")
    assert manager.get(f"{api}/me", timeout=10).status_code == 401  # signed out everywhere: this token too
    again = post(anon, f"{api}/auth/login", {"email": manager_email, "password": "Manager-chosen-1"})
    assert again["challenge"] == "SOFTWARE_TOKEN_MFA"
    code_step = {"challenge": "SOFTWARE_TOKEN_MFA", "email": manager_email, "session": again["session"]}
    manager = bearer(post(anon, f"{api}/auth/challenge", {**code_step, "code": code_to_type(secret)})["access_token"])

    # -- the manager's pool, an investor invited, another investor beside them ------
    pid = post(manager, f"{api}/pools", {"name": f"Portal Fund {tag}", "currency": "USD"}, 201)["id"]
    investor_email = f"ivy.{tag}@example.com"
    ivy = post(manager, f"{api}/pools/{pid}/investors", {"name": "Ivy Investor", "email": investor_email}, 201)["id"]
    other = post(manager, f"{api}/pools/{pid}/investors", {"name": "Oscar Other", "email": f"oscar.{tag}@example.com"}, 201)
    for who, amount in ((ivy, "4000.00"), (other["id"], "6000.00")):
        post(manager, f"{api}/pools/{pid}/contributions", {"investor_id": who, "amount": amount}, 201)
    manager.put(f"{api}/pools/{pid}/dealing", json={"mode": "forward", "frequency": "daily"}, timeout=10).raise_for_status()
    other_order = post(
        manager, f"{api}/pools/{pid}/orders", {"investor_id": other["id"], "type": "subscription", "amount": "10.00"}, 201
    )
    invited = post(manager, f"{api}/pools/{pid}/investors/{ivy}/invite", None, 201)
    temporary = invitation_password(stack, investor_email, f"Your holding in Portal Fund {tag} on Pooldesk")

    # -- the investor: a password of their own, no authenticator required -----------
    first = post(anon, f"{api}/auth/login", {"email": investor_email, "password": temporary})
    step = {"challenge": "NEW_PASSWORD_REQUIRED", "email": investor_email, "session": first["session"]}
    investor = bearer(post(anon, f"{api}/auth/challenge", {**step, "new_password": "Investor-chosen-1"})["access_token"])
    (holding,) = investor.get(f"{api}/me/holdings", timeout=10).json()["items"]
    assert (holding["pool"]["id"], holding["name"], holding["units"], holding["share"]) == (
        pid,
        "Ivy Investor",
        "4000.000000",
        "0.400000",
    )

    # Every route of the API with the investor's token: refused, or only their own.
    ids = {"pool_id": pid, "investor_id": other["id"], "order_id": other_order["id"], "user_id": invited["user_id"]}
    ids |= {"entry_id": "x", "valuation_id": "x", "approval_id": "x", "request_id": "x", "broker": "demo", "symbol": "SPY"}
    seen: dict[str, int] = {}
    for spec in ROUTES:
        if not spec.auth or spec.path in ("/auth/logout",):
            continue
        url = api + spec.path.format(**ids)
        resp = investor.request(spec.method, url, json={} if spec.body else None, timeout=10)
        seen[f"{spec.method} {spec.path}"] = resp.status_code
        assert "Oscar" not in resp.text and f"oscar.{tag}" not in resp.text, (spec.method, spec.path, resp.text[:300])
        if spec.path.startswith(("/me", "/auth")):
            assert resp.status_code < 500, (spec.method, spec.path, resp.text[:300])
        else:
            assert resp.status_code in (400, 403, 404), (spec.method, spec.path, resp.status_code, resp.text[:300])
    assert seen["GET /me/holdings"] == 200 and seen["GET /me/pools/{pool_id}/activity"] == 200 and len(seen) > 60

    placed = post(investor, f"{api}/me/pools/{pid}/orders", {"type": "redemption", "units": "100"}, 201)
    assert placed["placed_by"].startswith("Ivy Investor (investor)")
    mine = investor.get(f"{api}/me/pools/{pid}/orders", timeout=10).json()["items"]
    assert [o["id"] for o in mine] == [placed["id"]]  # not Oscar's

    # -- finance disables the investor: the live connection and the next request end --
    async def disabled_while_connected() -> tuple[aiohttp.WSMsgType, int, str]:
        async with aiohttp.ClientSession() as session, session.ws_connect(ws_url(stack.ws, api, investor)) as ws:
            await ws.send_str(json.dumps({"action": "ping"}))
            assert (await ws.receive_json(timeout=10))["type"] == "pong"
            done = await asyncio.to_thread(finance.post, f"{api}/staff/{invited['user_id']}/disable", timeout=10)
            assert done.status_code == 200, done.text
            closed = await ws.receive(timeout=10)
            after = await asyncio.to_thread(investor.get, f"{api}/me/holdings", timeout=10)
            return closed.type, after.status_code, after.json()["error"]["code"]

    kind, status, code = asyncio.run(disabled_while_connected())
    assert kind in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert (status, code) == (401, "account_disabled")
    refused = anon.post(f"{api}/auth/login", json={"email": investor_email, "password": "Investor-chosen-1"}, timeout=10)
    assert refused.status_code == 401
