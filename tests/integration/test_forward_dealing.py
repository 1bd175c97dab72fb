"""A forward dealing day through the HTTP API, to the cent: the worked example in
docs/accounting.md ("A forward dealing day"). Orders wait; the manager proposes a
NAV struck from the day's prices; finance approves it; only then do units move.
The calendar is set at the composition root (wiring.now), as a test may."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.api import Api, add_investor, contribute, error, make_pool
from tests.support.calendar import set_calendar, tick

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
    return set_calendar(monkeypatch, datetime(2026, 10, 2, 9, tzinfo=UTC))


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
    assert (s[o_carol["id"]]["units"], s[o_dan["id"]]["units"], s[o_dan["id"]]["fee"]) == ("1935.483870", "483.870967", "0.00")
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
    official = api.get(f"/pools/{pid}/valuations?status=locked").json_body["items"]
    assert [(x["dealing_date"], x["nav_per_unit"]) for x in official] == [("2026-12-02", "1.033984"), ("2026-12-01", "1.033333")]
    assert api.get(f"/pools/{pid}/valuations?status=official").status_code == 400
    kinds = [e["type"] for e in api.get(f"/pools/{pid}/activity?type=valuation.proposed,valuation.approved").json_body["items"]]
    assert kinds == ["valuation.approved", "valuation.proposed"] * 2


def forward_pool(api: Api, set_clock: Callable[[str], None]) -> tuple[str, str, str]:
    """A forward pool on Monday 30 November with Alice holding 1,000 units; Bob holds none."""
    set_clock("2026-11-30T09:00:00")
    pid = make_pool(api, name="Checked Fund")["id"]
    alice, bob = (add_investor(api, pid, n)["id"] for n in ("Alice", "Bob"))
    assert contribute(api, pid, alice, "1000.00").status_code == 201
    assert api.request("PUT", f"/pools/{pid}/dealing", POLICY).status_code == 200
    return pid, alice, bob


def test_finance_is_emailed_to_check_a_valuation_and_the_manager_hears_it_was_rejected(
    api: Api, set_clock: Callable[[str], None]
) -> None:
    from app import send_alerts
    from tests.support.events import TableStream, sent_emails

    pid, _, bob = forward_pool(api, set_clock)
    stream = TableStream("test-pooldesk-pools")
    stream.batch()
    placed = order(api, pid, bob, "subscription", amount="250.00")
    set_clock("2026-11-30T16:05:00")
    v = api.post(f"/pools/{pid}/valuations", {}).json_body
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    (ask,) = sent_emails()
    assert ask.destinations["ToAddresses"] == ["finance@example.com"]
    assert ask.subject == "Checked Fund: a valuation awaits your approval"
    assert f"https://pooldesk.example/#/pools/{pid}/valuations/{v['id']}" in ask.body

    # Finance rejects, saying why: the order waits again, and may now be cancelled.
    no_reason = api.post(f"/pools/{pid}/valuations/{v['id']}/reject", {"reason": "  "}, as_user="finance")
    assert (no_reason.status_code, error(no_reason)["field"]) == (400, "reason")
    rejected = api.post(f"/pools/{pid}/valuations/{v['id']}/reject", {"reason": "ACME looks stale"}, as_user="finance")
    assert rejected.status_code == 200, rejected.body
    assert (rejected.json_body["status"], rejected.json_body["reason"]) == ("rejected", "ACME looks stale")
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    told = sent_emails()[-1]
    assert told.destinations["ToAddresses"] == ["manager@example.com"]
    assert told.subject == "Checked Fund: valuation rejected"
    again = api.post(f"/pools/{pid}/valuations/{v['id']}/approve", as_user="finance")
    assert (again.status_code, error(again)["code"]) == (409, "valuation_rejected")
    assert api.get(f"/pools/{pid}/orders/{placed['id']}").json_body["status"] == "pending"
    cancelled = api.delete(f"/pools/{pid}/orders/{placed['id']}")
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"
    twice = api.delete(f"/pools/{pid}/orders/{placed['id']}")
    assert (twice.status_code, error(twice)["code"]) == (409, "order_not_open")
    assert [o["id"] for o in api.get(f"/pools/{pid}/orders?status=cancelled").json_body["items"]] == [placed["id"]]
    assert api.get(f"/pools/{pid}/orders?status=pending").json_body["items"] == []
    steps = [e["type"] for e in api.get(f"/pools/{pid}/activity?limit=4").json_body["items"]]
    assert steps == ["order.cancelled", "valuation.rejected", "valuation.proposed", "order.placed"]
    assert api.get(f"/pools/{pid}").json_body["units"] == "1000.000000"


def test_orders_are_refused_clearly_and_change_nothing(api: Api, set_clock: Callable[[str], None]) -> None:
    pid, alice, bob = forward_pool(api, set_clock)
    cases: list[tuple[dict[str, Any], str, int, str, str | None]] = [
        ({"investor_id": alice, "type": "swap", "amount": "1.00"}, "manager", 400, "invalid_field", "type"),
        ({"investor_id": alice, "type": "subscription", "units": "1"}, "manager", 400, "amount_or_units", "units"),
        ({"investor_id": alice, "type": "redemption", "amount": "1", "units": "1"}, "manager", 400, "amount_or_units", "amount"),
        ({"investor_id": alice, "type": "subscription", "amount": 10.5}, "manager", 400, "invalid_type", "amount"),
        ({"investor_id": bob, "type": "redemption", "units": "1"}, "manager", 422, "insufficient_units", "units"),
        ({"investor_id": alice, "type": "redemption", "amount": "1500.00"}, "manager", 422, "insufficient_units", "amount"),
        ({"investor_id": "inv_0", "type": "subscription", "amount": "1"}, "manager", 404, "investor_not_found", "investor_id"),
        ({"investor_id": alice, "type": "subscription", "amount": "1.00"}, "finance", 403, "forbidden", None),
    ]
    for body, who, status, code, field in cases:
        resp = api.post(f"/pools/{pid}/orders", body, as_user=who)
        assert (resp.status_code, error(resp)["code"], error(resp).get("field")) == (status, code, field), body
    bad_status = api.get(f"/pools/{pid}/orders?status=open")
    assert (bad_status.status_code, error(bad_status)["field"]) == (400, "status")
    bad_day = api.post(f"/pools/{pid}/valuations", {"dealing_date": "2026-12-05"})  # a Saturday
    assert (bad_day.status_code, error(bad_day)["code"]) == (400, "not_a_dealing_day")
    assert api.get(f"/pools/{pid}/orders").json_body["items"] == []

    # An instant pool takes no orders; a closed one takes none either.
    instant = make_pool(api, name="Club")["id"]
    member = add_investor(api, instant, "Carol")["id"]
    refused = api.post(f"/pools/{instant}/orders", {"investor_id": member, "type": "subscription", "amount": "5.00"})
    assert (refused.status_code, error(refused)["code"]) == (409, "instant_dealing")
    assert api.patch(f"/pools/{pid}", {"status": "closed"}).status_code == 200
    closed = api.post(f"/pools/{pid}/orders", {"investor_id": alice, "type": "subscription", "amount": "5.00"})
    assert (closed.status_code, error(closed)["code"]) == (409, "pool_closed")


def test_an_order_retried_with_its_key_is_placed_once(api: Api, set_clock: Callable[[str], None]) -> None:
    pid, alice, _ = forward_pool(api, set_clock)
    body = {"investor_id": alice, "type": "redemption", "units": "600"}
    first = api.post(f"/pools/{pid}/orders", body, headers={"Idempotency-Key": "redeem-1"})
    again = api.post(f"/pools/{pid}/orders", body, headers={"Idempotency-Key": "redeem-1"})
    assert (first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")) == (201, 200, "true")
    assert again.json_body["id"] == first.json_body["id"]
    assert len(api.get(f"/pools/{pid}/orders").json_body["items"]) == 1
    # A second redemption for more than is left net of the first is refused.
    more = api.post(f"/pools/{pid}/orders", {**body, "units": "400.000001"})
    assert (more.status_code, error(more)["code"]) == (422, "insufficient_units")
    # One valuation in hand at a time; the pool's dealing cannot change meanwhile.
    set_clock("2026-11-30T16:05:00")
    v = api.post(f"/pools/{pid}/valuations", {}).json_body
    second = api.post(f"/pools/{pid}/valuations", {})
    assert (second.status_code, error(second)["code"]) == (409, "valuation_in_hand")
    change = api.request("PUT", f"/pools/{pid}/dealing", {"mode": "instant"})
    assert (change.status_code, error(change)["code"]) == (409, "valuation_in_hand")
    # Approving twice with the same key settles once.
    for _ in range(2):
        ok = api.post(f"/pools/{pid}/valuations/{v['id']}/approve", as_user="finance", headers={"Idempotency-Key": "ok-1"})
        assert ok.status_code == 200, ok.body
    # 600 units (60% of NAV) against a 10% gate: 1/6 of them (0.166666) settle once; the rest is carried.
    placed = api.get(f"/pools/{pid}/orders/{first.json_body['id']}").json_body
    assert (placed["status"], placed["settled_units"], placed["units"]) == ("carried", "99.999600", "500.000400")
    assert api.get(f"/pools/{pid}").json_body["units"] == "900.000400"
    assert len(api.get(f"/pools/{pid}/activity?type=withdrawal").json_body["items"]) == 1


def test_a_redemption_waits_out_its_notice_and_a_day_inside_it_is_refused(api: Api, set_clock: Callable[[str], None]) -> None:
    pid, alice, _ = forward_pool(api, set_clock)
    assert api.request("PUT", f"/pools/{pid}/dealing", {**POLICY, "redemption_notice_days": 5}).status_code == 200
    # Monday 30 November: 5 days' notice runs to Saturday 5 December, so the first dealing day is Monday the 7th.
    first = order(api, pid, alice, "redemption", units="10")
    assert first["dealing_date"] == "2026-12-07"
    for day, status, code in (
        ("2026-12-02", 422, "inside_notice_period"),
        ("2026-12-05", 400, "not_a_dealing_day"),
        ("2026-12-7", 400, "invalid_field"),
    ):
        refused = api.post(
            f"/pools/{pid}/orders", {"investor_id": alice, "type": "redemption", "units": "1", "dealing_date": day}
        )
        assert (refused.status_code, error(refused)["code"], error(refused)["field"]) == (status, code, "dealing_date"), day
    later = order(api, pid, alice, "redemption", units="10", dealing_date="2026-12-08")
    assert later["dealing_date"] == "2026-12-08"
    past = api.post(
        f"/pools/{pid}/orders", {"investor_id": alice, "type": "subscription", "amount": "5", "dealing_date": "2026-11-27"}
    )
    assert (past.status_code, error(past)["code"]) == (409, "cutoff_passed")
    # A valuation for the 7th settles the first redemption, not the one asked for the 8th.
    set_clock("2026-12-07T16:30:00")
    v = api.post(f"/pools/{pid}/valuations", {}).json_body
    assert [o["id"] for o in v["orders"]] == [first["id"]]
