"""A forward dealing day through the HTTP API, to the cent: the worked example in
docs/accounting.md ("A forward dealing day"). Orders wait; the manager proposes a
NAV struck from the day's prices; finance approves it; only then do units move.
The calendar is set at the composition root (wiring.now), as a test may."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest

from chalicelib import wiring
from chalicelib.services.ports import PricePoint
from tests.support.api import Api, add_investor, contribute, error, make_pool

POLICY = {
    "mode": "forward",
    "frequency": "daily",
    "cutoff": {"time": "16:00", "timezone": "Europe/London"},
    "gate": "0.10",
    "lockup_days": 30,
    "early_redemption_fee": "0.02",
}


@pytest.fixture
def set_clock(api: Api, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    now = {"at": datetime(2026, 10, 2, 9, tzinfo=UTC)}
    monkeypatch.setattr(wiring, "now", lambda: now["at"])

    def to(when: str) -> None:
        now["at"] = datetime.fromisoformat(when).replace(tzinfo=UTC)

    return to


def tick(symbol: str, price: str, when: str) -> None:
    """The market feed prints a price (as the Kinesis consumer applies it)."""
    at = datetime.fromisoformat(when).replace(tzinfo=UTC)
    wiring.market_data().apply([PricePoint(symbol, D(price), D(int(at.timestamp())))])


def order(api: Api, pid: str, investor_id: str, type_: str, **amount: str) -> dict[str, Any]:
    resp = api.post(f"/pools/{pid}/orders", {"investor_id": investor_id, "type": type_, **amount})
    assert resp.status_code == 201, resp.body
    return resp.json_body


def by_name(api: Api, pid: str) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in api.get(f"/pools/{pid}/investors?limit=50").json_body["items"]}


def test_a_forward_dealing_day_settles_to_the_cent(api: Api, set_clock: Callable[[str], None]) -> None:
    # 2 October: the pool opens; Alice puts in 10,000.00 and the manager buys 100 ACME at 50.00.
    pid = make_pool(api, name="Forward Fund")["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    assert contribute(api, pid, alice, "10000.00").status_code == 201
    trade = {"symbol": "ACME", "side": "buy", "quantity": "100", "price": "50.00"}
    assert api.post(f"/pools/{pid}/trades", trade).status_code == 201
    # 21 November: Bob puts in 5,000.00 (15,000 units in all, at 1.00).
    set_clock("2026-11-21T09:00:00")
    bob = add_investor(api, pid, "Bob")["id"]
    assert contribute(api, pid, bob, "5000.00").status_code == 201
    # 30 November: the pool deals forward from now on; Carol and Dan join.
    set_clock("2026-11-30T09:00:00")
    assert api.request("PUT", f"/pools/{pid}/dealing", POLICY).status_code == 200
    carol, dan = (add_investor(api, pid, n)["id"] for n in ("Carol", "Dan"))

    # Tuesday 1 December, before the 16:00 cut-off: four orders.
    set_clock("2026-12-01T10:00:00")
    o_carol = order(api, pid, carol, "subscription", amount="2000.00")
    o_dan = order(api, pid, dan, "subscription", amount="500.00")
    o_bob = order(api, pid, bob, "redemption", units="1000")
    o_alice = order(api, pid, alice, "redemption", units="2000")
    assert {o["dealing_date"] for o in (o_carol, o_dan, o_bob, o_alice)} == {"2026-12-01"}
    assert o_bob["status"] == "pending" and o_bob["units"] == "1000.000000"
    # Nothing has moved: units are still 15,000.
    assert api.get(f"/pools/{pid}").json_body["units"] == "15000.000000"
    # Bob may not redeem more than he holds net of his pending redemption.
    over = api.post(f"/pools/{pid}/orders", {"investor_id": bob, "type": "redemption", "units": "4000.000001"})
    assert (over.status_code, error(over)["code"], error(over)["field"]) == (422, "insufficient_units", "units")

    # A valuation for the 1st cannot be proposed before its cut-off.
    early = api.post(f"/pools/{pid}/valuations", {"dealing_date": "2026-12-01"})
    assert (early.status_code, error(early)["code"]) == (409, "cutoff_not_passed")

    # ACME prints 55.00 at 15:30; the manager proposes at 16:30.
    tick("ACME", "55.00", "2026-12-01T15:30:00")
    set_clock("2026-12-01T16:30:00")
    proposed = api.post(f"/pools/{pid}/valuations", {})
    assert proposed.status_code == 201, proposed.body
    v = proposed.json_body
    assert (v["status"], v["dealing_date"], v["cash"], v["nav"], v["units"], v["nav_per_unit"]) == (
        "proposed",
        "2026-12-01",
        "10000.00",
        "15500.00",
        "15000.000000",
        "1.033333",
    )
    assert [(p["symbol"], p["price"], p["market_value"]) for p in v["positions"]] == [("ACME", "55.00", "5500.00")]
    assert v["warnings"] == []
    s = {o["id"]: o for o in v["orders"]}
    assert (s[o_carol["id"]]["units"], s[o_dan["id"]]["units"]) == ("1935.483870", "483.870967")
    assert (s[o_bob["id"]]["units"], s[o_bob["id"]]["fee"], s[o_bob["id"]]["amount"]) == ("500.001000", "10.34", "506.32")
    assert (s[o_alice["id"]]["units"], s[o_alice["id"]]["fee"], s[o_alice["id"]]["amount"]) == ("1000.002000", "0.00", "1033.33")
    assert s[o_bob["id"]]["gated"] and s[o_alice["id"]]["gated"] and not s[o_carol["id"]]["gated"]
    # Still nothing has moved, and an order in the proposal cannot be cancelled.
    assert api.get(f"/pools/{pid}").json_body["units"] == "15000.000000"
    held = api.delete(f"/pools/{pid}/orders/{o_dan['id']}")
    assert (held.status_code, error(held)["code"]) == (409, "order_in_valuation")
    # The manager cannot approve; finance can.
    mine = api.post(f"/pools/{pid}/valuations/{v['id']}/approve")
    assert (mine.status_code, error(mine)["code"]) == (403, "forbidden")
    set_clock("2026-12-01T17:00:00")
    approved = api.post(f"/pools/{pid}/valuations/{v['id']}/approve", as_user="finance")
    assert approved.status_code == 200, approved.body
    assert (approved.json_body["status"], approved.json_body["settled"]) == ("locked", True)

    pool = api.get(f"/pools/{pid}").json_body
    assert (pool["cash"], pool["units"], pool["nav"], pool["valuation_id"]) == ("10960.35", "15919.351837", "16460.35", None)
    people = by_name(api, pid)
    assert {n: people[n]["units"] for n in people} == {
        "Alice": "8999.998000",
        "Bob": "4499.999000",
        "Carol": "1935.483870",
        "Dan": "483.870967",
    }
    orders = {o["id"]: o for o in api.get(f"/pools/{pid}/orders").json_body["items"]}
    assert orders[o_carol["id"]]["status"] == "settled"
    carried = orders[o_bob["id"]]
    assert (carried["status"], carried["units"], carried["dealing_date"], carried["fee"], carried["settled_amount"]) == (
        "carried",
        "499.999000",
        "2026-12-02",
        "10.34",
        "506.32",
    )
    withdrawals = api.get(f"/pools/{pid}/activity?type=withdrawal").json_body["items"]
    bob_paid = next(e for e in withdrawals if e["investor_id"] == bob)
    assert (bob_paid["amount"], bob_paid["units"], bob_paid["fees"], bob_paid["nav_per_unit"]) == (
        "506.32",
        "500.001000",
        "10.34",
        "1.033333",
    )
    assert bob_paid["order_id"] == o_bob["id"] and bob_paid["valuation_id"] == v["id"]
    official = [p for p in api.get(f"/pools/{pid}/nav-history").json_body["items"] if p["official"]]
    assert [(p["nav"], p["nav_per_unit"]) for p in official] == [("15500.00", "1.033333")]

    # Wednesday 2 December: the carried remainders deal in full (1,550.97 asked, the gate allows 1,646.03).
    tick("ACME", "55.00", "2026-12-02T15:30:00")
    set_clock("2026-12-02T16:30:00")
    day2 = api.post(f"/pools/{pid}/valuations", {}).json_body
    assert (day2["dealing_date"], day2["nav"], day2["nav_per_unit"]) == ("2026-12-02", "16460.35", "1.033984")
    s2 = {o["id"]: o for o in day2["orders"]}
    assert set(s2) == {o_bob["id"], o_alice["id"]}
    assert (s2[o_bob["id"]]["amount"], s2[o_bob["id"]]["fee"], s2[o_bob["id"]]["gated"]) == ("506.65", "10.34", False)
    assert (s2[o_alice["id"]]["amount"], s2[o_alice["id"]]["fee"]) == ("1033.98", "0.00")
    assert api.post(f"/pools/{pid}/valuations/{day2['id']}/approve", as_user="finance").status_code == 200
    pool = api.get(f"/pools/{pid}").json_body
    assert (pool["cash"], pool["units"], pool["nav"], pool["nav_per_unit"]) == (
        "9419.72",
        "14419.354837",
        "14919.72",
        "1.034701",
    )
    people = by_name(api, pid)
    assert (people["Alice"]["units"], people["Bob"]["units"]) == ("8000.000000", "4000.000000")
    assert {o["status"] for o in api.get(f"/pools/{pid}/orders").json_body["items"]} == {"settled"}
    kinds = [e["type"] for e in api.get(f"/pools/{pid}/activity?type=valuation.proposed,valuation.approved").json_body["items"]]
    assert kinds == ["valuation.approved", "valuation.proposed"] * 2
