"""Tick to screen: time from PutRecord on Kinesis to the pool.updated message
on a subscribed WebSocket, through the real local stack (prices consumer,
DynamoDB stream, notifier, gateway). Prints figures; asserts nothing.

    make bench            # or: .venv/bin/python -m bench.tick_to_screen --ticks 100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import boto3
import requests

from devstack.launch import launch

MANAGER = ("manager@example.com", "Manager-demo-1")


async def measure(api: str, aws: str, ws_url: str, ticks: int) -> list[float]:
    http = requests.Session()
    token = http.post(f"{api}/auth/login", json={"email": MANAGER[0], "password": MANAGER[1]}, timeout=10).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    pid = http.post(f"{api}/pools", json={"name": "Bench Fund", "currency": "USD"}, timeout=10).json()["id"]
    inv = http.post(f"{api}/pools/{pid}/investors", json={"name": "B"}, timeout=10).json()["id"]
    http.post(f"{api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "100000.00"}, timeout=10)
    http.post(f"{api}/pools/{pid}/trades", json={"symbol": "BNCH", "side": "buy", "quantity": "100", "price": "100"}, timeout=10)
    kinesis = boto3.client(
        "kinesis",
        region_name="us-east-1",
        endpoint_url=aws,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # moto  # nosec B106
    )
    latencies = []
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{ws_url}/?token={token['access_token']}") as ws:
        await ws.send_str(json.dumps({"action": "subscribe", "pool_id": pid}))
        await ws.receive_json(timeout=10)
        for n in range(ticks):
            price = f"{100 + (n % 50) + 1}.{n % 100:02d}"
            started = time.perf_counter()
            await asyncio.to_thread(
                kinesis.put_record,
                StreamName="pooldesk-market-data",
                PartitionKey="BNCH",
                Data=json.dumps({"symbol": "BNCH", "price": price, "ts": time.time()}).encode(),
            )
            while True:
                message = await ws.receive_json(timeout=15)
                positions = message.get("data", {}).get("positions", [])
                if message["type"] == "pool.updated" and positions and positions[0]["last_price"] == price:
                    break
            latencies.append(time.perf_counter() - started)
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tick_to_screen")
    parser.add_argument("--ticks", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-") as logs:
        stack = launch(Path(logs), "--no-feed", "--no-seed")
        try:
            latencies = asyncio.run(measure(stack.api, stack.aws, stack.ws, args.ticks))
        finally:
            stack.stop()
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    print(f"tick to screen over {len(ms)} ticks, one at a time, local stack on {os.cpu_count()} cores:")
    print(f"  p50 {q[49]:.0f} ms   p95 {q[94]:.0f} ms   p99 {q[98]:.0f} ms   max {ms[-1]:.0f} ms")
    print("  (the local pollers wait up to 200 ms per stream hop; in AWS, Kinesis and DynamoDB streams invoke Lambda directly)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
