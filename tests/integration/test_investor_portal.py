"""The investor portal through the API against Cognito (moto): a manager invites
an investor, who signs in with the emailed temporary password and then sees their
own holdings and nothing of anyone else's, whatever route they try; they place and
cancel their own orders; finance disables them and their next request is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.api.routes import ROUTES
from tests.support.api import Api, add_investor, contribute, error, make_pool
from tests.support.calendar import set_calendar
from tests.support.events import sent_emails
from tests.support.people import CHOSEN, sign_in_first_time

FORWARD = {"mode": "forward", "frequency": "daily"}


@pytest.fixture
def set_clock(api: Api, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    return set_calendar(monkeypatch, datetime(2026, 11, 30, 9, tzinfo=UTC))


@pytest.fixture
def world(api: Api, set_clock: Callable[[str], None]) -> dict[str, Any]:
    """Alice and Bob in the Harbor Fund (forward); Bob alone in another manager's Quay Fund."""
    harbor = make_pool(api, name="Harbor Fund")["id"]
    alice, bob = (add_investor(api, harbor, n)["id"] for n in ("Alice", "Bob"))
    assert contribute(api, harbor, alice, "1000.00").status_code == 201
    assert contribute(api, harbor, bob, "3000.00").status_code == 201
    paid = api.post(f"/pools/{harbor}/distributions", {"amount": "40.00", "memo": "Q4 income"})
    assert paid.status_code == 201, paid.body
    assert api.request("PUT", f"/pools/{harbor}/dealing", FORWARD).status_code == 200
    quay = make_pool(api, name="Quay Fund", as_user="manager2")["id"]
    bob_quay = add_investor(api, quay, "Bob", as_user="manager2")["id"]
    assert contribute(api, quay, bob_quay, "500.00", as_user="manager2").status_code == 201
    bob_order = api.post(f"/pools/{harbor}/orders", {"investor_id": bob, "type": "subscription", "amount": "100.00"})
    assert bob_order.status_code == 201, bob_order.body
    return {
        "harbor": harbor,
        "quay": quay,
        "alice": alice,
        "bob": bob,
        "bob_quay": bob_quay,
        "bob_order": bob_order.json_body["id"],
    }


def test_an_invited_investor_sees_their_own_holding_and_nothing_of_anyone_else(api: Api, world: dict[str, Any]) -> None:
    harbor, alice = world["harbor"], world["alice"]
    # Only the pool's own manager invites, and only someone with an address.
    other = api.post(f"/pools/{harbor}/investors/{alice}/invite", as_user="manager2")
    assert (other.status_code, error(other)["code"]) == (404, "pool_not_found")
    assert api.post(f"/pools/{harbor}/investors/{alice}/invite", as_user="finance").status_code == 403
    invited = api.post(f"/pools/{harbor}/investors/{alice}/invite")
    assert invited.status_code == 201, invited.body
    assert (invited.json_body["email"], invited.json_body["new_login"]) == ("alice@example.com", True)
    again = api.post(f"/pools/{harbor}/investors/{alice}/invite")
    assert (again.status_code, error(again)["code"]) == (409, "already_invited")

    me = sign_in_first_time(api, "alice@example.com")
    assert api.get("/me", as_user=None, headers=me).json_body["role"] == "investors"
    (holding,) = api.get("/me/holdings", as_user=None, headers=me).json_body["items"]
    assert (holding["pool"]["name"], holding["name"], holding["units"], holding["share"]) == (
        "Harbor Fund",
        "Alice",
        "1000.000000",
        "0.250000",
    )
    assert (holding["contributed"], holding["paid_out"], holding["value"]) == ("1000.00", "10.00", "990.00")
    assert set(holding["pool"]) >= {"nav_per_unit", "dealing_mode"} and "investor_count" not in holding["pool"]

    detail = api.get(f"/me/pools/{harbor}", as_user=None, headers=me).json_body
    assert detail["holding"]["investor_id"] == alice and detail["performance"]["series"]

    # Their own activity: joining, the contribution and their 10.00 of the 40.00 distribution; nothing of Bob's.
    lines = api.get(f"/me/pools/{harbor}/activity", as_user=None, headers=me).json_body["items"]
    assert [(x["type"], x["amount"]) for x in lines] == [
        ("distribution", "10.00"),
        ("contribution", "1000.00"),
        ("investor.added", None),
    ]
    assert "Bob" not in str(lines)

    statement = api.get(f"/me/pools/{harbor}/statement", as_user=None, headers=me).json_body
    assert statement["investor"]["name"] == "Alice" and "Bob" not in str(statement)
    assert api.get(f"/me/pools/{harbor}/orders", as_user=None, headers=me).json_body["items"] == []

    # Another pool, another investor's order: not found.
    for path in (f"/me/pools/{world['quay']}", f"/me/pools/{world['quay']}/activity", f"/me/pools/{world['quay']}/statement"):
        resp = api.get(path, as_user=None, headers=me)
        assert (resp.status_code, error(resp)["code"]) == (404, "pool_not_found"), path
    theirs = api.delete(f"/me/pools/{harbor}/orders/{world['bob_order']}", as_user=None, headers=me)
    assert (theirs.status_code, error(theirs)["code"]) == (404, "order_not_found")


def test_every_staff_route_refuses_an_investor(api: Api, world: dict[str, Any]) -> None:
    """Every route of the API, with the investor's token and the ids of their own pool,
    another investor and another pool: refused (403/404), or, on /me and /auth, only their own."""
    assert api.post(f"/pools/{world['harbor']}/investors/{world['alice']}/invite").status_code == 201
    me = sign_in_first_time(api, "alice@example.com")
    ids = {
        "pool_id": world["harbor"],
        "investor_id": world["bob"],
        "order_id": world["bob_order"],
        "entry_id": "x",
        "valuation_id": "x",
        "approval_id": "x",
        "user_id": "x",
        "request_id": "x",
        "broker": "demo",
        "symbol": "SPY",
    }
    tried = 0
    for spec in ROUTES:
        if not spec.auth or spec.path.startswith(("/me", "/auth")):
            continue
        for pool in (world["harbor"], world["quay"]):
            path = spec.path.format(**{**ids, "pool_id": pool})
            resp = api.request(spec.method, path, {} if spec.body else None, as_user=None, headers=me)
            tried += 1
            # A body is checked before anything is read: an empty one is refused as 400 and changes nothing.
            assert resp.status_code in (400, 403, 404), (spec.method, path, resp.status_code, resp.body)
            assert "Bob" not in resp.body.decode(), (spec.method, path)
    assert tried > 80
    # Nothing moved: Bob's order and the pool are as they were.
    assert api.get(f"/pools/{world['harbor']}/orders/{world['bob_order']}").json_body["status"] == "pending"


def test_an_investor_places_and_cancels_their_own_orders_and_staff_see_who_placed_them(api: Api, world: dict[str, Any]) -> None:
    harbor = world["harbor"]
    assert api.post(f"/pools/{harbor}/investors/{world['alice']}/invite").status_code == 201
    me = sign_in_first_time(api, "alice@example.com")
    body = {"type": "subscription", "amount": "250.00"}
    placed = api.post(f"/me/pools/{harbor}/orders", body, as_user=None, headers={**me, "Idempotency-Key": "k-1"})
    assert placed.status_code == 201, placed.body
    order = placed.json_body
    assert (order["investor_id"], order["amount"], order["placed_by"]) == (
        world["alice"],
        "250.00",
        "Alice (investor) <alice@example.com>",
    )
    replay = api.post(f"/me/pools/{harbor}/orders", body, as_user=None, headers={**me, "Idempotency-Key": "k-1"})
    assert (replay.status_code, replay.json_body["id"]) == (200, order["id"])
    too_many = api.post(f"/me/pools/{harbor}/orders", {"type": "redemption", "units": "5000"}, as_user=None, headers=me)
    assert (too_many.status_code, error(too_many)["code"]) == (422, "insufficient_units")
    # The manager and finance see it, and who placed it.
    staff_view = api.get(f"/pools/{harbor}/orders/{order['id']}", as_user="finance").json_body
    assert staff_view["placed_by"] == "Alice (investor) <alice@example.com>"
    mine = api.get(f"/me/pools/{harbor}/orders", as_user=None, headers=me).json_body["items"]
    assert [o["id"] for o in mine] == [order["id"]]
    cancelled = api.delete(f"/me/pools/{harbor}/orders/{order['id']}", as_user=None, headers=me)
    assert (cancelled.status_code, cancelled.json_body["status"]) == (200, "cancelled")


def test_one_login_however_many_pools_and_finance_disables_it_at_once(api: Api, world: dict[str, Any]) -> None:
    bob_harbor = api.post(f"/pools/{world['harbor']}/investors/{world['bob']}/invite")
    assert bob_harbor.json_body["new_login"] is True
    me = sign_in_first_time(api, "bob@example.com")
    # Invited to a second pool by its own manager: the same login, told by email; no new password.
    second = api.post(f"/pools/{world['quay']}/investors/{world['bob_quay']}/invite", as_user="manager2")
    assert (second.status_code, second.json_body["new_login"], second.json_body["user_id"]) == (
        201,
        False,
        bob_harbor.json_body["user_id"],
    )
    assert any(m.subject == "Your holding in Quay Fund on Pooldesk" and "temporary" not in m.body for m in sent_emails())
    names = [h["pool"]["name"] for h in api.get("/me/holdings", as_user=None, headers=me).json_body["items"]]
    assert names == ["Harbor Fund", "Quay Fund"]
    # Quay deals instantly: there are no orders to place there.
    instant = api.post(f"/me/pools/{world['quay']}/orders", {"type": "subscription", "amount": "5.00"}, as_user=None, headers=me)
    assert (instant.status_code, error(instant)["code"]) == (409, "instant_dealing")

    # Email preferences: each kind on by default; turned off one at a time.
    assert api.get("/me/email-preferences", as_user=None, headers=me).json_body == {
        "order_settled": True,
        "distribution_paid": True,
        "statement_ready": True,
    }
    off = api.request("PUT", "/me/email-preferences", {"distribution_paid": False}, as_user=None, headers=me)
    assert off.json_body == {"order_settled": True, "distribution_paid": False, "statement_ready": True}

    user_id = bob_harbor.json_body["user_id"]
    assert api.post(f"/staff/{user_id}/disable").status_code == 403  # a manager does not
    unknown = api.post("/staff/00000000-0000-0000-0000-000000000000/disable", as_user="finance")
    assert (unknown.status_code, error(unknown)["code"]) == (404, "user_not_found")
    done = api.post(f"/staff/{user_id}/disable", as_user="finance")
    assert (done.status_code, done.json_body["disabled"]) == (200, True)
    refused = api.get("/me/holdings", as_user=None, headers=me)
    assert (refused.status_code, error(refused)["code"]) == (401, "account_disabled")
    login = api.post("/auth/login", {"email": "bob@example.com", "password": CHOSEN}, as_user=None)
    assert login.status_code == 401
    assert api.post(f"/staff/{user_id}/enable", as_user="finance").json_body["disabled"] is False
    back = api.post("/auth/login", {"email": "bob@example.com", "password": CHOSEN}, as_user=None)
    assert back.status_code == 200, back.body


def test_signing_out_everywhere_refuses_the_access_tokens_already_handed_out(api: Api, world: dict[str, Any]) -> None:
    assert api.post(f"/pools/{world['harbor']}/investors/{world['alice']}/invite").status_code == 201
    me = sign_in_first_time(api, "alice@example.com")
    assert api.post("/auth/logout", {}, as_user=None, headers=me).status_code == 200
    stale = api.get("/me/holdings", as_user=None, headers=me)
    assert (stale.status_code, error(stale)["code"]) == (401, "signed_out")
    # Signing in again at once (in the same second) gives tokens that work: only the old ones are refused.
    again = api.post("/auth/login", {"email": "alice@example.com", "password": CHOSEN}, as_user=None).json_body
    fresh = {"Authorization": f"Bearer {again['access_token']}"}
    assert api.get("/me/holdings", as_user=None, headers=fresh).status_code == 200
    assert api.get("/me/holdings", as_user=None, headers=me).status_code == 401


def test_investors_with_a_login_are_emailed_their_settlements_and_payouts_as_they_choose(
    api: Api, world: dict[str, Any], set_clock: Callable[[str], None]
) -> None:
    from app import send_alerts
    from tests.support.events import TableStream

    harbor = world["harbor"]
    assert api.post(f"/pools/{harbor}/investors/{world['alice']}/invite").status_code == 201
    me = sign_in_first_time(api, "alice@example.com")
    stream = TableStream("test-pooldesk-pools")
    stream.batch()
    placed = api.post(f"/me/pools/{harbor}/orders", {"type": "subscription", "amount": "99.00"}, as_user=None, headers=me)
    assert placed.status_code == 201, placed.body
    valuation = api.post(f"/pools/{harbor}/valuations", {})
    assert valuation.status_code == 201, valuation.body
    approved = api.post(f"/pools/{harbor}/valuations/{valuation.json_body['id']}/approve", as_user="finance")
    assert approved.status_code == 200, approved.body
    before = len(sent_emails())
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    mine = [m for m in sent_emails()[before:] if m.destinations["ToAddresses"] == ["alice@example.com"]]
    assert [m.subject for m in mine] == ["Harbor Fund: your subscription has settled"]
    assert "units issued for 99.00 USD" in mine[0].body and f"/#/portal/{harbor}" in mine[0].body
    # Bob has no login: his settled order (placed by the manager) is not mailed to him.
    assert not [m for m in sent_emails()[before:] if m.destinations["ToAddresses"] == ["bob@example.com"]]

    # A payout: Alice hears of her share; once she turns that off, she does not.
    assert api.post(f"/pools/{harbor}/distributions", {"amount": "20.00"}).status_code == 201
    before = len(sent_emails())
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    (paid,) = [m for m in sent_emails()[before:] if m.destinations["ToAddresses"] == ["alice@example.com"]]
    assert paid.subject == "Harbor Fund: a distribution has paid you"
    api.request("PUT", "/me/email-preferences", {"distribution_paid": False}, as_user=None, headers=me)
    assert api.post(f"/pools/{harbor}/distributions", {"amount": "20.00"}).status_code == 201
    before = len(sent_emails())
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    assert not [m for m in sent_emails()[before:] if m.destinations["ToAddresses"] == ["alice@example.com"]]

    # Statements: finance sends the period's; Alice, who turned statements off, is left out; Bob gets his.
    api.request("PUT", "/me/email-preferences", {"statement_ready": False}, as_user=None, headers=me)
    assert (
        api.post(f"/pools/{harbor}/statements/email", {"from": "2026-11-30", "to": "2026-11-30"}, as_user="finance").status_code
        == 202
    )
    before = len(sent_emails())
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    to = sorted(m.destinations["ToAddresses"][0] for m in sent_emails()[before:] if "statement" in m.subject)
    assert to == ["bob@example.com"]


def test_an_investor_asks_to_withdraw_from_an_instant_pool_and_the_manager_accepts_or_declines(
    api: Api, world: dict[str, Any]
) -> None:
    quay = world["quay"]
    assert api.post(f"/pools/{quay}/investors/{world['bob_quay']}/invite", as_user="manager2").status_code == 201
    me = sign_in_first_time(api, "bob@example.com")
    # Forward pools take orders instead.
    forward = api.post(f"/me/pools/{world['harbor']}/withdrawal-requests", {"amount": "5.00"}, as_user=None, headers=me)
    assert (forward.status_code, error(forward)["code"]) == (404, "pool_not_found")  # Bob's Harbor record is not linked

    ask = {"amount": "120.00"}
    first = api.post(f"/me/pools/{quay}/withdrawal-requests", ask, as_user=None, headers={**me, "Idempotency-Key": "w-1"})
    assert first.status_code == 201, first.body
    req = first.json_body
    assert (req["status"], req["amount"], req["investor_name"]) == ("pending", "120.00", "Bob")
    replay = api.post(f"/me/pools/{quay}/withdrawal-requests", ask, as_user=None, headers={**me, "Idempotency-Key": "w-1"})
    assert (replay.status_code, replay.json_body["id"]) == (200, req["id"])
    too_much = api.post(f"/me/pools/{quay}/withdrawal-requests", {"amount": "400.00"}, as_user=None, headers=me)
    assert (too_much.status_code, error(too_much)["code"]) == (422, "insufficient_units")  # 500 held, 120 asked already
    both = api.post(f"/me/pools/{quay}/withdrawal-requests", {"amount": "1.00", "units": "1"}, as_user=None, headers=me)
    assert (both.status_code, error(both)["code"]) == (400, "amount_or_units")
    # Nothing moved yet; the manager sees it waiting, and another manager does not.
    assert api.get(f"/pools/{quay}", as_user="manager2").json_body["cash"] == "500.00"
    waiting = api.get(f"/pools/{quay}/withdrawal-requests?status=pending", as_user="manager2").json_body["items"]
    assert [r["id"] for r in waiting] == [req["id"]]
    assert api.get(f"/pools/{quay}/withdrawal-requests").status_code == 404

    accepted = api.post(f"/pools/{quay}/withdrawal-requests/{req['id']}/accept", as_user="manager2")
    assert accepted.status_code == 200, accepted.body
    done = accepted.json_body
    assert (done["request"]["status"], done["withdrawal"]["amount"], done["approval"]) == ("accepted", "120.00", None)
    again = api.post(f"/pools/{quay}/withdrawal-requests/{req['id']}/accept", as_user="manager2")
    assert again.json_body["withdrawal"]["id"] == done["withdrawal"]["id"]  # retried: paid once
    assert api.get(f"/pools/{quay}", as_user="manager2").json_body["cash"] == "380.00"

    # A second request, declined with a reason the investor sees; a third, cancelled by the investor.
    second = api.post(f"/me/pools/{quay}/withdrawal-requests", {"units": "10"}, as_user=None, headers=me).json_body
    no_reason = api.post(f"/pools/{quay}/withdrawal-requests/{second['id']}/decline", {"reason": " "}, as_user="manager2")
    assert (no_reason.status_code, error(no_reason)["field"]) == (400, "reason")
    declined = api.post(
        f"/pools/{quay}/withdrawal-requests/{second['id']}/decline", {"reason": "quarter-end lock"}, as_user="manager2"
    )
    assert (declined.json_body["status"], declined.json_body["reason"]) == ("declined", "quarter-end lock")
    late = api.post(f"/pools/{quay}/withdrawal-requests/{second['id']}/accept", as_user="manager2")
    assert (late.status_code, error(late)["code"]) == (409, "request_declined")
    third = api.post(f"/me/pools/{quay}/withdrawal-requests", {"units": "5"}, as_user=None, headers=me).json_body
    cancelled = api.delete(f"/me/pools/{quay}/withdrawal-requests/{third['id']}", as_user=None, headers=me)
    assert cancelled.json_body["status"] == "cancelled"
    mine = api.get(f"/me/pools/{quay}/withdrawal-requests", as_user=None, headers=me).json_body["items"]
    assert [r["status"] for r in mine] == ["cancelled", "declined", "accepted"]
    lines = [x["type"] for x in api.get(f"/me/pools/{quay}/activity", as_user=None, headers=me).json_body["items"]]
    assert lines[:4] == ["withdrawal.request_cancelled", "withdrawal.requested", "withdrawal.declined", "withdrawal.requested"]
    assert "withdrawal" in lines and "withdrawal.request_accepted" in lines


def test_finance_lists_every_login_with_its_role_and_status(api: Api, world: dict[str, Any]) -> None:
    assert api.post(f"/pools/{world['harbor']}/investors/{world['alice']}/invite").status_code == 201
    assert api.get("/staff").status_code == 403  # a manager does not
    listed = {x["email"]: x for x in api.get("/staff?limit=60", as_user="finance").json_body["items"]}
    assert (listed["alice@example.com"]["role"], listed["alice@example.com"]["status"]) == ("investor", "invited")
    assert (listed["manager@example.com"]["role"], listed["finance@example.com"]["role"]) == ("manager", "finance")
    sign_in_first_time(api, "alice@example.com")
    api.post(f"/staff/{listed['alice@example.com']['user_id']}/disable", as_user="finance")
    again = {x["email"]: x for x in api.get("/staff", as_user="finance").json_body["items"]}
    assert again["alice@example.com"]["status"] == "disabled"
