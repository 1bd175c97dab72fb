"""Stored balances against the ledger they cache: where do they disagree?

The pool item, its investor items and the booked distribution shares are
written by the same transactions that append to the ledger, so they must equal
a fold of it. Any difference is drift: a bug, a hand edit, or a lost write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .ledger import Folded, fold
from .model import Investor, Pool
from .money import ZERO


@dataclass(frozen=True, order=True)
class Drift:
    """One figure whose stored value is not what the ledger says."""

    figure: str  # e.g. "cash", "units", "fees payable", "position AAPL quantity", "investor inv_1 units"
    stored: Decimal
    ledger: Decimal

    @property
    def difference(self) -> Decimal:
        return self.stored - self.ledger

    def __str__(self) -> str:
        return f"{self.figure}: stored {self.stored}, ledger says {self.ledger} (difference {self.difference:+})"


def compare(
    pool: Pool,
    investors: Iterable[Investor],
    ledger: Iterable[Folded],
    paid_out: Mapping[str, Decimal],
) -> list[Drift]:
    """Every figure where the stored state disagrees with the ledger, sorted.

    ``paid_out`` is the sum of the distribution shares booked to each investor;
    an investor's ``paid_out`` must equal it, and together they can never exceed
    what the ledger distributed.
    """
    balances = fold(ledger)
    drift: list[Drift] = []

    def check(figure: str, stored: Decimal, expected: Decimal) -> None:
        if stored != expected:
            drift.append(Drift(figure, stored, expected))

    check("cash", pool.cash, balances.cash)
    check("units", pool.units, balances.units)
    check("fees payable", pool.fees_payable, balances.fees_payable)
    stored_positions = {symbol: p.quantity for symbol, p in pool.positions.items()}
    for symbol in sorted(stored_positions.keys() | balances.position_quantities.keys()):
        check(f"position {symbol} quantity", stored_positions.get(symbol, ZERO), balances.position_quantities.get(symbol, ZERO))

    members = {i.id: i for i in investors}
    for investor_id in sorted(members.keys() | balances.investor_units.keys()):
        member = members.get(investor_id)
        check(f"investor {investor_id} units", member.units if member else ZERO, balances.investor_units.get(investor_id, ZERO))
    for investor_id in sorted(members.keys() | paid_out.keys()):
        member = members.get(investor_id)
        check(f"investor {investor_id} paid out", member.paid_out if member else ZERO, paid_out.get(investor_id, ZERO))
    booked = sum(paid_out.values(), ZERO)
    if booked > balances.distributed:
        drift.append(Drift("distribution shares booked", booked, balances.distributed))
    return sorted(drift)
