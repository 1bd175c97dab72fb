"""WebSocket connections, subscriptions and the notifier, against moto, with a
recording pusher standing in for API Gateway's management API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from app import notify_pool_changes, ws_connect, ws_disconnect, ws_message
from chalicelib import wiring
from chalicelib.adapters.memory_people import RecordingPusher
from tests.support.api import Api, add_investor, make_pool
from tests.support.events import TableStream as PoolsStream
from tests.support.events import ws_event
from tests.support.live import connect, subscribe, ticket


@pytest.fixture
def pusher(api: Api) -> RecordingPusher:
    recording = RecordingPusher()
    wiring.live_updates().pusher = recording
    return recording


def test_connect_needs_a_ticket_that_works_once_and_only_for_30_seconds(
    api: Api, pusher: RecordingPusher, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert connect(api, "c1")["statusCode"] == 200
    assert ws_connect(ws_event("$connect", "c2"), None)["statusCode"] == 401
    assert ws_connect(ws_event("$connect", "c3", ticket="not-a-ticket"), None)["statusCode"] == 401
    # An access token is no ticket: tokens stay out of URLs (and so out of access logs).
    assert ws_connect(ws_event("$connect", "c4", ticket=api.tokens["manager"]), None)["statusCode"] == 401
    once = ticket(api)
    assert ws_connect(ws_event("$connect", "c5", ticket=once), None)["statusCode"] == 200
    replayed = ws_connect(ws_event("$connect", "c6", ticket=once), None)
    assert (replayed["statusCode"], json.loads(replayed["body"])["error"]["code"]) == (401, "invalid_ticket")
    late = ticket(api)
    monkeypatch.setattr(wiring.sessions(), "now", lambda: datetime.now(UTC) + timedelta(seconds=31))
    assert ws_connect(ws_event("$connect", "c7", ticket=late), None)["statusCode"] == 401


def test_subscribers_get_pool_activity_and_investor_changes(api: Api, pusher: RecordingPusher) -> None:
    pid = make_pool(api)["id"]
    connect(api, "mine")
    connect(api, "finance", user="finance")
    connect(api, "other", user="manager2")
    for conn in ("mine", "finance", "other"):
        subscribe(conn, pid)
    assert pusher.sent["mine"] == [{"type": "subscribed", "pool_id": pid}]
    assert pusher.sent["finance"] == [{"type": "subscribed", "pool_id": pid}]
    assert pusher.sent["other"][0]["type"] == "error" and pusher.sent["other"][0]["code"] == "pool_not_found"
    stream = PoolsStream()
    stream.batch()  # skip what happened before
    inv = add_investor(api, pid, "Alice")
    api.post(f"/pools/{pid}/contributions", {"investor_id": inv["id"], "amount": "100.00"})
    assert notify_pool_changes(stream.batch(), None) == {"batchItemFailures": []}
    types = [m["type"] for m in pusher.sent["mine"][1:]]
    assert types.count("pool.updated") == 2 and types.count("activity.created") == 2
    assert types.count("investor.updated") == 2
    last_pool = [m for m in pusher.sent["mine"] if m["type"] == "pool.updated"][-1]["data"]
    assert (last_pool["cash"], last_pool["units"], last_pool["investor_count"]) == ("100.00", "100.000000", 1)
    assert pusher.sent["finance"][1:] == pusher.sent["mine"][1:]
    assert len(pusher.sent["other"]) == 1  # refused: nothing more


def test_a_gone_connection_is_removed(api: Api, pusher: RecordingPusher) -> None:
    pid = make_pool(api)["id"]
    connect(api, "leaver")
    subscribe("leaver", pid)
    stream = PoolsStream()
    stream.batch()
    pusher.gone.add("leaver")
    api.patch(f"/pools/{pid}", {"name": "Renamed"})
    notify_pool_changes(stream.batch(), None)
    assert wiring.live_updates().connections.subscribers(pid) == []


def test_disconnect_forgets_subscriptions(api: Api, pusher: RecordingPusher) -> None:
    pid = make_pool(api)["id"]
    connect(api, "brief")
    subscribe("brief", pid)
    assert wiring.live_updates().connections.subscribers(pid) == ["brief"]
    ws_disconnect(ws_event("$disconnect", "brief"), None)
    assert wiring.live_updates().connections.subscribers(pid) == []


@pytest.mark.parametrize(
    ("body", "code"),
    [("nope", "invalid_json"), ('{"action": "dance"}', "unknown_action"), ('{"action": "subscribe"}', "missing_field")],
)
def test_bad_messages_get_an_error_reply(api: Api, pusher: RecordingPusher, body: str, code: str) -> None:
    connect(api, "c")
    ws_message(ws_event("$default", "c", body=body), None)
    assert pusher.sent["c"][-1]["type"] == "error" and pusher.sent["c"][-1]["code"] == code
