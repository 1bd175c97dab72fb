"""Balances as a fold of the append-only ledger.

Stored balances are a cache of this fold; reconciliation refolds and compares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Protocol

from .model import EntryType, TradeSide
from .money import ZERO


class Folded(Protocol):
    """What a fold reads of an entry: a LedgerEntry, or a Movement."""

    @property
    def type(self) -> EntryType: ...
    @property
    def cash_delta(self) -> Decimal: ...
    @property
    def units_delta(self) -> Decimal: ...
    @property
    def payable_delta(self) -> Decimal: ...
    @property
    def investor_id(self) -> str | None: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def symbol(self) -> str | None: ...
    @property
    def side(self) -> TradeSide | None: ...
    @property
    def quantity(self) -> Decimal | None: ...
    @property
    def books_shares(self) -> bool: ...


class Movement(NamedTuple):
    """Only what a fold reads of a ledger entry. Reconciliation refolds every entry of
    every pool each night: decoding these ten of an entry's thirty-one fields, into a
    tuple, is what makes a refold several times faster than reading whole entries."""

    type: EntryType
    cash_delta: Decimal
    units_delta: Decimal
    payable_delta: Decimal
    investor_id: str | None
    amount: Decimal | None
    symbol: str | None
    side: TradeSide | None
    quantity: Decimal | None
    allocation_count: int | None

    @property
    def books_shares(self) -> bool:
        """As LedgerEntry.books_shares: a distribution, or a distribution's reversal."""
        return self.type is EntryType.DISTRIBUTION or (self.type is EntryType.REVERSAL and self.allocation_count is not None)


@dataclass
class Balances:
    cash: Decimal = ZERO
    units: Decimal = ZERO
    investor_units: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    position_quantities: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    distributed: Decimal = ZERO
    fees_payable: Decimal = ZERO

    def apply(self, entry: Folded) -> None:
        self.cash += entry.cash_delta
        self.units += entry.units_delta
        self.fees_payable += entry.payable_delta
        if entry.investor_id is not None and entry.units_delta:
            self.investor_units[entry.investor_id] += entry.units_delta
        # A trade, or the reversal of one (recorded as the opposite side).
        if entry.side is not None and entry.symbol and entry.quantity is not None:
            sign = 1 if entry.side is TradeSide.BUY else -1
            self.position_quantities[entry.symbol] += sign * entry.quantity
        if entry.books_shares and entry.amount is not None:
            self.distributed += entry.amount if entry.type is EntryType.DISTRIBUTION else -entry.amount


def fold(entries: Iterable[Folded]) -> Balances:
    balances = Balances()
    for entry in entries:
        balances.apply(entry)
    return balances
