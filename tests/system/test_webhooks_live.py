"""A brokerage posts signed events to the running stack; the stream consumer
applies each exactly once to the linked demo pool."""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from chalicelib.services.webhooks import sign
from devstack.demo import DEMO_ACCOUNT, DEMO_BROKER_SECRET, DEMO_USERS
from devstack.launch import Stack
from devstack.webhook import sample
from tests.support.stack import login

MANAGER = DEMO_USERS[0]


def post(stack: Stack, event: dict[str, Any], secret: str = DEMO_BROKER_SECRET) -> requests.Response:
    body = json.dumps(event).encode()
    return requests.post(
        f"{stack.api}/webhooks/demo", data=body, timeout=10, headers={"Pooldesk-Signature": sign(secret, int(time.time()), body)}
    )


def wait_for(predicate: Any, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def test_a_signed_trade_is_applied_once_even_when_posted_twice(stack: Stack) -> None:
    session = login(stack.api, MANAGER.email, MANAGER.password)
    pools = session.get(f"{stack.api}/pools", timeout=10).json()["items"]
    pool_id = next(p["id"] for p in pools if p["name"] == "Harbor Growth Fund")
    event = sample("trade", DEMO_ACCOUNT)
    assert post(stack, event).status_code == 202
    assert post(stack, event).json() == {"status": "duplicate", "id": event["id"]}
    assert post(stack, event, secret="wrong").status_code == 401

    def applied() -> list[dict[str, Any]]:
        items = session.get(f"{stack.api}/pools/{pool_id}/webhook-events?limit=50", timeout=10).json()["items"]
        return [e for e in items if e["event_id"] == event["id"] and e["status"] == "applied"]

    entry_id = wait_for(applied)[0]["entry_id"]
    time.sleep(1)  # give a wrongly repeated delivery the chance to show
    activity = session.get(f"{stack.api}/pools/{pool_id}/activity?limit=50", timeout=10).json()["items"]
    trades = [e for e in activity if e["memo"] == f"trade {event['data']['trade_id']}"]
    assert [t["id"] for t in trades] == [entry_id]
    assert trades[0]["actor"] == "broker:demo"


def test_an_event_for_an_unlinked_account_is_parked_not_applied(stack: Stack) -> None:
    event = sample("fee", "NO-SUCH-ACCOUNT")
    assert post(stack, event).status_code == 202
    finance = login(stack.api, DEMO_USERS[2].email, DEMO_USERS[2].password)

    def parked() -> list[dict[str, Any]]:
        items = finance.get(f"{stack.api}/webhook-events/unlinked?limit=50", timeout=10).json()["items"]
        return [e for e in items if e["event_id"] == event["id"]]

    found = wait_for(parked)[0]
    assert found["status"] == "parked"
    assert "NO-SUCH-ACCOUNT" in found["reason"]
    manager = login(stack.api, MANAGER.email, MANAGER.password)
    assert manager.get(f"{stack.api}/webhook-events/unlinked", timeout=10).status_code == 403


def test_make_webhook_sends_to_the_api_it_is_given(stack: Stack) -> None:
    """`make webhook API=...` reaches a stack on other ports than the default ones."""
    import subprocess
    from pathlib import Path

    session = login(stack.api, MANAGER.email, MANAGER.password)
    pool_id = next(
        p["id"] for p in session.get(f"{stack.api}/pools", timeout=10).json()["items"] if p["name"] == "Harbor Growth Fund"
    )
    before = {
        e["event_id"] for e in session.get(f"{stack.api}/pools/{pool_id}/webhook-events?limit=200", timeout=10).json()["items"]
    }
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        ["make", "--no-print-directory", "webhook", "TYPE=dividend", f"API={stack.api}"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    def arrived() -> list[dict[str, Any]]:
        items = session.get(f"{stack.api}/pools/{pool_id}/webhook-events?limit=200", timeout=10).json()["items"]
        return [e for e in items if e["event_id"] not in before and e["type"] == "dividend.received"]

    assert wait_for(arrived)[0]["status"] in ("received", "applied")
