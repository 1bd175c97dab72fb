"""Ticks put on the running stack's Kinesis stream revalue the pools holding them."""

from __future__ import annotations

import json
import time

import boto3

from devstack.demo import DEMO_USERS
from devstack.launch import Stack
from tests.support.stack import login

MANAGER = DEMO_USERS[0]


def test_a_tick_on_kinesis_moves_the_nav_of_pools_holding_the_symbol(stack: Stack) -> None:
    s = login(stack.api, MANAGER.email, MANAGER.password)
    pid = s.post(f"{stack.api}/pools", json={"name": "Tick Fund", "currency": "USD"}, timeout=10).json()["id"]
    inv = s.post(f"{stack.api}/pools/{pid}/investors", json={"name": "Ida"}, timeout=10).json()["id"]
    s.post(f"{stack.api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "1000.00"}, timeout=10)
    s.post(f"{stack.api}/pools/{pid}/trades", json={"symbol": "ZEDX", "side": "buy", "quantity": "10", "price": "50"}, timeout=10)
    kinesis = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url=stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )
    now = time.time()
    put_at = time.monotonic()
    kinesis.put_records(
        StreamName="pooldesk-market-data",
        Records=[
            {"PartitionKey": "ZEDX", "Data": json.dumps({"symbol": "ZEDX", "price": "55.00", "ts": now}).encode()},
            {"PartitionKey": "ZEDX", "Data": json.dumps({"symbol": "ZEDX", "price": "54.00", "ts": now - 1}).encode()},
        ],
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        pool = s.get(f"{stack.api}/pools/{pid}", timeout=10).json()
        if pool["positions"][0]["last_price"] != "50":
            break
        time.sleep(0.1)
    seen_after = time.monotonic() - put_at
    # 500 cash + 10 x 55.00: the late, older tick at 54.00 did not win.
    assert pool["positions"][0]["last_price"] == "55.00"
    assert pool["nav"] == "1050.00"
    assert pool["valued_at"] is not None
    print(f"tick to revalued pool over HTTP polling: {seen_after * 1000:.0f} ms")
