"""Bugs found by trying Pooldesk as a fund manager, a finance officer and an attacker
would: each test here failed before its fix."""

from __future__ import annotations

import base64
import json
import socket
from decimal import Decimal as D
from typing import Any

import pytest

from app import apply_market_ticks, apply_webhook_events
from tests.support.api import Api, add_investor, contribute, error, make_pool
from tests.support.events import EVENTS, TableStream, kinesis_batch
from tests.support.webhooks import post_event, trade_event


def _state(api: Api, pool_id: str) -> tuple[Any, ...]:
    pool = api.get(f"/pools/{pool_id}").json_body
    return pool["cash"], pool["units"], pool["nav"], len(api.get(f"/pools/{pool_id}/activity?limit=200").json_body["items"])


# -- a closed pool moves no money -----------------------------------------------------


def test_a_closed_pool_refuses_every_money_movement_and_changes_nothing(api: Api) -> None:
    pid = make_pool(api)["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    assert contribute(api, pid, alice, "1000.00").status_code == 201
    assert (
        api.post(f"/pools/{pid}/trades", {"symbol": "ACME", "side": "buy", "quantity": "1", "price": "10.00"}).status_code == 201
    )
    assert api.patch(f"/pools/{pid}", {"status": "closed"}).status_code == 200
    before = _state(api, pid)
    asks = {
        "contributions": {"investor_id": alice, "amount": "1.00"},
        "withdrawals": {"investor_id": alice, "amount": "10.00"},
        "distributions": {"amount": "5.00"},
        "distributions/preview": {"amount": "5.00"},
        "trades": {"symbol": "ACME", "side": "sell", "quantity": "1", "price": "10.00"},
    }
    for path, body in asks.items():
        resp = api.post(f"/pools/{pid}/{path}", body, headers={"Idempotency-Key": f"closed-{path.replace('/', '-')}"})
        assert resp.status_code == 409, (path, resp.body)
        assert error(resp)["code"] == "pool_closed", path
        assert "closed" in error(resp)["message"]
    assert _state(api, pid) == before
    # Reopened, the same requests move money again.
    assert api.patch(f"/pools/{pid}", {"status": "open"}).status_code == 200
    assert api.post(f"/pools/{pid}/withdrawals", asks["withdrawals"]).status_code == 201


def test_a_brokerage_dividend_or_fee_for_a_closed_pool_is_parked_not_applied(api: Api, linked: dict[str, str]) -> None:
    pid = linked["pool_id"]
    stream = TableStream(EVENTS)
    stream.batch()  # what linking wrote
    assert api.patch(f"/pools/{pid}", {"status": "closed"}).status_code == 200
    before = _state(api, pid)
    dividend = {
        "id": "evt-closed-div",
        "type": "dividend.received",
        "created": 1,
        "data": {"account_id": "ACC-1", "symbol": "ACME", "amount": "12.00"},
    }
    fee = {
        "id": "evt-closed-fee",
        "type": "fee.charged",
        "created": 1,
        "data": {"account_id": "ACC-1", "amount": "3.00", "description": "custody"},
    }
    for event in (dividend, fee, trade_event("evt-closed-trade")):
        assert post_event(api, event).status_code == 202
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    assert _state(api, pid) == before
    events = {e["event_id"]: e for e in api.get(f"/pools/{pid}/webhook-events").json_body["items"]}
    for event_id in ("evt-closed-div", "evt-closed-fee", "evt-closed-trade"):
        assert events[event_id]["status"] == "parked"
        assert events[event_id]["reason"].startswith("pool_closed")


# -- a trade price marks a position only when no market price is known ----------------------


def test_a_webhook_buy_above_the_market_does_not_spike_the_nav(api: Api, linked: dict[str, str]) -> None:
    pid = linked["pool_id"]
    assert apply_market_ticks(kinesis_batch({"symbol": "ACME", "price": "186.00", "ts": 1764000000}), None) == {
        "batchItemFailures": []
    }
    stream = TableStream(EVENTS)
    assert post_event(api, trade_event("evt-above", qty="2", price="191.40")).status_code == 202
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    pool = api.get(f"/pools/{pid}").json_body
    (acme,) = pool["positions"]
    assert (acme["symbol"], D(acme["last_price"]), D(acme["avg_cost"])) == ("ACME", D("186.00"), D("191.900000"))
    # Alice put in 1,000.00; 382.80 + 1.00 of fees bought what the market values at 372.00.
    assert D(pool["nav"]) == D("1000.00") - D("383.80") + D("372.00")
    # The NAV point the trade recorded is the market's NAV too: no spike in the chart.
    assert D(api.get(f"/pools/{pid}/nav-history").json_body["items"][-1]["nav"]) == D(pool["nav"])


def test_a_trade_in_a_symbol_with_no_market_price_is_marked_at_its_own_price(api: Api) -> None:
    pid = make_pool(api)["id"]
    assert contribute(api, pid, add_investor(api, pid, "Alice")["id"], "1000.00").status_code == 201
    resp = api.post(f"/pools/{pid}/trades", {"symbol": "UNLISTED", "side": "buy", "quantity": "3", "price": "12.50"})
    assert resp.status_code == 201
    (position,) = api.get(f"/pools/{pid}").json_body["positions"]
    assert D(position["last_price"]) == D("12.50")


# -- cursors are checked field by field ------------------------------------------------------


def _cursor(raw: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


TAMPERED = [
    _cursor({"PK": 1.5, "SK": "x", "GSI1PK": "POOL#x", "GSI1SK": "y"}),
    _cursor({"PK": {"S": "x"}, "SK": "x"}),
    _cursor({"PK": None}),
    _cursor(["PK", "SK"]),
    _cursor({"PK": "POOL#x", "SK": "LEDGER#1", "extra": "field"}),
    _cursor({}),
    json.dumps({"GSI1PK": 1, "PK": 2.5}).encode().hex(),  # the old hex form, with numbers
    "%%%",
]


@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_cursor_is_a_400_on_every_listing(api: Api, linked: dict[str, str], cursor: str) -> None:
    pid = linked["pool_id"]
    listings = [
        (f"/pools/{pid}/webhook-events", "manager"),
        ("/webhook-events/unlinked", "finance"),
        (f"/pools/{pid}/investors", "manager"),
        (f"/pools/{pid}/activity", "manager"),
        (f"/pools/{pid}/nav-history", "manager"),
        ("/pools", "manager"),
        ("/pools", "finance"),
        ("/alerts", "finance"),
    ]
    for path, user in listings:
        resp = api.get(f"{path}?cursor={cursor}", as_user=user)
        assert resp.status_code == 400, (path, resp.body)
        assert error(resp) == {"code": "invalid_cursor", "message": error(resp)["message"], "field": "cursor"}


# -- the local API takes a burst of connections --------------------------------------------------


def test_the_local_api_accepts_a_burst_of_simultaneous_connections() -> None:
    """20 browsers' worth of connections at once must queue, not be refused or reset,
    while the server is busy: the listen backlog holds them until it accepts."""
    from devstack.servers import start_api

    served = start_api("127.0.0.1", 0)
    served.server.shutdown()  # stop accepting, as a server busy with other requests would
    host, port = served.server.server_address[:2]
    opened = []
    try:
        for _ in range(20):
            s = socket.create_connection((host, port), timeout=2)
            opened.append(s)
    finally:
        for s in opened:
            s.close()
        served.server.server_close()
    assert len(opened) == 20


# -- who did what is shown by name -------------------------------------------------------------


def test_activity_names_who_recorded_each_entry_and_whom_it_concerns(api: Api, linked: dict[str, str]) -> None:
    """The activity answer carries what the screen shows: no request per investor for a name."""
    from tests.support.api import MANAGER

    pid = linked["pool_id"]
    stream = TableStream(EVENTS)
    assert post_event(api, trade_event("evt-named")).status_code == 202
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    entries = api.get(f"/pools/{pid}/activity?limit=200").json_body["items"]
    by_type = {e["type"]: e for e in entries}
    contribution = by_type["contribution"]
    assert contribution["investor_name"] == "Alice"
    assert contribution["actor_name"] == f"{MANAGER.name} <{MANAGER.email}>"
    assert contribution["actor"] not in contribution["actor_name"]  # the id stays in its own field
    assert by_type["trade"]["actor_name"] == "Brokerage demo (webhook)"
    assert by_type["investor.added"]["investor_name"] == "Alice"
    # Finance reads the same names.
    finance = api.get(f"/pools/{pid}/activity?limit=200", as_user="finance").json_body["items"]
    assert {e["id"]: e["actor_name"] for e in finance} == {e["id"]: e["actor_name"] for e in entries}


def test_refusals_name_amounts_with_their_currency(api: Api) -> None:
    pid = make_pool(api, currency="EUR")["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    assert contribute(api, pid, alice, "2814.23").status_code == 201
    buy = api.post(f"/pools/{pid}/trades", {"symbol": "ACME", "side": "buy", "quantity": "100", "price": "30.00"})
    assert buy.status_code == 422
    assert error(buy)["message"] == "buying costs 3,000.00 EUR but the pool holds 2,814.23 EUR in cash"
    too_much = api.post(f"/pools/{pid}/withdrawals", {"investor_id": alice, "amount": "5000.00"})
    assert error(too_much)["message"] == "Alice holds 2814.230000 units worth 2,814.23 EUR; 5,000.00 EUR needs 5000.000000 units"
