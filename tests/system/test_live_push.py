"""A browser-like WebSocket client sees a pool change live, once per change."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import boto3
import pytest

from devstack.demo import DEMO_USERS
from devstack.launch import Stack
from tests.support.stack import login, ws_url

MANAGER = DEMO_USERS[0]


async def next_of(
    ws: aiohttp.ClientWebSocketResponse, kind: str, match: Callable[[dict[str, Any]], bool], timeout: float = 10
) -> dict[str, Any]:
    """The next message of this kind that matches; earlier changes may still be arriving (they are
    pushed from the stream, after the fact), so a client skips what it does not wait for."""
    deadline = time.monotonic() + timeout
    while True:
        message = await ws.receive_json(timeout=max(0.1, deadline - time.monotonic()))
        if message["type"] == kind and match(message["data"]):
            return message


async def next_subscribed(ws: aiohttp.ClientWebSocketResponse, pool_id: str, timeout: float = 10) -> None:
    """The socket's answer to a subscribe, past any push that was already on its way."""
    deadline = time.monotonic() + timeout
    while True:
        message = await ws.receive_json(timeout=max(0.1, deadline - time.monotonic()))
        if message["type"] == "subscribed" and message["pool_id"] == pool_id:
            return


def test_a_forged_or_used_ticket_cannot_connect(stack: Stack) -> None:
    http = login(stack.api, MANAGER.email, MANAGER.password)
    url = ws_url(stack.ws, stack.api, http)

    async def refused(address: str) -> int:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
                async with session.ws_connect(address):
                    pass
            return exc.value.status

    async def run() -> list[int]:
        async with aiohttp.ClientSession() as session, session.ws_connect(url):
            pass  # the ticket opens one connection...
        token = str(http.headers["Authorization"]).removeprefix("Bearer ")
        # ...and never a second; nor does a forged ticket, or an access token in the URL.
        return [await refused(url), await refused(f"{stack.ws}/?ticket=forged"), await refused(f"{stack.ws}/?token={token}")]

    assert asyncio.run(run()) == [401, 401, 401]


def test_contributions_and_ticks_reach_a_subscriber(stack: Stack) -> None:
    http = login(stack.api, MANAGER.email, MANAGER.password)
    pid = http.post(f"{stack.api}/pools", json={"name": "Live Fund", "currency": "USD"}, timeout=10).json()["id"]
    inv = http.post(f"{stack.api}/pools/{pid}/investors", json={"name": "Lin"}, timeout=10).json()["id"]
    http.post(f"{stack.api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "500.00"}, timeout=10)
    http.post(
        f"{stack.api}/pools/{pid}/trades", json={"symbol": "LIVEX", "side": "buy", "quantity": "4", "price": "25"}, timeout=10
    )
    kinesis = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url=stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )

    async def run() -> tuple[dict[str, Any], dict[str, Any], list[str], float]:
        async with aiohttp.ClientSession() as session, session.ws_connect(ws_url(stack.ws, stack.api, http)) as ws:
            await ws.send_str(json.dumps({"action": "subscribe", "pool_id": pid}))
            # The pool's earlier changes may still be on their way from the stream: skip to the answer.
            await next_subscribed(ws, pid)
            await asyncio.to_thread(
                http.post, f"{stack.api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "250.00"}, timeout=10
            )
            entry = await next_of(ws, "activity.created", lambda e: e["amount"] == "250.00")
            started = time.monotonic()
            tick = {"symbol": "LIVEX", "price": "30.00", "ts": time.time()}
            await asyncio.to_thread(
                kinesis.put_record, StreamName="pooldesk-market-data", PartitionKey="LIVEX", Data=json.dumps(tick).encode()
            )
            update = await next_of(ws, "pool.updated", lambda p: any(x["last_price"] == "30.00" for x in p["positions"]))
            latency = time.monotonic() - started
            # Anything else that arrives in the next second must not repeat the contribution.
            extra: list[str] = []
            try:
                while True:
                    message = await ws.receive_json(timeout=1)
                    if message["type"] == "activity.created":
                        extra.append(message["data"]["id"])
            except TimeoutError:
                pass
            return entry, update, extra, latency

    entry, update, extra, latency = asyncio.run(run())
    assert (entry["data"]["type"], entry["data"]["amount"]) == ("contribution", "250.00")
    # cash 750 - 100; 4 x 30.00
    assert (update["data"]["cash"], update["data"]["nav"]) == ("650.00", "770.00")
    assert entry["data"]["id"] not in extra
    print(f"tick on Kinesis to pool.updated on the WebSocket: {latency * 1000:.0f} ms")
