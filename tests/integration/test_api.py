"""Every route through chalice.test's gateway, against moto: success and bad input."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from tests.support.api import MANAGER, Api, add_investor, contribute, error, make_pool

# -- sign-in ---------------------------------------------------------------------


def test_login_returns_tokens_and_me_names_the_role(api: Api) -> None:
    resp = api.post("/auth/login", {"email": MANAGER.email, "password": MANAGER.password}, as_user=None)
    assert resp.status_code == 200
    tokens = resp.json_body
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
    me = api.client.http.get("/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json_body["role"] == "managers"
    assert me.json_body["groups"] == ["managers"]


def test_wrong_password_and_unknown_user_get_the_same_401(api: Api) -> None:
    wrong = api.post("/auth/login", {"email": MANAGER.email, "password": "nope-nope-nope"}, as_user=None)
    unknown = api.post("/auth/login", {"email": "nobody@example.com", "password": "nope-nope-nope"}, as_user=None)
    assert wrong.status_code == unknown.status_code == 401
    assert error(wrong)["code"] == error(unknown)["code"] == "invalid_credentials"


def test_refresh_gives_a_working_access_token(api: Api) -> None:
    login = api.post("/auth/login", {"email": MANAGER.email, "password": MANAGER.password}, as_user=None).json_body
    resp = api.post("/auth/refresh", {"refresh_token": login["refresh_token"]}, as_user=None)
    assert resp.status_code == 200
    me = api.client.http.get("/me", headers={"Authorization": f"Bearer {resp.json_body['access_token']}"})
    assert me.status_code == 200


def test_bad_refresh_token_is_401(api: Api) -> None:
    resp = api.post("/auth/refresh", {"refresh_token": "not-a-real-refresh-token"}, as_user=None)
    assert resp.status_code == 401
    assert error(resp)["code"] == "invalid_refresh_token"


@pytest.mark.parametrize(
    ("header", "code"),
    [(None, "missing_token"), ("Basic abc", "invalid_token"), ("Bearer not.a.jwt", "invalid_token")],
)
def test_requests_without_a_valid_token_are_401(api: Api, header: str | None, code: str) -> None:
    headers = {"Authorization": header} if header else {}
    resp = api.client.http.get("/pools", headers=headers)
    assert resp.status_code == 401
    assert error(resp)["code"] == code


def test_a_tampered_token_is_401(api: Api) -> None:
    head, payload, sig = api.tokens["finance"].split(".")
    forged = f"{head}.{payload}.{sig[:-4]}AAAA"
    resp = api.client.http.get("/pools", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status_code == 401


def test_the_id_token_is_not_accepted_as_an_access_token(api: Api) -> None:
    login = api.post("/auth/login", {"email": MANAGER.email, "password": MANAGER.password}, as_user=None).json_body
    resp = api.client.http.get("/pools", headers={"Authorization": f"Bearer {login['id_token']}"})
    assert resp.status_code == 401


def test_config_and_openapi_are_public(api: Api, cognito: Any) -> None:
    cfg = api.get("/config", as_user=None).json_body
    assert cfg["user_pool_id"] == cognito.user_pool_id
    assert cfg["client_id"] == cognito.client_id
    spec = api.get("/openapi.json", as_user=None).json_body
    assert spec["openapi"].startswith("3.")
    assert "post" in spec["paths"]["/pools/{pool_id}/contributions"]
    schema_ref = spec["paths"]["/pools/{pool_id}/contributions"]["post"]["requestBody"]["content"]["application/json"]
    assert schema_ref["schema"]["$ref"].endswith("ContributionRequest")
    assert spec["components"]["schemas"]["ContributionRequest"]["properties"]["amount"]["type"] == "string"


def test_openapi_lists_every_route(api: Api) -> None:
    from app import app

    spec = api.get("/openapi.json", as_user=None).json_body
    for path, methods in app.routes.items():
        for method in methods:
            assert method.lower() in spec["paths"][path], (method, path)


# -- pools -----------------------------------------------------------------------


def test_create_read_list_rename_close_and_reopen_a_pool(api: Api) -> None:
    pool = make_pool(api, unit_price="100.00")
    assert pool["nav"] == "0.00" and pool["nav_per_unit"] == "100.000000" and pool["units"] == "0.000000"
    assert pool["status"] == "open" and pool["positions"] == [] and pool["investor_count"] == 0
    assert api.get(f"/pools/{pool['id']}").json_body["id"] == pool["id"]
    listed = api.get("/pools").json_body
    assert [p["id"] for p in listed["items"]] == [pool["id"]] and listed["next_cursor"] is None
    renamed = api.patch(f"/pools/{pool['id']}", {"name": "Income Fund"}).json_body
    assert renamed["name"] == "Income Fund"
    closed = api.patch(f"/pools/{pool['id']}", {"status": "closed"}).json_body
    assert closed["status"] == "closed"
    again = api.patch(f"/pools/{pool['id']}", {"status": "closed"})
    assert again.status_code == 409 and error(again)["code"] == "pool_already_closed"
    assert api.patch(f"/pools/{pool['id']}", {"status": "open"}).json_body["status"] == "open"
    types = [e["type"] for e in api.get(f"/pools/{pool['id']}/activity").json_body["items"]]
    assert types == ["pool.reopened", "pool.closed", "pool.renamed", "pool.opened"]


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"currency": "USD"}, 400, "name", "missing_field"),
        ({"name": "X", "currency": "XXX"}, 400, "currency", "invalid_currency"),
        ({"name": "X", "currency": "USD", "unit_price": "-1"}, 400, "unit_price", "invalid_unit_price"),
        ({"name": "X", "currency": "USD", "unit_price": 1.5}, 400, "unit_price", "invalid_type"),
        ({"name": "X", "currency": "USD", "colour": "red"}, 400, "colour", "unknown_field"),
        ({"name": "   ", "currency": "USD"}, 400, "name", "invalid_name"),
        ({"name": "X" * 121, "currency": "USD"}, 400, "name", "invalid_field"),
    ],
)
def test_create_pool_bad_input(api: Api, body: dict[str, Any], status: int, field: str, code: str) -> None:
    resp = api.post("/pools", body)
    assert resp.status_code == status, resp.body
    assert error(resp)["field"] == field
    assert error(resp)["code"] == code
    assert api.get("/pools").json_body["items"] == []


@pytest.mark.parametrize("raw", [b"{not json", b"[1,2]", b'{"name": NaN, "currency": "USD"}', b"\xff\xfe"])
def test_malformed_json_is_400(api: Api, raw: bytes) -> None:
    resp = api.request("POST", "/pools", raw=raw)
    assert resp.status_code == 400
    assert error(resp)["code"] == "invalid_json"


def test_oversized_body_is_refused(api: Api) -> None:
    resp = api.request("POST", "/pools", raw=b'{"name": "' + b"x" * 70_000 + b'", "currency": "USD"}')
    assert resp.status_code == 400
    assert error(resp)["code"] == "body_too_large"


def test_pools_paginate_with_an_opaque_cursor(api: Api) -> None:
    ids = [make_pool(api, name=f"Pool {i}")["id"] for i in range(5)]
    first = api.get("/pools?limit=2").json_body
    second = api.get(f"/pools?limit=2&cursor={first['next_cursor']}").json_body
    third = api.get(f"/pools?limit=2&cursor={second['next_cursor']}").json_body
    seen = [p["id"] for page in (first, second, third) for p in page["items"]]
    assert seen == list(reversed(ids))
    assert third["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=abc", "cursor=garbage!!", "cursor=eyJQSyI6IlgifQ"])
def test_bad_paging_parameters_are_400(api: Api, query: str) -> None:
    resp = api.get(f"/pools?{query}")
    assert resp.status_code == 400
    assert error(resp)["field"] in ("limit", "cursor")


# -- investors and money ----------------------------------------------------------


def test_the_full_money_cycle_matches_a_hand_calculation(api: Api) -> None:
    pid = make_pool(api)["id"]
    alice = add_investor(api, pid, "Alice")
    bob = add_investor(api, pid, "Bob")
    assert contribute(api, pid, alice["id"], "1000.00").status_code == 201
    t = api.post(f"/pools/{pid}/trades", {"symbol": "acme", "side": "buy", "quantity": "5", "price": "100", "fees": "0.50"})
    assert t.status_code == 201, t.body
    pool = api.get(f"/pools/{pid}").json_body
    # cash 1000 - 500 - 0.50; the position is marked at the trade price, so NAV = 499.50 + 500.00
    assert (pool["cash"], pool["nav"], pool["nav_per_unit"]) == ("499.50", "999.50", "0.999500")
    assert pool["positions"] == [
        {"symbol": "ACME", "quantity": "5.000000", "avg_cost": "100.100000", "last_price": "100", "market_value": "500.00"}
    ]
    # Bob joins at 0.9995: 999.50 / 0.9995 = 1000.000000 units
    b = contribute(api, pid, bob["id"], "999.50").json_body
    assert (b["units"], b["nav_per_unit"]) == ("1000.000000", "0.999500")
    # Alice withdraws 100.00: 100 x 2000 / 1999.00 = 100.050025... -> 100.050026 units (up)
    w = api.post(f"/pools/{pid}/withdrawals", {"investor_id": alice["id"], "amount": "100.00"}).json_body
    assert (w["amount"], w["units"]) == ("100.00", "100.050026")
    # Distribute 300.00 across 899.949974 + 1000 units
    d = api.post(f"/pools/{pid}/distributions", {"amount": "300.00", "memo": "Q3 income"})
    assert d.status_code == 201, d.body
    shares = {a["investor_id"]: a["amount"] for a in d.json_body["allocations"]}
    # 300 x 899.949974 / 1899.949974 = 142.1022... ; 300 x 1000 / 1899.949974 = 157.8989...
    assert shares == {alice["id"]: "142.10", bob["id"]: "157.90"}
    assert sum(D(v) for v in shares.values()) == D("300.00")
    pool = api.get(f"/pools/{pid}").json_body
    assert (pool["cash"], pool["units"], pool["investor_count"]) == ("1099.00", "1899.949974", 2)
    inv = api.get(f"/pools/{pid}/investors/{alice['id']}").json_body
    assert (inv["contributed"], inv["withdrawn"], inv["paid_out"], inv["units"]) == ("1000.00", "100.00", "142.10", "899.949974")
    activity = [e["type"] for e in api.get(f"/pools/{pid}/activity").json_body["items"]]
    assert activity[:5] == ["distribution", "withdrawal", "contribution", "trade", "contribution"]
    dist = api.get(f"/pools/{pid}/distributions/{d.json_body['id']}").json_body
    assert {a["investor_id"]: a["amount"] for a in dist["allocations"]} == shares
    history = api.get(f"/pools/{pid}/nav-history").json_body["items"]
    assert [h["nav"] for h in history] == ["1000.00", "999.50", "1999.00", "1899.00", "1599.00"]


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"amount": "10.00"}, 400, "investor_id", "missing_field"),
        ({"investor_id": "X", "amount": "10.00"}, 404, "investor_id", "investor_not_found"),
        ({"investor_id": "@", "amount": "-5"}, 400, "amount", "invalid_amount"),
        ({"investor_id": "@", "amount": "0"}, 400, "amount", "invalid_amount"),
        ({"investor_id": "@", "amount": "10.001"}, 400, "amount", "invalid_amount"),
        ({"investor_id": "@", "amount": "NaN"}, 400, "amount", "invalid_amount"),
        ({"investor_id": "@", "amount": "1e30"}, 400, "amount", "invalid_amount"),
        ({"investor_id": "@", "amount": 10}, 400, "amount", "invalid_type"),
        ({"investor_id": "@", "amount": 10.5}, 400, "amount", "invalid_type"),
    ],
)
def test_contribution_bad_input_changes_nothing(api: Api, body: dict[str, Any], status: int, field: str, code: str) -> None:
    pid = make_pool(api)["id"]
    inv = add_investor(api, pid, "Alice")
    if body.get("investor_id") == "@":
        body = {**body, "investor_id": inv["id"]}
    before = api.get(f"/pools/{pid}").json_body
    resp = api.post(f"/pools/{pid}/contributions", body)
    assert resp.status_code == status, resp.body
    assert (error(resp)["field"], error(resp)["code"]) == (field, code)
    assert api.get(f"/pools/{pid}").json_body == before


def test_withdrawal_rules_are_reported_clearly(api: Api) -> None:
    pid = make_pool(api)["id"]
    inv = add_investor(api, pid, "Alice")
    contribute(api, pid, inv["id"], "100.00")
    too_much = api.post(f"/pools/{pid}/withdrawals", {"investor_id": inv["id"], "amount": "150.00"})
    assert too_much.status_code == 422 and error(too_much)["code"] == "insufficient_units"
    both = api.post(f"/pools/{pid}/withdrawals", {"investor_id": inv["id"], "amount": "1.00", "units": "1"})
    assert both.status_code == 400 and error(both)["code"] == "amount_or_units"
    api.post(f"/pools/{pid}/trades", {"symbol": "X", "side": "buy", "quantity": "9", "price": "10"})
    no_cash = api.post(f"/pools/{pid}/withdrawals", {"investor_id": inv["id"], "units": "50"})
    assert no_cash.status_code == 422 and error(no_cash)["code"] == "insufficient_cash"
    assert "sell positions" in error(no_cash)["message"]
    by_units = api.post(f"/pools/{pid}/withdrawals", {"investor_id": inv["id"], "units": "5"})
    assert by_units.status_code == 201 and by_units.json_body["amount"] == "5.00"


def test_remove_investor_only_without_units_and_history_is_kept(api: Api) -> None:
    pid = make_pool(api)["id"]
    inv = add_investor(api, pid, "Alice")
    contribute(api, pid, inv["id"], "100.00")
    held = api.delete(f"/pools/{pid}/investors/{inv['id']}")
    assert held.status_code == 409 and error(held)["code"] == "investor_holds_units"
    api.post(f"/pools/{pid}/withdrawals", {"investor_id": inv["id"], "units": "100"})
    gone = api.delete(f"/pools/{pid}/investors/{inv['id']}")
    assert gone.status_code == 200 and gone.json_body["status"] == "removed"
    assert gone.json_body["contributed"] == "100.00"
    assert api.get(f"/pools/{pid}").json_body["investor_count"] == 0
    again = api.delete(f"/pools/{pid}/investors/{inv['id']}")
    assert again.status_code == 409 and error(again)["code"] == "investor_removed"
    refused = contribute(api, pid, inv["id"], "1.00")
    assert refused.status_code == 409


def test_investors_paginate(api: Api) -> None:
    pid = make_pool(api)["id"]
    made = [add_investor(api, pid, f"Investor{i}")["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        q = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        page = api.get(f"/pools/{pid}/investors{q}").json_body
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made)


def test_a_cursor_from_another_pool_is_refused(api: Api) -> None:
    a = make_pool(api)["id"]
    b = make_pool(api)["id"]
    for i in range(3):
        add_investor(api, a, f"A{i}")
    cursor = api.get(f"/pools/{a}/investors?limit=1").json_body["next_cursor"]
    resp = api.get(f"/pools/{b}/investors?cursor={cursor}")
    assert resp.status_code == 400 and error(resp)["code"] == "invalid_cursor"


def test_trade_bad_input(api: Api) -> None:
    pid = make_pool(api)["id"]
    resp = api.post(f"/pools/{pid}/trades", {"symbol": "X", "side": "hold", "quantity": "1", "price": "1"})
    assert resp.status_code == 400 and error(resp)["field"] == "side"
    resp = api.post(f"/pools/{pid}/trades", {"symbol": "X", "side": "sell", "quantity": "1", "price": "1"})
    assert resp.status_code == 422 and error(resp)["code"] == "insufficient_position"
    resp = api.post(f"/pools/{pid}/trades", {"symbol": "bad symbol!", "side": "buy", "quantity": "1", "price": "1"})
    assert resp.status_code == 400 and error(resp)["code"] == "invalid_symbol"


def test_distribution_with_no_unit_holders_is_refused(api: Api) -> None:
    pid = make_pool(api)["id"]
    resp = api.post(f"/pools/{pid}/distributions", {"amount": "1.00"})
    assert resp.status_code == 422
    assert error(resp)["code"] in ("insufficient_cash", "no_unit_holders")


def test_unknown_pool_is_404(api: Api) -> None:
    resp = api.get("/pools/pl_doesnotexist")
    assert resp.status_code == 404 and error(resp)["code"] == "pool_not_found"


def test_a_trade_keeps_the_day_it_traded_apart_from_when_cash_moved(api: Api) -> None:
    from datetime import UTC, datetime, timedelta

    pid = make_pool(api)["id"]
    contribute(api, pid, add_investor(api, pid, "Alice")["id"], "1000.00")
    booked_late = {"symbol": "ACME", "side": "buy", "quantity": "2", "price": "50.00", "trade_date": "2026-11-27"}
    resp = api.post(f"/pools/{pid}/trades", booked_late)
    assert resp.status_code == 201, resp.body
    assert resp.json_body["trade_date"] == "2026-11-27"
    assert resp.json_body["created_at"][:10] == datetime.now(UTC).date().isoformat()
    today = api.post(f"/pools/{pid}/trades", {**booked_late, "trade_date": None}).json_body
    assert today["trade_date"] == today["created_at"][:10]
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    for bad in (tomorrow, "27/11/2026", "2026-02-30"):
        refused = api.post(f"/pools/{pid}/trades", {**booked_late, "trade_date": bad})
        assert (refused.status_code, error(refused)["field"]) == (400, "trade_date"), bad
    assert [e["trade_date"] for e in api.get(f"/pools/{pid}/activity?type=trade").json_body["items"]] == [
        today["trade_date"],
        "2026-11-27",
    ]
