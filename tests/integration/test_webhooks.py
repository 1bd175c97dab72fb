"""Brokerage webhooks: linking, signed receipt, and exactly-once application
through the events stream (moto's stream, shaped as Lambda delivers it)."""

from __future__ import annotations

import json
import time
from decimal import Decimal as D
from typing import Any

import pytest

from app import apply_webhook_events
from chalicelib.services.webhooks import sign
from tests.support.api import Api, add_investor, contribute, error, make_pool
from tests.support.events import EVENTS, TableStream, events_table_items
from tests.support.webhooks import SECRET, post_event, trade_event

# -- linking ---------------------------------------------------------------------------


def test_link_read_and_relink_a_brokerage_account(api: Api, linked: dict[str, str]) -> None:
    pid = linked["pool_id"]
    got = api.get(f"/pools/{pid}/brokerage").json_body
    assert (got["broker"], got["account_id"]) == ("demo", "ACC-1")
    other = make_pool(api, name="Other")["id"]
    taken = api.request("PUT", f"/pools/{other}/brokerage", {"broker": "demo", "account_id": "ACC-1"})
    assert taken.status_code == 409 and error(taken)["code"] == "account_linked_elsewhere"
    # Relinking the first pool frees ACC-1 for the other pool.
    assert api.request("PUT", f"/pools/{pid}/brokerage", {"broker": "demo", "account_id": "ACC-2"}).status_code == 200
    assert api.request("PUT", f"/pools/{other}/brokerage", {"broker": "demo", "account_id": "ACC-1"}).status_code == 200


def test_linking_is_for_the_owner_and_known_brokers_only(api: Api, linked: dict[str, str]) -> None:
    pid = linked["pool_id"]
    body = {"broker": "demo", "account_id": "ACC-9"}
    assert api.request("PUT", f"/pools/{pid}/brokerage", body, as_user="finance").status_code == 403
    assert api.request("PUT", f"/pools/{pid}/brokerage", body, as_user="manager2").status_code == 404
    unknown = api.request("PUT", f"/pools/{pid}/brokerage", {"broker": "nobody", "account_id": "X"})
    assert unknown.status_code == 404 and error(unknown)["code"] == "unknown_broker"
    assert api.get(f"/pools/{make_pool(api)['id']}/brokerage").status_code == 404


def test_a_link_applies_nothing_until_finance_approves_it(api: Api) -> None:
    """Anyone can type an account id: claiming one must not route its money to their pool."""
    from tests.support.events import sent_emails

    pid = make_pool(api, name="Claimed")["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    assert contribute(api, pid, alice, "1000.00").status_code == 201
    asked = api.request("PUT", f"/pools/{pid}/brokerage", {"broker": "demo", "account_id": "ACC-7"})
    assert (asked.status_code, asked.json_body["status"]) == (200, "pending")
    (told,) = [m for m in sent_emails() if m.subject == "Claimed: a brokerage link awaits your approval"]
    assert told.destinations["ToAddresses"] == ["finance@example.com"]
    stream = TableStream(EVENTS)
    post_event(api, trade_event("evt-p1", account="ACC-7"))
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    (parked,) = api.get(f"/pools/{pid}/webhook-events").json_body["items"]
    assert (parked["status"], parked["reason"].split(":")[0]) == ("parked", "link_pending")
    assert api.get(f"/pools/{pid}").json_body["positions"] == []
    # Only finance approves; then the account's events apply.
    assert api.post(f"/pools/{pid}/brokerage/approve").status_code == 403
    approved = api.post(f"/pools/{pid}/brokerage/approve", as_user="finance")
    assert (approved.status_code, approved.json_body["status"]) == (200, "approved")
    twice = api.post(f"/pools/{pid}/brokerage/approve", as_user="finance")
    assert (twice.status_code, error(twice)["code"]) == (409, "link_approved")
    post_event(api, trade_event("evt-p2", account="ACC-7"))
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    assert [p["symbol"] for p in api.get(f"/pools/{pid}").json_body["positions"]] == ["ACME"]


def test_finance_declines_a_link_and_the_account_is_free_again(api: Api) -> None:
    squatter = make_pool(api, name="Squatter", as_user="manager2")["id"]
    api.request("PUT", f"/pools/{squatter}/brokerage", {"broker": "demo", "account_id": "ACC-8"}, as_user="manager2")
    rightful = make_pool(api, name="Rightful")["id"]
    taken = api.request("PUT", f"/pools/{rightful}/brokerage", {"broker": "demo", "account_id": "ACC-8"})
    assert (taken.status_code, error(taken)["code"]) == (409, "account_linked_elsewhere")
    declined = api.post(f"/pools/{squatter}/brokerage/decline", as_user="finance")
    assert (declined.status_code, declined.json_body["status"]) == (200, "declined")
    assert api.get(f"/pools/{squatter}/brokerage", as_user="manager2").status_code == 404
    assert api.request("PUT", f"/pools/{rightful}/brokerage", {"broker": "demo", "account_id": "ACC-8"}).status_code == 200


# -- receiving -------------------------------------------------------------------------


def test_a_signed_event_is_accepted_once(api: Api) -> None:
    first = post_event(api, trade_event("evt-1"))
    assert first.status_code == 202 and first.json_body == {"status": "accepted", "id": "evt-1"}
    again = post_event(api, trade_event("evt-1"))
    assert again.status_code == 200 and again.json_body["status"] == "duplicate"
    assert events_table_items() == 1


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"secret": "wrong-secret"}, 401, "invalid_signature"),
        ({"header": ""}, 401, "missing_signature"),
        ({"header": "t=abc,v1=00"}, 401, "invalid_signature"),
        ({"offset": -360}, 401, "stale_signature"),
        ({"offset": 360}, 401, "stale_signature"),
        ({"broker": "nobody"}, 404, "unknown_broker"),
    ],
)
def test_bad_signatures_and_unknown_brokers_store_nothing(api: Api, kwargs: dict[str, Any], status: int, code: str) -> None:
    resp = post_event(api, trade_event("evt-2"), **kwargs)
    assert resp.status_code == status
    assert error(resp)["code"] == code
    assert events_table_items() == 0


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"type": "trade.executed", "created": 1, "data": {}}, "id"),
        ({"id": "e", "type": "trade.executed", "created": 1, "data": {"account_id": "A"}}, "data.trade_id"),
        (
            {"id": "e", "type": "trade.executed", "created": 1, "data": {**trade_event("x")["data"], "quantity": 5}},
            "data.quantity",
        ),
        ({"id": "e", "type": "margin.call", "created": 1, "data": {}}, "type"),
    ],
)
def test_malformed_events_are_400_and_store_nothing(api: Api, event: dict[str, Any], field: str) -> None:
    resp = post_event(api, event)
    assert resp.status_code == 400
    assert error(resp)["field"] == field
    assert events_table_items() == 0


def test_a_body_that_is_not_json_is_400(api: Api) -> None:
    body = b"not json"
    resp = api.request(
        "POST", "/webhooks/demo", raw=body, as_user=None, headers={"Pooldesk-Signature": sign(SECRET, int(time.time()), body)}
    )
    assert resp.status_code == 400 and error(resp)["code"] == "invalid_json"


def test_either_secret_works_during_rotation(api: Api) -> None:
    assert post_event(api, trade_event("r-1"), broker="rotating", secret="new-secret").status_code == 202
    assert post_event(api, trade_event("r-2"), broker="rotating", secret="old-secret").status_code == 202
    assert post_event(api, trade_event("r-3"), broker="rotating", secret="demo-webhook-secret").status_code == 401


def test_the_signature_covers_the_body(api: Api) -> None:
    body = json.dumps(trade_event("evt-3")).encode()
    header = sign(SECRET, int(time.time()), body)
    tampered = body.replace(b'"10"', b'"99"')
    resp = api.request("POST", "/webhooks/demo", raw=tampered, as_user=None, headers={"Pooldesk-Signature": header})
    assert resp.status_code == 401


# -- applying ----------------------------------------------------------------------------


def test_events_apply_to_the_linked_pool_exactly_once(api: Api, linked: dict[str, str]) -> None:
    pid = linked["pool_id"]
    stream = TableStream(EVENTS)
    post_event(api, trade_event("evt-10"))
    post_event(
        api,
        {
            "id": "evt-11",
            "type": "dividend.received",
            "created": 1,
            "data": {"account_id": "ACC-1", "symbol": "ACME", "amount": "12.34"},
        },
    )
    post_event(
        api,
        {
            "id": "evt-12",
            "type": "fee.charged",
            "created": 1,
            "data": {"account_id": "ACC-1", "amount": "2.00", "description": "custody"},
        },
    )
    batch = stream.batch()
    assert len(batch["Records"]) == 3
    assert apply_webhook_events(batch, None) == {"batchItemFailures": []}
    pool = api.get(f"/pools/{pid}").json_body
    # 1000 - (10 x 20.00 + 1.00) + 12.34 - 2.00
    assert pool["cash"] == "809.34"
    assert pool["positions"][0]["symbol"] == "ACME" and pool["positions"][0]["quantity"] == "10.000000"
    # The same batch again (at-least-once delivery) changes nothing.
    assert apply_webhook_events(batch, None) == {"batchItemFailures": []}
    assert api.get(f"/pools/{pid}").json_body == pool
    types = [e["type"] for e in api.get(f"/pools/{pid}/activity?limit=3").json_body["items"]]
    assert types == ["fee", "dividend", "trade"]
    events = api.get(f"/pools/{pid}/webhook-events").json_body["items"]
    assert {e["event_id"]: e["status"] for e in events} == {"evt-10": "applied", "evt-11": "applied", "evt-12": "applied"}
    # The status updates came back on the stream as MODIFY records and are ignored.
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    assert api.get(f"/pools/{pid}").json_body == pool


def test_events_that_cannot_apply_are_parked_with_their_reason(api: Api, linked: dict[str, str]) -> None:
    pid = linked["pool_id"]
    stream = TableStream(EVENTS)
    post_event(api, trade_event("evt-20", account="UNKNOWN-ACCOUNT"))
    post_event(api, trade_event("evt-21", side="sell", qty="5"))  # nothing held to sell
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    events = {e["event_id"]: e for e in api.get(f"/pools/{pid}/webhook-events").json_body["items"]}
    assert events["evt-21"]["status"] == "parked"
    assert "insufficient_position" in events["evt-21"]["reason"]
    assert "evt-20" not in events  # linked to no pool: not this manager's to see
    assert D(api.get(f"/pools/{pid}").json_body["cash"]) == D("1000.00")


def test_a_failing_record_is_reported_alone(api: Api, linked: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import wiring

    stream = TableStream(EVENTS)
    post_event(api, trade_event("evt-30"))
    post_event(api, trade_event("evt-31"))
    batch = stream.batch()
    service = wiring.brokerage_service()
    real_apply = service.apply

    def flaky(event: Any) -> str:
        if event.event_id == "evt-31":
            raise ConnectionError("injected: DynamoDB unreachable")
        return real_apply(event)

    monkeypatch.setattr(service, "apply", flaky)
    result = apply_webhook_events(batch, None)
    failed = [f["itemIdentifier"] for f in result["batchItemFailures"]]
    assert failed == [batch["Records"][1]["dynamodb"]["SequenceNumber"]]
    monkeypatch.setattr(service, "apply", real_apply)
    assert apply_webhook_events({"Records": [batch["Records"][1]]}, None) == {"batchItemFailures": []}
    pool = api.get(f"/pools/{linked['pool_id']}").json_body
    assert pool["positions"][0]["quantity"] == "20.000000"  # both trades, each once


def test_a_dynamodb_error_mid_batch_fails_only_that_record_and_redelivery_applies_it_once(
    api: Api, linked: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from chalicelib import wiring

    stream = TableStream(EVENTS)
    for n in (40, 41, 42):
        post_event(api, trade_event(f"evt-{n}", qty="1"))
    batch = stream.batch()
    client = wiring.dynamodb()  # the client every repository write goes through
    real = client.transact_write_items
    calls = {"n": 0}

    def throttled_second_write(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "injected"}}, "TransactWriteItems"
            )
        return real(**kwargs)

    monkeypatch.setattr(client, "transact_write_items", throttled_second_write)
    result = apply_webhook_events(batch, None)
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == [batch["Records"][1]["dynamodb"]["SequenceNumber"]]
    monkeypatch.setattr(client, "transact_write_items", real)
    # Lambda retries from the failed record on; the one before it is done.
    assert apply_webhook_events({"Records": batch["Records"][1:]}, None) == {"batchItemFailures": []}
    assert apply_webhook_events(batch, None) == {"batchItemFailures": []}  # and a full redelivery changes nothing
    pool = api.get(f"/pools/{linked['pool_id']}").json_body
    assert pool["positions"][0]["quantity"] == "3.000000"
    trades = [e for e in api.get(f"/pools/{linked['pool_id']}/activity?limit=50").json_body["items"] if e["type"] == "trade"]
    assert len(trades) == 3


def test_a_full_page_of_webhook_events_is_listed(api: Api, linked: dict[str, str]) -> None:
    """A page may hold 200 events, but DynamoDB reads at most 100 keys at once (found by the soak)."""
    stream = TableStream(EVENTS)
    for n in range(130):
        assert post_event(api, trade_event(f"evt-page-{n:03d}", qty="1")).status_code == 202
    while batch := stream.batch()["Records"]:
        assert apply_webhook_events({"Records": batch}, None) == {"batchItemFailures": []}
    resp = api.get(f"/pools/{linked['pool_id']}/webhook-events?limit=200")
    assert resp.status_code == 200, resp.body
    assert sorted(e["event_id"] for e in resp.json_body["items"]) == [f"evt-page-{n:03d}" for n in range(130)]
    assert resp.json_body["next_cursor"] is None


def test_a_reversed_webhook_event_is_never_applied_again(api: Api, linked: dict[str, str]) -> None:
    pid = linked["pool_id"]
    stream = TableStream(EVENTS)
    post_event(api, trade_event("evt-40"))
    batch = stream.batch()
    assert apply_webhook_events(batch, None) == {"batchItemFailures": []}
    (trade,) = api.get(f"/pools/{pid}/activity?type=trade").json_body["items"]
    undo = api.post(f"/pools/{pid}/entries/{trade['id']}/reverse", {"reason": "the broker booked it to the wrong account"})
    assert undo.status_code == 201, undo.body
    after = api.get(f"/pools/{pid}").json_body
    assert (after["cash"], after["positions"]) == ("1000.00", [])
    # The broker posts it again, and the stream redelivers the first batch: neither re-applies it.
    assert post_event(api, trade_event("evt-40")).status_code == 200
    assert apply_webhook_events(batch, None) == {"batchItemFailures": []}
    assert apply_webhook_events(stream.batch(), None) == {"batchItemFailures": []}
    assert api.get(f"/pools/{pid}").json_body == after
    assert len(api.get(f"/pools/{pid}/activity?type=trade").json_body["items"]) == 1
