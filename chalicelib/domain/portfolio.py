"""What the pool holds: trades, dividends, fees, and marking positions at market
prices. Each decision checks the rules and returns the new state with the ledger
entry that records it (a revaluation is not a ledger event: NAV history keeps it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from . import money
from .decisions import PoolDecision, clean_name, new_entry, require_open, touch
from .errors import InvalidInput, RuleViolation
from .model import EntryType, Pool, Position, Stamp, TradeSide
from .money import DecimalInput

# 1-20 ASCII letters, digits or . - : / _ (a regular expression: every tick's symbol is checked).
_SYMBOL = re.compile(r"[A-Z0-9.\-:/_]{1,20}")


def clean_symbol(value: object) -> str:
    if type(value) is str and _SYMBOL.fullmatch(value) is not None:
        return value  # already clean, as every market tick's is
    if not isinstance(value, str):
        raise InvalidInput('symbol must be a string such as "AAPL"', field="symbol", code="invalid_symbol")
    symbol = value.strip().upper()
    if _SYMBOL.fullmatch(symbol) is None:
        raise InvalidInput("symbol must be 1-20 letters, digits or . - : / _", field="symbol", code="invalid_symbol")
    return symbol


def trade_day(value: object, stamp: Stamp) -> date:
    """The day it happened at the broker: today by default, never in the future."""
    if value is None:
        return stamp.at.date()
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("trade_date must be a date like 2026-12-01", field="trade_date", code="invalid_trade_date")
    if day > stamp.at.date():
        raise InvalidInput(f"trade_date {day} is in the future", field="trade_date", code="invalid_trade_date")
    return day


def trade(
    pool: Pool,
    *,
    symbol: str,
    side: str,
    quantity: DecimalInput,
    price: DecimalInput,
    fees: DecimalInput,
    stamp: Stamp,
    memo: str | None = None,
    market_price: Decimal | None = None,
    trade_date: object = None,
) -> PoolDecision:
    """Buy or sell a position. What is held is marked at ``market_price``, the
    latest price the market feed gave for the symbol; only when none is known is
    the trade's own price the best mark there is (a fill away from the market must
    not move NAV as if the market had moved)."""
    require_open(pool, "trade")
    sym = clean_symbol(symbol)
    try:
        trade_side = TradeSide(str(side))
    except ValueError:
        raise InvalidInput('side must be "buy" or "sell"', field="side", code="invalid_side") from None
    qty = money.parse_decimal(quantity, field="quantity", places=money.QUANTITY_PLACES, what="quantity")
    px = money.parse_decimal(price, field="price", places=money.PRICE_PLACES, what="price")
    fee = money.parse_amount("0" if fees is None else fees, pool.currency, field="fees", allow_zero=True)
    traded = trade_day(trade_date, stamp)
    gross = money.quantize_money(money.mul(qty, px), pool.currency)
    current = pool.positions.get(sym, Position(sym, money.ZERO, money.ZERO, px))
    if trade_side is TradeSide.BUY:
        cash_delta = -(gross + fee)
        if -cash_delta > pool.cash:
            raise RuleViolation(
                f"buying costs {money.shown(-cash_delta, pool.currency)} "
                f"but the pool holds {money.shown(pool.cash, pool.currency)} in cash",
                field="quantity",
                code="insufficient_cash",
            )
        new_qty = current.quantity + qty
        # Cost basis includes fees, as a fund accountant books them.
        basis = money.mul(current.quantity, current.avg_cost) + gross + fee
        avg = money.quantize_places(money.div(basis, new_qty), money.PRICE_PLACES)
    else:
        if qty > current.quantity:
            raise RuleViolation(
                f"the pool holds {current.quantity} {sym}; it cannot sell {qty}", field="quantity", code="insufficient_position"
            )
        cash_delta = gross - fee
        if pool.cash + cash_delta < 0:
            raise RuleViolation("fees exceed the proceeds and the pool's cash", field="fees", code="insufficient_cash")
        new_qty = current.quantity - qty
        avg = current.avg_cost if new_qty > 0 else money.ZERO
    positions = dict(pool.positions)
    if new_qty > 0:
        positions[sym] = Position(sym, new_qty, avg, px if market_price is None else market_price)
    else:
        positions.pop(sym, None)  # a closed position leaves the book; the ledger keeps its trades
    note = clean_name(memo, field="memo") if memo else None
    new_pool = touch(pool, stamp, cash=pool.cash + cash_delta, positions=positions)
    entry = new_entry(
        pool,
        stamp,
        EntryType.TRADE,
        symbol=sym,
        side=trade_side,
        quantity=qty,
        price=px,
        fees=fee,
        amount=gross,
        cash_delta=cash_delta,
        memo=note,
        trade_date=traded,
    )
    return PoolDecision(new_pool, entry)


def receive_dividend(pool: Pool, *, symbol: str, amount: DecimalInput, stamp: Stamp, trade_date: object = None) -> PoolDecision:
    require_open(pool, "take dividends")
    sym = clean_symbol(symbol)
    value = money.parse_amount(amount, pool.currency)
    day = trade_day(trade_date, stamp)
    new_pool = touch(pool, stamp, cash=pool.cash + value)
    entry = new_entry(pool, stamp, EntryType.DIVIDEND, symbol=sym, amount=value, cash_delta=value, trade_date=day)
    return PoolDecision(new_pool, entry)


def charge_fee(pool: Pool, *, amount: DecimalInput, description: str, stamp: Stamp, trade_date: object = None) -> PoolDecision:
    require_open(pool, "pay fees")
    value = money.parse_amount(amount, pool.currency)
    day = trade_day(trade_date, stamp)
    if value > pool.cash:
        raise RuleViolation(
            f"the pool holds only {money.shown(pool.cash, pool.currency)} in cash", field="amount", code="insufficient_cash"
        )
    note = clean_name(description, field="description")
    new_pool = touch(pool, stamp, cash=pool.cash - value)
    return PoolDecision(
        new_pool, new_entry(pool, stamp, EntryType.FEE, amount=value, cash_delta=-value, memo=note, trade_date=day)
    )


def revalue(pool: Pool, prices: Mapping[str, Decimal], stamp: Stamp) -> Pool:
    """Mark held positions at new market prices. Not a ledger event: NAV history records it."""
    positions = dict(pool.positions)
    changed = False
    for sym, position in pool.positions.items():
        new_price = prices.get(sym)
        if new_price is not None and new_price > 0 and new_price != position.last_price:
            positions[sym] = replace(position, last_price=new_price)
            changed = True
    return touch(pool, stamp, positions=positions, valued_at=stamp.at) if changed else pool
