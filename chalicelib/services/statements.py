"""An investor's statement: what they put in, took out and were paid, with the units
each movement issued or redeemed, from the pool's ledger."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chalicelib.domain.model import EntryType, Investor, LedgerEntry, Pool

from .ports import PoolRepository


@dataclass(frozen=True)
class StatementLine:
    """One movement on an investor's statement: the ledger entry and what it meant for them."""

    entry: LedgerEntry
    amount: Decimal
    units: Decimal


@dataclass(frozen=True)
class Statement:
    """An investor's history in a pool, oldest first, with the pool and investor as read."""

    pool: Pool
    investor: Investor
    lines: list[StatementLine]


def investor_statement(repo: PoolRepository, pool: Pool, investor: Investor) -> Statement:
    """Contributions and withdrawals with the units issued or redeemed, their
    reversals, and each payout the investor received or gave back when a
    distribution was reversed (the same shares their paid_out adds up), oldest first."""
    ledger = repo.ledger(pool.id)
    paid = repo.booked_shares(pool.id, investor.id, [e.id for e in ledger if e.books_shares])
    lines: list[StatementLine] = []
    for e in ledger:
        if e.investor_id == investor.id and e.type in (EntryType.CONTRIBUTION, EntryType.WITHDRAWAL):
            lines.append(StatementLine(e, e.amount or Decimal(0), e.units or Decimal(0)))
        elif e.investor_id == investor.id and e.type is EntryType.REVERSAL:
            # Undoing a contribution or withdrawal: the units come off or back (signed), for the same amount.
            lines.append(StatementLine(e, e.amount or Decimal(0), e.units_delta))
        elif e.id in paid:
            lines.append(StatementLine(e, paid[e.id].amount, Decimal(0)))
    return Statement(pool, investor, lines)
