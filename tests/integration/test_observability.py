"""Every handler logs structured JSON with a correlation id, counts what it did
as CloudWatch EMF metrics, and never logs a password, token or signature."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from app import apply_market_ticks
from chalicelib.api.http import MAX_BODY_BYTES
from chalicelib.observability import logger
from devstack.demo import DEMO_USERS
from tests.support.api import Api, add_investor, contribute, make_pool
from tests.support.events import kinesis_batch
from tests.support.webhooks import post_event, trade_event


def emitted(text: str) -> list[dict[str, Any]]:
    """The JSON documents written to stdout, one per line."""
    docs = []
    for line in text.splitlines():
        if line.startswith("{"):
            docs.append(json.loads(line))
    return docs


def metric_totals(docs: list[dict[str, Any]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for doc in docs:
        for directive in doc.get("_aws", {}).get("CloudWatchMetrics", []):
            assert directive["Namespace"] == "Pooldesk"
            for metric in directive["Metrics"]:
                value = doc[metric["Name"]]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(value if isinstance(value, list) else [value])
    return totals


def test_money_movements_are_counted_once_each(api: Api, capfd: pytest.CaptureFixture[str]) -> None:
    pid = make_pool(api)["id"]
    inv = add_investor(api, pid, "Alice")["id"]
    capfd.readouterr()
    key = {"Idempotency-Key": "obs-1"}
    assert contribute(api, pid, inv, "100.00", headers=key).status_code == 201
    assert contribute(api, pid, inv, "100.00", headers=key).status_code == 200  # a replay moves nothing
    assert api.post(f"/pools/{pid}/withdrawals", {"investor_id": inv, "amount": "10.00"}).status_code == 201
    totals = metric_totals(emitted(capfd.readouterr().out))
    assert totals == {"Contributions": 1, "Withdrawals": 1}


def test_webhooks_accepted_duplicate_and_rejected_are_counted(api: Api, capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    assert post_event(api, trade_event("obs-evt")).status_code == 202
    assert post_event(api, trade_event("obs-evt")).status_code == 200
    assert post_event(api, trade_event("obs-evt-2"), secret="wrong").status_code == 401
    totals = metric_totals(emitted(capfd.readouterr().out))
    assert totals == {"WebhooksAccepted": 1, "WebhooksDuplicate": 1, "WebhooksRejected": 1}


def test_ticks_and_revaluations_are_counted(api: Api, capfd: pytest.CaptureFixture[str]) -> None:
    pid = make_pool(api)["id"]
    inv = add_investor(api, pid, "Alice")["id"]
    contribute(api, pid, inv, "1000.00")
    api.post(f"/pools/{pid}/trades", {"symbol": "OBSV", "side": "buy", "quantity": "1", "price": "10"})
    capfd.readouterr()
    batch = kinesis_batch({"symbol": "OBSV", "price": "11", "ts": 1}, {"symbol": "OBSV", "price": "12", "ts": 2}, b"junk")
    apply_market_ticks(batch, None)
    totals = metric_totals(emitted(capfd.readouterr().out))
    assert totals == {"TicksProcessed": 2, "TicksMalformed": 1, "PoolsRevalued": 1}


def test_log_lines_carry_the_request_id_and_no_credentials(
    api: Api, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Powertools' handler holds the stdout it found at import; read what it writes directly.
    written = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", written)
    user = DEMO_USERS[0]
    capfd.readouterr()
    login = api.post("/auth/login", {"email": user.email, "password": user.password}, as_user=None)
    tokens = login.json_body
    post_event(api, trade_event("obs-log"), secret="wrong")
    api.get("/pools/nope")
    out = capfd.readouterr()
    text = out.out + out.err + written.getvalue()
    for secret in (user.password, tokens["access_token"], tokens["refresh_token"], api.tokens["manager"], "demo-webhook-secret"):
        assert secret not in text
    lines = emitted(written.getvalue())
    assert [(d["route"], d["status"], d.get("error")) for d in lines] == [
        ("POST /auth/login", 200, None),
        ("POST /webhooks/{broker}", 401, "invalid_signature"),
        ("GET /pools/{pool_id}", 404, "pool_not_found"),
    ]
    assert all(d["service"] == "pooldesk" and d["correlation_id"] and d["function_name"] for d in lines)
    assert len({d["correlation_id"] for d in lines}) == 3  # one per request


def test_an_oversized_webhook_counts_as_rejected(api: Api, capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    resp = api.request("POST", "/webhooks/demo", raw=b"x" * (MAX_BODY_BYTES + 1), as_user=None)
    assert resp.status_code == 400 and resp.json_body["error"]["code"] == "body_too_large"
    assert metric_totals(emitted(capfd.readouterr().out)) == {"WebhooksRejected": 1}


def test_with_metrics_disabled_nothing_is_printed_or_kept(
    api: Api, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local stack disables metrics: Powertools then keeps every value and, at 100,
    prints them anyway. Nothing may reach the terminal, and nothing may pile up."""
    from chalicelib.observability import metrics

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    capfd.readouterr()
    for n in range(105):
        assert post_event(api, trade_event(f"evt-quiet-{n}"), header="t=1,v1=00").status_code == 401
    assert '"_aws"' not in capfd.readouterr().out
    assert not metrics.metric_set
