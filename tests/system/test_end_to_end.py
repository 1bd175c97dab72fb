"""The live path end to end, in one run: a brokerage posts a signed trade (twice),
the market ticks, and a subscribed WebSocket client sees the trade once and
the NAV move; the distribution that follows reaches finance's inbox."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import boto3
import requests

from chalicelib.services.webhooks import sign
from devstack.demo import DEMO_BROKER_SECRET, DEMO_USERS
from devstack.launch import Stack
from tests.support.stack import login, wait_for_mail, ws_url

MANAGER, _, FINANCE = DEMO_USERS


def test_webhook_tick_websocket_and_email(stack: Stack) -> None:
    http = login(stack.api, MANAGER.email, MANAGER.password)
    pid = http.post(f"{stack.api}/pools", json={"name": "End To End Fund", "currency": "USD"}, timeout=10).json()["id"]
    inv = http.post(f"{stack.api}/pools/{pid}/investors", json={"name": "Eve"}, timeout=10).json()["id"]
    http.post(f"{stack.api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "10000.00"}, timeout=10)
    assert (
        http.put(f"{stack.api}/pools/{pid}/brokerage", json={"broker": "demo", "account_id": "E2E-1"}, timeout=10).status_code
        == 200
    )
    finance = login(stack.api, FINANCE.email, FINANCE.password)  # a link applies once finance approves it
    assert finance.post(f"{stack.api}/pools/{pid}/brokerage/approve", timeout=10).status_code == 200
    event = {
        "id": f"evt-e2e-{time.time_ns()}",
        "type": "trade.executed",
        "created": int(time.time()),
        "data": {
            "account_id": "E2E-1",
            "trade_id": "E2E-T1",
            "symbol": "ETOE",
            "side": "buy",
            "quantity": "20",
            "price": "100.00",
            "fees": "2.00",
        },
    }
    body = json.dumps(event).encode()
    kinesis = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url=stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )

    def post_webhook() -> int:
        headers = {"Pooldesk-Signature": sign(DEMO_BROKER_SECRET, int(time.time()), body)}
        return requests.post(f"{stack.api}/webhooks/demo", data=body, headers=headers, timeout=10).status_code

    async def run() -> tuple[list[dict[str, Any]], list[int]]:
        messages: list[dict[str, Any]] = []
        async with aiohttp.ClientSession() as session, session.ws_connect(ws_url(stack.ws, stack.api, http)) as ws:
            await ws.send_str(json.dumps({"action": "subscribe", "pool_id": pid}))
            assert (await ws.receive_json(timeout=10))["type"] == "subscribed"
            statuses = [await asyncio.to_thread(post_webhook), await asyncio.to_thread(post_webhook)]

            async def until(predicate: Any, seconds: float = 15) -> None:
                deadline = time.monotonic() + seconds
                while not any(predicate(m) for m in messages):
                    messages.append(await ws.receive_json(timeout=max(0.1, deadline - time.monotonic())))

            await until(lambda m: m["type"] == "activity.created" and m["data"]["type"] == "trade")
            tick = {"symbol": "ETOE", "price": "110.00", "ts": time.time()}
            await asyncio.to_thread(
                kinesis.put_record, StreamName="pooldesk-market-data", PartitionKey="ETOE", Data=json.dumps(tick).encode()
            )
            await until(
                lambda m: m["type"] == "pool.updated" and any(p["last_price"] == "110.00" for p in m["data"]["positions"])
            )
            # Let any duplicate show itself before counting.
            try:
                while True:
                    messages.append(await ws.receive_json(timeout=1.5))
            except TimeoutError:
                pass
        return messages, statuses

    messages, statuses = asyncio.run(run())
    assert statuses == [202, 200]  # accepted, then recognised as a duplicate
    trades = [m for m in messages if m["type"] == "activity.created" and m["data"]["type"] == "trade"]
    assert len(trades) == 1
    assert (trades[0]["data"]["actor"], trades[0]["data"]["amount"]) == ("broker:demo", "2000.00")
    marked = [
        m for m in messages if m["type"] == "pool.updated" and any(p["last_price"] == "110.00" for p in m["data"]["positions"])
    ]
    # 10000 - 2000 - 2.00 fees + 20 x 110.00
    assert marked[0]["data"]["nav"] == "10198.00"

    http.post(f"{stack.api}/pools/{pid}/distributions", json={"amount": "500.00", "memo": "E2E"}, timeout=10)
    mails = wait_for_mail(stack, "Distribution paid from End To End Fund: 500.00 USD")
    assert len(mails) == 1
    assert mails[0]["destinations"]["ToAddresses"] == ["finance@example.com"]
