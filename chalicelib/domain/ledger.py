"""Balances as a fold of the append-only ledger.

Stored balances are a cache of this fold; reconciliation refolds and compares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .model import EntryType, LedgerEntry, TradeSide
from .money import ZERO


@dataclass
class Balances:
    cash: Decimal = ZERO
    units: Decimal = ZERO
    investor_units: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    position_quantities: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    distributed: Decimal = ZERO
    fees_payable: Decimal = ZERO

    def apply(self, entry: LedgerEntry) -> None:
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


def fold(entries: Iterable[LedgerEntry]) -> Balances:
    balances = Balances()
    for entry in entries:
        balances.apply(entry)
    return balances
