"""Market data's ports: the prices store, and what the pool repository does for
a batch of prices (read many pools at once, store many revaluations at once,
find who holds a symbol). A batch costs requests per symbol and per pool it
touches, never per tick."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple, Protocol

from chalicelib.domain.model import Pool

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class PricePoint(NamedTuple):
    """A price the market printed. A tuple, not a frozen dataclass: the prices
    consumer makes one per tick, and a tuple is made in a quarter of the time."""

    symbol: str
    price: Decimal
    ts: Decimal  # when the market printed it (unix seconds), not when we heard

    @property
    def printed_at(self) -> datetime:
        """``ts`` as a time, to the microsecond, without passing through a float."""
        return _EPOCH + timedelta(microseconds=int(self.ts * 1_000_000))


def last_of_each_day(points: Sequence[PricePoint]) -> list[PricePoint]:
    """The last print of each symbol on each day among ``points``: the only ones a close can be."""
    last: dict[tuple[str, date], PricePoint] = {}
    for p in points:
        day = (p.symbol, p.printed_at.date())
        if day not in last or last[day].ts <= p.ts:
            last[day] = p
    return list(last.values())


@dataclass(frozen=True)
class Revaluation:
    """A pool at new market prices, to be stored over the version it was computed from."""

    pool: Pool
    expected_version: int
    record_nav: bool  # also a NAV history point (the first revaluation of the pool in a second)


class MarketBook(Protocol):
    def get_pools(self, pool_ids: Sequence[str]) -> dict[str, Pool]:
        """The pools among these ids that exist, by id, read consistently in as few requests as the store allows."""
        ...

    def revalue_many(self, revaluations: Sequence[Revaluation]) -> set[str]:
        """Store each pool's new prices (no ledger entry) and NAV point, many pools a write.
        Returns the ids of those not stored because the pool changed since it was read."""
        ...

    def pools_holding(self, symbol: str) -> list[str]:
        """Ids of the pools with an open position in ``symbol``."""
        ...


class PriceStore(Protocol):
    def record(self, points: Sequence[PricePoint]) -> list[PricePoint]:
        """Store each point unless a newer one is stored. Returns the points that are
        now the stored price: those stored by this call, and those found stored
        exactly as given (an earlier attempt at the same batch stored them)."""
        ...

    def latest(self, symbol: str) -> PricePoint | None: ...

    def closes(self, symbol: str, start: date, end: date) -> list[tuple[date, Decimal]]:
        """Each day's closing price (its last print, UTC) from ``start`` to ``end``, oldest first."""
        ...
