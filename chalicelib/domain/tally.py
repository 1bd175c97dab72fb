"""A pool's running counts for the firm at a glance: money in and out this month and
this year, open orders and movements awaiting finance. They are kept on the pool
as each commit lands (the firm screen reads one item per pool, never a ledger),
derived from the commit's ledger entry alone, so no decision has to remember them.

Month and year figures are for the month and year they name: a reader in a later
month reads them as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from .model import EntryType, LedgerEntry, Pool, Tally
from .money import ZERO
from .orders import Order, OrderStatus

__all__ = ["Tally", "counted", "flows_in"]


def _flow(entry: LedgerEntry) -> tuple[str, Decimal]:
    """(in or out, amount) of an investor's money movement, or ("", 0)."""
    amount = entry.amount or ZERO
    if entry.type is EntryType.CONTRIBUTION:
        return "in", amount
    if entry.type is EntryType.WITHDRAWAL:
        return "out", amount
    if entry.type is EntryType.REVERSAL and entry.investor_id and entry.units_delta:
        # A contribution undone takes money in back out; a withdrawal undone, the reverse.
        return ("in", -amount) if entry.cash_delta < 0 else ("out", -amount)
    return "", ZERO


def counted(pool: Pool, entry: LedgerEntry, orders: Sequence[Order] = ()) -> Pool:
    """The pool with its tally moved by one committed entry (and the orders it leaves)."""
    t = pool.tally
    day = entry.created_at.date()
    month = f"{day:%Y-%m}"
    if t.month != month:
        t = replace(t, month=month, month_in=ZERO, month_out=ZERO)
    if t.year != day.year:
        t = replace(t, year=day.year, year_in=ZERO, year_out=ZERO)
    side, amount = _flow(entry)
    if side == "in":
        t = replace(t, month_in=t.month_in + amount, year_in=t.year_in + amount)
    elif side == "out":
        t = replace(t, month_out=t.month_out + amount, year_out=t.year_out + amount)
    if entry.type is EntryType.ORDER_PLACED:
        t = replace(t, open_orders=t.open_orders + 1)
    elif entry.type is EntryType.ORDER_CANCELLED:
        t = replace(t, open_orders=max(t.open_orders - 1, 0))
    else:
        done = sum(1 for o in orders if o.status is OrderStatus.SETTLED)
        t = replace(t, open_orders=max(t.open_orders - done, 0))
    if entry.type is EntryType.APPROVAL_REQUESTED:
        t = replace(t, awaiting_approval=t.awaiting_approval + 1)
    elif entry.type in (EntryType.APPROVAL_GRANTED, EntryType.APPROVAL_REJECTED):
        t = replace(t, awaiting_approval=max(t.awaiting_approval - 1, 0))
    return replace(pool, tally=t)


def flows_in(t: Tally, today: date) -> tuple[tuple[Decimal, Decimal], tuple[Decimal, Decimal]]:
    """((in, out) this month, (in, out) this year) as of ``today``: zero for a period the tally is not for."""
    month = (t.month_in, t.month_out) if t.month == f"{today:%Y-%m}" else (ZERO, ZERO)
    year = (t.year_in, t.year_out) if t.year == today.year else (ZERO, ZERO)
    return month, year
