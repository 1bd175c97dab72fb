"""Correcting the ledger: a wrong entry is never edited; a reversal entry undoes
its cash, units, positions and paid-out totals, and the two are linked both ways.

What a reversal refuses, and why:
- a balance would go negative: the investor has since withdrawn the units a
  contribution issued, the pool has since sold what a buy bought, or the cash a
  dividend or sale brought in is gone;
- the entry is already reversed, or is itself a reversal (make a new entry);
- in a forward pool, a locked valuation already settled on it: its struck NAV
  included the entry and orders dealt at it, so a correction is a new entry;
  and while a proposed valuation includes it, that valuation is rejected first;
- an entry that moved no money (a rename, an order placed) has nothing to undo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from . import money
from .decisions import clean_name, new_entry, require_open, touch
from .errors import Conflict, InvalidInput, RuleViolation
from .model import Allocation, EntryType, Investor, LedgerEntry, Pool, Position, Stamp, TradeSide
from .operations import reinvested

REVERSIBLE = frozenset(
    {EntryType.CONTRIBUTION, EntryType.WITHDRAWAL, EntryType.DISTRIBUTION, EntryType.TRADE, EntryType.DIVIDEND, EntryType.FEE}
)


@dataclass(frozen=True)
class ReversalDecision:
    pool: Pool
    entry: LedgerEntry
    investor: Investor | None = None
    # A distribution's shares, taken back: each investor's paid-out total falls by their share.
    allocations: tuple[Allocation, ...] = ()


def clean_reason(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("say why the entry is reversed", field="reason", code="missing_field")
    return clean_name(value.strip()[:500], field="reason")


def check_reversible(original: LedgerEntry, *, last_locked_at: datetime | None, proposed_at: datetime | None = None) -> None:
    if original.type is EntryType.REVERSAL:
        raise Conflict("a reversal is not reversed: record a new entry instead", code="not_reversible")
    if original.type in (EntryType.FEES_PAID, EntryType.FEES_CRYSTALLISED):
        raise Conflict(
            "fee entries follow from approved valuations and fees payable; they are not reversed", code="not_reversible"
        )
    if original.type not in REVERSIBLE:
        raise Conflict(f"a {original.type.value} entry moved no money; there is nothing to reverse", code="not_reversible")
    if original.reversed_by is not None:
        raise Conflict(f"this entry was already reversed by {original.reversed_by}", code="already_reversed")
    if original.valuation_id is not None or (last_locked_at is not None and original.created_at <= last_locked_at):
        raise Conflict(
            "a locked valuation already settled on this entry: correct it with a new entry instead",
            code="locked_by_valuation",
        )
    if proposed_at is not None and original.created_at <= proposed_at:
        raise Conflict(
            "the valuation in hand was struck with this entry in it: reject it first, then reverse, then propose again",
            code="valuation_in_hand",
        )


def reverse(
    pool: Pool,
    original: LedgerEntry,
    stamp: Stamp,
    *,
    reason: str,
    investor: Investor | None = None,
    shares: Sequence[Allocation] = (),
    last_locked_at: datetime | None = None,
    proposed_at: datetime | None = None,
    redeeming: Decimal = money.ZERO,
) -> ReversalDecision:
    """The reversal of ``original`` (with its investor, or a distribution's ``shares``), or a refusal naming why.
    ``redeeming`` is the units the investor's open redemption orders ask for: a reversal must leave them."""
    require_open(pool, "reverse entries")
    check_reversible(original, last_locked_at=last_locked_at, proposed_at=proposed_at)
    why = clean_reason(reason)
    cash_back = -original.cash_delta
    links: dict[str, object] = {"reverses": original.id, "memo": why, "amount": original.amount, "nav_before": pool.nav}
    if original.type in (EntryType.CONTRIBUTION, EntryType.WITHDRAWAL):
        return _reverse_movement(pool, original, stamp, investor, links, redeeming=redeeming)
    if original.type is not EntryType.TRADE:
        _require_cash(pool, cash_back)
    if original.type is EntryType.DISTRIBUTION:
        taken_back = tuple(Allocation(a.investor_id, a.units, -a.amount) for a in shares)
        entry = new_entry(pool, stamp, EntryType.REVERSAL, cash_delta=cash_back, allocation_count=len(taken_back), **links)
        paid_on = original.units or money.ZERO
        per_unit = money.quantize_places(money.div(cash_back, paid_on), 8) if paid_on else money.ZERO
        undone = touch(
            pool,
            stamp,
            cash=pool.cash + cash_back,
            distributed_per_unit=pool.distributed_per_unit - per_unit,
            reinvestment=reinvested(pool, cash_back),
        )
        return ReversalDecision(undone, entry, allocations=taken_back)
    if original.type is EntryType.TRADE:
        return _reverse_trade(pool, original, stamp, links)
    # A dividend or a fee: cash only.
    entry = new_entry(pool, stamp, EntryType.REVERSAL, cash_delta=cash_back, symbol=original.symbol, **links)
    return ReversalDecision(touch(pool, stamp, cash=pool.cash + cash_back), entry)


def _reverse_movement(
    pool: Pool, original: LedgerEntry, stamp: Stamp, investor: Investor | None, links: dict[str, object], *, redeeming: Decimal
) -> ReversalDecision:
    if investor is None or investor.id != original.investor_id:  # pragma: no cover - the use case reads it
        raise ValueError("the entry's investor is needed to reverse it")
    units_back = -original.units_delta
    if investor.units + units_back < 0:
        raise RuleViolation(
            f"{investor.name} holds {investor.units} units now; undoing the contribution takes {-units_back}",
            field="entry_id",
            code="insufficient_units",
        )
    if redeeming > 0 and investor.units + units_back < redeeming:
        # The valuation would strike redemptions of units no longer held, and could never settle them.
        raise RuleViolation(
            f"{investor.name}'s open redemption orders ask for {redeeming} units; undoing the contribution would leave "
            f"{investor.units + units_back}. Cancel the redemption first.",
            field="entry_id",
            code="units_being_redeemed",
        )
    _require_cash(pool, -original.cash_delta)
    amount = original.amount or money.ZERO
    if original.type is EntryType.CONTRIBUTION:
        undone = replace(investor, units=investor.units + units_back, contributed=investor.contributed - amount)
    else:
        undone = replace(investor, units=investor.units + units_back, withdrawn=investor.withdrawn - amount)
    entry = new_entry(
        pool,
        stamp,
        EntryType.REVERSAL,
        cash_delta=-original.cash_delta,
        units_delta=units_back,
        units=original.units,
        nav_per_unit=original.nav_per_unit,
        investor_id=investor.id,
        investor_name=investor.name,
        **links,
    )
    new_pool = touch(pool, stamp, cash=pool.cash - original.cash_delta, units=pool.units + units_back)
    return ReversalDecision(new_pool, entry, replace(undone, updated_at=stamp.at))


def _reverse_trade(pool: Pool, original: LedgerEntry, stamp: Stamp, links: dict[str, object]) -> ReversalDecision:
    symbol, qty = original.symbol or "", original.quantity or money.ZERO
    held = pool.positions.get(symbol)
    price = original.price or money.ZERO
    positions = dict(pool.positions)
    if original.side is TradeSide.BUY:
        if held is None or held.quantity < qty:
            raise RuleViolation(
                f"the pool holds {held.quantity if held else 0} {symbol} now; undoing the buy takes {qty}",
                field="entry_id",
                code="insufficient_position",
            )
        left = held.quantity - qty
        if left > 0:
            # The buy's cost (with its fees) leaves the cost basis with it.
            basis = money.mul(held.quantity, held.avg_cost) + original.cash_delta
            positions[symbol] = replace(
                held, quantity=left, avg_cost=money.quantize_places(money.div(basis, left), money.PRICE_PLACES)
            )
        else:
            positions.pop(symbol, None)
        undo_side = TradeSide.SELL
    else:
        # A sale left the cost basis alone; the units it sold come back at the basis still held (or their sale price).
        cost = held.avg_cost if held is not None else price
        mark = held.last_price if held is not None else price
        positions[symbol] = Position(symbol, (held.quantity if held else money.ZERO) + qty, cost, mark)
        undo_side = TradeSide.BUY
    _require_cash(pool, -original.cash_delta)
    entry = new_entry(
        pool,
        stamp,
        EntryType.REVERSAL,
        cash_delta=-original.cash_delta,
        symbol=symbol,
        side=undo_side,
        quantity=qty,
        price=price,
        fees=original.fees,
        **links,
    )
    return ReversalDecision(touch(pool, stamp, cash=pool.cash - original.cash_delta, positions=positions), entry)


def _require_cash(pool: Pool, cash_back: Decimal) -> None:
    if pool.cash + cash_back < 0:
        raise RuleViolation(
            f"undoing it takes {money.shown(-cash_back, pool.currency)} but the pool holds "
            f"{money.shown(pool.cash, pool.currency)} in cash",
            code="insufficient_cash",
        )


def link(original: LedgerEntry, reversal: LedgerEntry) -> LedgerEntry:
    """The original as it reads once reversed: the same figures, and who undid it."""
    return replace(original, reversed_by=reversal.id)
