"""Corrections through the API: a wrong entry is undone by a reversal entry (the
ledger is never edited), linked both ways, refused when it cannot be undone; and
an investor's name or email is edited, with the change in the activity."""

from __future__ import annotations

from typing import Any

from chalicelib import wiring
from chalicelib.services.ports import Principal
from tests.support.api import MANAGER, Api, add_investor, contribute, error, make_pool


def reverse(api: Api, pid: str, entry_id: str, reason: str = "keyed in twice", **kw: Any) -> Any:
    return api.post(f"/pools/{pid}/entries/{entry_id}/reverse", {"reason": reason}, **kw)


def pool_figures(api: Api, pid: str) -> tuple[str, str, str]:
    p = api.get(f"/pools/{pid}").json_body
    return p["cash"], p["units"], p["nav"]


def clean(pid: str) -> bool:
    """The nightly reconciliation finds the stored balances equal to the ledger's fold."""
    return wiring.reconciliation().pool(pid).reconciled


def test_a_contribution_keyed_twice_is_reversed_and_both_entries_say_so(api: Api) -> None:
    pid = make_pool(api)["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    contribute(api, pid, alice, "1000.00")
    twice = contribute(api, pid, alice, "1000.00").json_body
    assert pool_figures(api, pid)[:2] == ("2000.00", "2000.000000")

    undo = reverse(api, pid, twice["id"], headers={"Idempotency-Key": "undo-1"})
    assert undo.status_code == 201, undo.body
    r = undo.json_body
    assert (r["type"], r["reverses"], r["amount"], r["units"], r["cash_delta"], r["memo"]) == (
        "reversal",
        twice["id"],
        "1000.00",
        "1000.000000",
        "-1000.00",
        "keyed in twice",
    )
    assert r["actor_name"] == f"{MANAGER.name} <{MANAGER.email}>"
    # The same key answers the same reversal; nothing moves twice.
    again = reverse(api, pid, twice["id"], headers={"Idempotency-Key": "undo-1"})
    assert (again.status_code, again.json_body["id"]) == (200, r["id"])
    assert pool_figures(api, pid)[:2] == ("1000.00", "1000.000000")
    investor = api.get(f"/pools/{pid}/investors/{alice}").json_body
    assert (investor["units"], investor["contributed"]) == ("1000.000000", "1000.00")
    original = next(e for e in api.get(f"/pools/{pid}/activity").json_body["items"] if e["id"] == twice["id"])
    assert original["reversed_by"] == r["id"] and original["amount"] == "1000.00"  # linked, not edited
    statement = api.get(f"/pools/{pid}/investors/{alice}/statement").json_body["lines"]
    assert [(line["type"], line["amount"], line["units"]) for line in statement] == [
        ("contribution", "1000.00", "1000.000000"),
        ("contribution", "1000.00", "1000.000000"),
        ("reversal", "1000.00", "-1000.000000"),
    ]

    for entry_id, code in ((twice["id"], "already_reversed"), (r["id"], "not_reversible")):
        refused = reverse(api, pid, entry_id)
        assert (refused.status_code, error(refused)["code"]) == (409, code)
    opened = api.get(f"/pools/{pid}/activity?type=pool.opened").json_body["items"][0]
    assert error(reverse(api, pid, opened["id"]))["code"] == "not_reversible"
    missing = reverse(api, pid, "e_nothing")
    assert (missing.status_code, error(missing)["code"]) == (404, "entry_not_found")
    no_reason = api.post(f"/pools/{pid}/entries/{twice['id']}/reverse", {"reason": ""})
    assert (no_reason.status_code, error(no_reason)["field"]) == (400, "reason")
    by_finance = reverse(api, pid, twice["id"], as_user="finance")
    assert by_finance.status_code == 403
    assert clean(pid)


def test_a_reversal_that_would_leave_a_balance_negative_is_refused_and_changes_nothing(api: Api) -> None:
    pid = make_pool(api)["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    paid_in = contribute(api, pid, alice, "1000.00").json_body
    api.post(f"/pools/{pid}/withdrawals", {"investor_id": alice, "units": "600"})
    refused = reverse(api, pid, paid_in["id"])
    assert (refused.status_code, error(refused)["code"]) == (422, "insufficient_units")
    assert "holds 400.000000 units" in error(refused)["message"]
    bought = api.post(f"/pools/{pid}/trades", {"symbol": "ACME", "side": "buy", "quantity": "4", "price": "50.00"}).json_body
    api.post(f"/pools/{pid}/trades", {"symbol": "ACME", "side": "sell", "quantity": "3", "price": "50.00"})
    before = pool_figures(api, pid)
    sold_since = reverse(api, pid, bought["id"])
    assert (sold_since.status_code, error(sold_since)["code"]) == (422, "insufficient_position")
    assert pool_figures(api, pid) == before
    assert api.get(f"/pools/{pid}/activity?type=reversal").json_body["items"] == []


def test_trades_dividends_fees_and_distributions_reverse_in_full(api: Api) -> None:
    pid = make_pool(api)["id"]
    a, b = (add_investor(api, pid, n)["id"] for n in ("Alice", "Bob"))
    contribute(api, pid, a, "3000.00")
    contribute(api, pid, b, "1000.00")
    buy = api.post(f"/pools/{pid}/trades", {"symbol": "ACME", "side": "buy", "quantity": "10", "price": "50.00", "fees": "1.00"})
    start = pool_figures(api, pid)
    paid = api.post(f"/pools/{pid}/distributions", {"amount": "100.00"}).json_body
    # A broker's dividend and fee, as its webhook events record them.
    broker = Principal.system("broker:demo")
    dividend = wiring.pool_service().receive_dividend(broker, pid, symbol="ACME", amount="12.34").entry
    fee = wiring.pool_service().charge_fee(broker, pid, amount="5.00", description="audit").entry
    for entry_id in (paid["id"], dividend.id, fee.id):
        assert reverse(api, pid, entry_id).status_code == 201
    assert pool_figures(api, pid) == start
    people = {i["name"]: i["paid_out"] for i in api.get(f"/pools/{pid}/investors").json_body["items"]}
    assert people == {"Alice": "0.00", "Bob": "0.00"}  # each share taken back
    assert reverse(api, pid, buy.json_body["id"]).status_code == 201
    pool = api.get(f"/pools/{pid}").json_body
    assert (pool["cash"], pool["positions"]) == ("4000.00", [])
    assert clean(pid)


def test_a_forward_pools_entries_settled_on_by_a_locked_valuation_are_corrected_with_new_entries(api: Api) -> None:
    pid = make_pool(api)["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    before = contribute(api, pid, alice, "1000.00").json_body
    assert api.request("PUT", f"/pools/{pid}/dealing", {"mode": "forward"}).status_code == 200
    api.post(f"/pools/{pid}/orders", {"investor_id": alice, "type": "subscription", "amount": "500.00"})
    v = api.post(f"/pools/{pid}/valuations", {}).json_body
    assert api.post(f"/pools/{pid}/valuations/{v['id']}/approve", as_user="finance").status_code == 200
    settled = api.get(f"/pools/{pid}/activity?type=contribution").json_body["items"][0]
    assert settled["valuation_id"] == v["id"]
    for entry_id in (settled["id"], before["id"]):
        refused = reverse(api, pid, entry_id)
        assert (refused.status_code, error(refused)["code"]) == (409, "locked_by_valuation")


def test_an_investors_name_and_email_are_edited_and_the_change_is_in_the_activity(api: Api) -> None:
    pid = make_pool(api)["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    resp = api.patch(f"/pools/{pid}/investors/{alice}", {"name": "Alice Smith", "email": "alice.smith@example.com"})
    assert resp.status_code == 200, resp.body
    assert (resp.json_body["name"], resp.json_body["email"]) == ("Alice Smith", "alice.smith@example.com")
    (edited,) = api.get(f"/pools/{pid}/activity?type=investor.edited").json_body["items"]
    assert edited["memo"] == "name Alice -> Alice Smith; email alice@example.com -> alice.smith@example.com"
    assert edited["investor_name"] == "Alice Smith"
    for body, status, field in (
        ({}, 400, "name"),
        ({"email": "not an address"}, 400, "email"),
        ({"name": "Alice Smith"}, 409, "name"),
        ({"nickname": "Al"}, 400, "nickname"),
    ):
        refused = api.patch(f"/pools/{pid}/investors/{alice}", body)
        assert (refused.status_code, error(refused)["field"]) == (status, field), body
    assert api.patch(f"/pools/{pid}/investors/{alice}", {"name": "Eve"}, as_user="finance").status_code == 403
    assert api.patch(f"/pools/{pid}/investors/inv_nobody", {"name": "Eve"}).status_code == 404
    assert api.get(f"/pools/{pid}/investors/{alice}").json_body["name"] == "Alice Smith"
