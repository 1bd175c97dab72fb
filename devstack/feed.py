"""A market-data feed for the local stack: a random walk over the symbols the
demo pools hold (and a benchmark), a few ticks a second, put on Kinesis as a brokerage's market
data would be (partition key = symbol)."""

from __future__ import annotations

import json
import random
import threading
import time
from decimal import Decimal
from typing import Any

# The demo pools' holdings, and SPY, the growth fund's benchmark.
START_PRICES = {"AAPL": "190.25", "MSFT": "415.10", "NVDA": "120.50", "VGK": "68.40", "SPY": "560.00"}


class MarketFeed(threading.Thread):
    def __init__(self, kinesis: Any, stream: str, ticks_per_second: float = 4.0, seed: int | None = None) -> None:
        super().__init__(name="market-feed", daemon=True)
        self._kinesis = kinesis
        self._stream = stream
        self._interval = 1.0 / ticks_per_second
        self._random = random.Random(seed)  # noqa: S311 - demo prices, not security  # nosec B311
        self._prices = {s: Decimal(p) for s, p in START_PRICES.items()}
        self._halt = threading.Event()
        self.sent = 0

    def next_tick(self) -> dict[str, str]:
        symbol = self._random.choice(sorted(self._prices))
        # A step of up to +-0.4%, kept to cents.
        step = Decimal(self._random.randint(-40, 40)) / Decimal(10000)
        price = (self._prices[symbol] * (1 + step)).quantize(Decimal("0.01"))
        self._prices[symbol] = max(price, Decimal("0.01"))
        return {"symbol": symbol, "price": str(self._prices[symbol]), "ts": f"{time.time():.6f}"}

    def run(self) -> None:
        while not self._halt.wait(self._interval):
            tick = self.next_tick()
            try:
                self._kinesis.put_record(StreamName=self._stream, PartitionKey=tick["symbol"], Data=json.dumps(tick).encode())
                self.sent += 1
            except Exception:
                if self._halt.is_set():
                    return

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)
