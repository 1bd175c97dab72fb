"""Tick to screen: time from PutRecord on Kinesis to the pool.updated message
on every subscribed WebSocket, through the real local stack (prices consumer,
DynamoDB stream, notifier, gateway), with 1, 10 and 50 subscribers. Prints
figures; asserts nothing.

    .venv/bin/python -m bench.tick_to_screen --ticks 100      # make bench runs it with the rest
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

from bench.report import Result, chart
from devstack.launch import launch

MANAGER = ("manager@example.com", "Manager-demo-1")


async def measure(api: str, aws: str, ws_url: str, ticks: int, subscribers: int = 1) -> list[float]:
    """Seconds from PutRecord until EVERY subscriber has the new price, per tick."""
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
    async with aiohttp.ClientSession() as session:
        # Each socket opens with its own single-use ticket (no token travels in a URL).
        tickets = [http.post(f"{api}/auth/ws-ticket", timeout=10).json()["ticket"] for _ in range(subscribers)]
        sockets = [await session.ws_connect(f"{ws_url}/?ticket={ticket}") for ticket in tickets]
        for ws in sockets:
            await ws.send_str(json.dumps({"action": "subscribe", "pool_id": pid}))
            await ws.receive_json(timeout=10)

        async def until_price(ws: aiohttp.ClientWebSocketResponse, price: str) -> None:
            while True:
                message = await ws.receive_json(timeout=30)
                positions = message.get("data", {}).get("positions", [])
                if message["type"] == "pool.updated" and positions and positions[0]["last_price"] == price:
                    return

        for n in range(ticks):
            price = f"{100 + (n % 50) + 1}.{n % 100:02d}"
            started = time.perf_counter()
            await asyncio.to_thread(
                kinesis.put_record,
                StreamName="pooldesk-market-data",
                PartitionKey="BNCH",
                Data=json.dumps({"symbol": "BNCH", "price": price, "ts": time.time()}).encode(),
            )
            await asyncio.gather(*(until_price(ws, price) for ws in sockets))
            latencies.append(time.perf_counter() - started)
        for ws in sockets:
            await ws.close()
    return latencies


SIZES = [1, 10, 50]


def run(*, ticks: int = 30, sizes: list[int] = SIZES) -> Result:
    result = Result(
        key="tick_to_screen",
        title="Tick to screen",
        what=(
            "From PutRecord on Kinesis to the pool.updated message on every subscribed WebSocket, through the "
            "local stack (prices consumer, DynamoDB stream, notifier, WebSocket gateway), one tick at a time."
        ),
        columns=["subscribers", "ticks", "p50", "p95", "p99", "max"],
    )
    xs: list[float] = []
    p50s: list[float] = []
    p95s: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as logs:
        stack = launch(Path(logs), "--no-feed", "--no-seed")
        try:
            for subscribers in sizes:
                ms = sorted(x * 1000 for x in asyncio.run(measure(stack.api, stack.aws, stack.ws, ticks, subscribers)))
                q = statistics.quantiles(ms, n=100, method="inclusive")
                result.rows.append(
                    [str(subscribers), str(ticks), f"{q[49]:.0f} ms", f"{q[94]:.0f} ms", f"{q[98]:.0f} ms", f"{ms[-1]:.0f} ms"]
                )
                xs.append(float(subscribers))
                p50s.append(q[49])
                p95s.append(q[94])
        finally:
            stack.stop()
    result.chart = chart(
        "tick_to_screen", "Tick to screen", "subscribed WebSockets", "milliseconds", {"p50": (xs, p50s), "p95": (xs, p95s)}
    )
    result.notes.append(
        "Most of it is the local stack's pollers, which wait up to 200 ms between reads of each stream (two "
        "hops); in AWS, Lambda's event source mappings poll continuously. Fan-out posts to each connection in turn."
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tick_to_screen")
    parser.add_argument("--ticks", type=int, default=30)
    args = parser.parse_args(argv)
    print(run(ticks=args.ticks).text())
    print(f"({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
