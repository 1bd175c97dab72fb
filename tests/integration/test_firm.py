"""The firm at a glance through the API: assets under management by currency (never
summed across currencies), net flows this month and year, returns, and what waits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.api import Api, add_investor, contribute, error, make_pool
from tests.support.calendar import set_calendar


@pytest.fixture
def set_clock(api: Api, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    return set_calendar(monkeypatch, datetime(2026, 11, 20, 9, tzinfo=UTC))


def ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.body
    return resp.json_body


def test_the_firm_at_a_glance(api: Api, set_clock: Callable[[str], None]) -> None:
    # November: a dollar pool takes 10,000.00 and pays 1,000.00 back; a euro pool takes 5,000.00.
    usd = make_pool(api, name="Dollar Fund")["id"]
    eur = make_pool(api, name="Euro Fund", currency="EUR")["id"]
    other = make_pool(api, name="Someone Else's", as_user="manager2")["id"]
    a, b = add_investor(api, usd, "Alice")["id"], add_investor(api, eur, "Bea")["id"]
    assert contribute(api, usd, a, "10000.00").status_code == 201
    assert api.post(f"/pools/{usd}/withdrawals", {"investor_id": a, "amount": "1000.00"}).status_code == 201
    assert contribute(api, eur, b, "5000.00").status_code == 201
    c = add_investor(api, other, "Cy", as_user="manager2")["id"]
    assert contribute(api, other, c, "700.00", as_user="manager2").status_code == 201
    # December: the dollar pool deals forward; an order waits; a large withdrawal in the euro pool waits for finance.
    set_clock("2026-12-02T10:00:00")
    ok(api.request("PUT", f"/pools/{usd}/dealing", {"mode": "forward", "frequency": "daily"}))
    ok(api.post(f"/pools/{usd}/orders", {"investor_id": a, "type": "subscription", "amount": "500.00"}), 201)
    ok(api.request("PUT", f"/pools/{eur}/approvals", {"withdrawal_over": "0.10"}))
    ok(api.post(f"/pools/{eur}/withdrawals", {"investor_id": b, "amount": "2000.00"}), 202)
    assert contribute(api, eur, b, "250.00").status_code == 201
    ok(api.post(f"/pools/{eur}/distributions", {"amount": "525.00"}), 201)

    mine = ok(api.get("/firm"))
    assert [(t["currency"], t["aum"], t["pools"], t["net_flows_month"], t["net_flows_year"]) for t in mine["totals"]] == [
        ("EUR", "4725.00", 1, "250.00", "5250.00"),
        ("USD", "9000.00", 1, "0.00", "9000.00"),
    ]
    by_name = {p["name"]: p for p in mine["pools"]}
    assert set(by_name) == {"Dollar Fund", "Euro Fund"}  # never another manager's
    dollar, euro = by_name["Dollar Fund"], by_name["Euro Fund"]
    assert (dollar["open_orders"], dollar["dealing_mode"], dollar["net_flows_month"]) == (1, "forward", "0.00")
    assert (euro["awaiting_approval"], euro["net_flows_year"]) == (1, "5250.00")
    # The distribution is not a loss since launch: (0.9 + 0.1) / 1.00 - 1.
    assert (euro["nav_per_unit"], euro["return_since_launch"]) == ("0.900000", "0.00000000")
    assert (mine["open_orders"], mine["awaiting_approval"], mine["valuations_in_hand"], mine["parked_events"]) == (1, 1, 0, None)

    # Finance sees every pool, by currency, and the parked webhook events to follow up.
    everyone = ok(api.get("/firm", as_user="finance"))
    assert [(t["currency"], t["aum"], t["pools"]) for t in everyone["totals"]] == [("EUR", "4725.00", 1), ("USD", "9700.00", 2)]
    assert everyone["parked_events"] == 0
    # The approval and the order, once dealt with, no longer wait.
    approval = ok(api.get("/approvals?status=awaiting_approval", as_user="finance"))["items"][0]
    ok(api.post(f"/approvals/{approval['approval_id']}/reject", {"reason": "too large"}, as_user="finance"))
    set_clock("2026-12-02T17:00:00")
    valuation = ok(api.post(f"/pools/{usd}/valuations", {}), 201)
    assert ok(api.get("/firm"))["valuations_in_hand"] == 1
    ok(api.post(f"/pools/{usd}/valuations/{valuation['id']}/approve", as_user="finance"))
    after = ok(api.get("/firm"))
    assert (after["open_orders"], after["awaiting_approval"], after["valuations_in_hand"]) == (0, 0, 0)
    assert next(t for t in after["totals"] if t["currency"] == "USD")["net_flows_month"] == "500.00"
    # January: this month's flows start again from nothing; the year's too.
    set_clock("2027-01-04T09:00:00")
    january = ok(api.get("/firm"))
    assert [(t["net_flows_month"], t["net_flows_year"]) for t in january["totals"]] == [("0.00", "0.00"), ("0.00", "0.00")]
    assert error(api.get("/firm", as_user=None))["code"] in {"unauthorized", "not_signed_in", "missing_token"}
