"""Market data: a batch of ticks in, each affected pool revalued once.

Ticks are JSON {symbol, price, ts}. For a batch: keep the latest tick per
symbol (by ``ts``, so a tick arriving late never wins), store the prices that
are newer than what is stored, then revalue every pool holding any of those
symbols ONCE with all of its new prices. Every step is idempotent, so a
redelivered batch changes nothing.

Producers put ticks with the symbol as the partition key, so one symbol's
ticks are read in order from one shard and two batches never race on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.domain import money, portfolio
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.domain.model import Pool, Stamp

from .market_ports import PricePoint, PriceStore, Revaluation
from .ports import PoolRepository, Principal, VersionConflict

MAX_ATTEMPTS = 10


# One decoder for every tick (json.loads with parse_float builds a new one per call).
_TICK_JSON = json.JSONDecoder(parse_float=Decimal)

# A plain decimal: up to 15 digits before the point (below money.MAX_MAGNITUDE), some after;
# as a JSON number, without the leading zeros JSON forbids.
_PRICE = rb"[0-9]{1,15}(?:\.[0-9]{1,6})?"
_PRICE_NUMBER = rb"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,6})?"
_SECONDS = rb"[0-9]{1,12}(?:\.[0-9]{1,9})?"
_SECONDS_NUMBER = rb"(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,9})?"
_WS = rb"[ \t\n\r]*"  # JSON's whitespace
# The shape producers send, {"symbol": "ACME", "price": "101.25", "ts": 1700000000.5}: keys in
# this order, any JSON spacing, numbers quoted or not. One regular expression reads it with
# every check the JSON path makes (a clean symbol, a plain price within its places, plain
# seconds); zero, and every other shape, take the JSON path, which says what is wrong.
# tests/integration/test_market_data.py holds the two paths to the same answers.
_CANONICAL = re.compile(
    _WS
    + rb"\{"
    + _WS
    + rb'"symbol"'
    + _WS
    + rb":"
    + _WS
    + rb'"([A-Z0-9.\-:/_]{1,20})"'
    + _WS
    + rb","
    + _WS
    + rb'"price"'
    + _WS
    + rb":"
    + _WS
    + rb'(?:"('
    + _PRICE
    + rb')"|('
    + _PRICE_NUMBER
    + rb"))"
    + _WS
    + rb","
    + _WS
    + rb'"ts"'
    + _WS
    + rb":"
    + _WS
    + rb'(?:"('
    + _SECONDS
    + rb')"|('
    + _SECONDS_NUMBER
    + rb"))"
    + _WS
    + rb"\}"
    + _WS
)


def parse_tick(data: bytes) -> PricePoint:
    """One Kinesis record's payload (UTF-8 JSON); raises InvalidInput for anything malformed."""
    canonical = _CANONICAL.fullmatch(data)
    if canonical is not None:
        symbol, quoted_price, price_number, quoted_ts, ts_number = canonical.groups()
        price, ts = Decimal((quoted_price or price_number).decode()), Decimal((quoted_ts or ts_number).decode())
        if price and ts:
            return PricePoint(symbol.decode(), price, ts)
    return parse_json_tick(data)


def parse_json_tick(data: bytes) -> PricePoint:
    """A tick read as JSON, field by field: any shape; raises InvalidInput naming what is wrong."""
    try:
        raw = _TICK_JSON.decode(data.decode())
    except (ValueError, RecursionError):
        raise InvalidInput("tick is not JSON", code="invalid_tick") from None
    if not isinstance(raw, dict):
        raise InvalidInput("tick must be an object {symbol, price, ts}", code="invalid_tick")
    symbol = portfolio.clean_symbol(raw.get("symbol"))
    price = money.parse_decimal(raw.get("price"), field="price", places=money.PRICE_PLACES, what="price")
    ts_raw = raw.get("ts")
    if isinstance(ts_raw, bool) or not isinstance(ts_raw, (int, Decimal, str)):
        raise InvalidInput("ts must be unix seconds", field="ts", code="invalid_tick")
    try:
        ts = ts_raw if type(ts_raw) is Decimal else Decimal(ts_raw)
    except ArithmeticError:
        raise InvalidInput("ts must be unix seconds", field="ts", code="invalid_tick") from None
    if not ts.is_finite() or ts <= 0:
        raise InvalidInput("ts must be unix seconds", field="ts", code="invalid_tick")
    return PricePoint(symbol, price, ts)


def conflate(ticks: Iterable[PricePoint]) -> list[PricePoint]:
    """The latest tick per symbol; on equal ts the one later in the batch wins."""
    latest: dict[str, PricePoint] = {}
    for tick in ticks:
        held = latest.get(tick.symbol)
        if held is None or tick.ts >= held.ts:
            latest[tick.symbol] = tick
    return sorted(latest.values(), key=lambda t: t.symbol)


@dataclass(frozen=True)
class BatchOutcome:
    ticks: int
    symbols_updated: int
    pools_revalued: int


def _first_this_second(pool: Pool, new: Pool) -> bool:
    """NAV history is thinned to one market point per pool per second."""
    return pool.valued_at is None or (
        new.valued_at is not None and pool.valued_at.replace(microsecond=0) != new.valued_at.replace(microsecond=0)
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


class MarketData:
    def __init__(self, repo: PoolRepository, prices: PriceStore, clock: Callable[[], datetime] = _utcnow) -> None:
        self.repo = repo
        self.prices = prices
        self._clock = clock

    def apply(self, ticks: list[PricePoint]) -> BatchOutcome:
        # Prices found stored exactly as given come back too: an earlier attempt at
        # this batch may have stored them and crashed before revaluing every pool,
        # so its redelivery finishes the work (pools already marked are not written).
        # A tick older than the stored price is left out; the batch that stored the
        # newer one revalues with it.
        current = self.prices.record(conflate(ticks))
        by_pool: dict[str, dict[str, Decimal]] = {}
        for point in current:
            for pool_id in self.repo.pools_holding(point.symbol):
                by_pool.setdefault(pool_id, {})[point.symbol] = point.price
        return BatchOutcome(ticks=len(ticks), symbols_updated=len(current), pools_revalued=self._revalue(by_pool))

    def _revalue(self, by_pool: dict[str, dict[str, Decimal]]) -> int:
        """Every pool at its new prices: read together, written together. A pool that
        changed meanwhile (a contribution, a trade) is read again and revalued on
        top of the change; the others are stored regardless."""
        pending, revalued = by_pool, 0
        for _ in range(MAX_ATTEMPTS):
            pools = self.repo.get_pools(sorted(pending))
            stamp = Stamp(entry_id="", at=self._clock(), actor="market")
            batch = []
            for pool_id in sorted(pending):
                pool = pools.get(pool_id)
                if pool is None:
                    continue
                new = portfolio.revalue(pool, pending[pool_id], stamp)
                if new is not pool:
                    batch.append(Revaluation(new, pool.version, record_nav=_first_this_second(pool, new)))
            changed = self.repo.revalue_many(batch)
            revalued += len(batch) - len(changed)
            pending = {pool_id: pending[pool_id] for pool_id in changed}
            if not pending:
                return revalued
        raise VersionConflict(sorted(pending)[0])

    def latest(self, who: Principal, symbol: str) -> PricePoint:
        if not (who.is_manager or who.is_finance):  # the staff's tool; the portal shows investors their NAV
            raise Forbidden("market prices are for fund managers and finance", code="forbidden")
        point = self.prices.latest(portfolio.clean_symbol(symbol))
        if point is None:
            raise NotFound(f"no price has been received for {symbol}", field="symbol", code="price_not_found")
        return point
