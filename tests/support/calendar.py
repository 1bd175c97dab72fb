"""The calendar a use case sees, set at the composition root (wiring.now), and the
market feed printing a price at a given time: for tests that walk through days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chalicelib import wiring
from chalicelib.services.market_ports import PricePoint


def set_calendar(monkeypatch: pytest.MonkeyPatch, start: datetime) -> Callable[[str], None]:
    """Stamp every decision at ``start`` until the returned setter moves the clock (ISO, UTC)."""
    now = {"at": start}
    monkeypatch.setattr(wiring, "now", lambda: now["at"])

    def to(when: str) -> None:
        now["at"] = datetime.fromisoformat(when).replace(tzinfo=UTC)

    return to


def tick(symbol: str, price: str, when: str) -> None:
    """The market feed prints a price at ``when`` (ISO, UTC), as the Kinesis consumer applies it."""
    at = datetime.fromisoformat(when).replace(tzinfo=UTC)
    wiring.market_data().apply([PricePoint(symbol, Decimal(price), Decimal(int(at.timestamp())))])
