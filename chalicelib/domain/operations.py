"""The accounting decisions. Each function checks the rules and returns the new
state with the ledger entry that records it, or raises a DomainError and
changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from . import money
from .allocation import allocate
from .errors import Conflict, InvalidInput, RuleViolation
from .model import (
    Allocation,
    EntryType,
    Investor,
    InvestorStatus,
    LedgerEntry,
    Pool,
    PoolStatus,
    Position,
    Stamp,
    TradeSide,
)
from .money import DecimalInput

MAX_NAME = 120


@dataclass(frozen=True)
class PoolDecision:
    pool: Pool
    entry: LedgerEntry


@dataclass(frozen=True)
class InvestorDecision:
    pool: Pool
    investor: Investor
    entry: LedgerEntry


@dataclass(frozen=True)
class DistributionDecision:
    pool: Pool
    entry: LedgerEntry
    allocations: tuple[Allocation, ...]


def clean_name(value: object, *, field: str = "name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} must not be empty", field=field, code="invalid_name")
    text = " ".join(value.split())
    if len(text) > MAX_NAME:
        raise InvalidInput(f"{field} must be at most {MAX_NAME} characters", field=field, code="invalid_name")
    if any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in text):
        raise InvalidInput(f"{field} contains control characters", field=field, code="invalid_name")
    return text


def _require_open(pool: Pool, doing: str) -> None:
    if pool.status is not PoolStatus.OPEN:
        raise Conflict(f"{pool.name} is closed: it cannot {doing} until a manager reopens it", code="pool_closed")


def _require_active(investor: Investor) -> None:
    if investor.status is not InvestorStatus.ACTIVE:
        raise Conflict("investor has been removed from this pool", field="investor_id", code="investor_removed")


def _touch(pool: Pool, stamp: Stamp, **changes: object) -> Pool:
    return replace(pool, updated_at=stamp.at, **changes)  # type: ignore[arg-type]


def _entry(pool: Pool, stamp: Stamp, type_: EntryType, **fields: object) -> LedgerEntry:
    return LedgerEntry(
        id=stamp.entry_id,
        pool_id=pool.id,
        type=type_,
        created_at=stamp.at,
        actor=stamp.actor,
        actor_name=stamp.actor_name,
        **fields,  # type: ignore[arg-type]
    )


# -- the pool itself -------------------------------------------------------


def open_pool(*, pool_id: str, name: str, currency: str, unit_price: DecimalInput, manager_id: str, stamp: Stamp) -> PoolDecision:
    clean = clean_name(name)
    money.minor_units(currency)  # refuses an unknown currency
    price = money.parse_decimal(unit_price, field="unit_price", places=money.NAV_PER_UNIT_PLACES, what="unit_price")
    pool = Pool(
        id=pool_id,
        name=clean,
        currency=currency,
        unit_price=price,
        manager_id=manager_id,
        created_at=stamp.at,
        updated_at=stamp.at,
    )
    return PoolDecision(pool, _entry(pool, stamp, EntryType.POOL_OPENED, memo=clean, nav_per_unit=price))


def rename_pool(pool: Pool, name: str, stamp: Stamp) -> PoolDecision:
    clean = clean_name(name)
    return PoolDecision(_touch(pool, stamp, name=clean), _entry(pool, stamp, EntryType.POOL_RENAMED, memo=clean))


def set_status(pool: Pool, status: PoolStatus, stamp: Stamp) -> PoolDecision:
    if pool.status is status:
        raise Conflict(f"pool is already {status.value}", field="status", code=f"pool_already_{status.value}")
    type_ = EntryType.POOL_CLOSED if status is PoolStatus.CLOSED else EntryType.POOL_REOPENED
    return PoolDecision(_touch(pool, stamp, status=status), _entry(pool, stamp, type_))


# -- investors ---------------------------------------------------------------


def add_investor(pool: Pool, *, investor_id: str, name: str, email: str, stamp: Stamp) -> InvestorDecision:
    _require_open(pool, "add investors")
    clean = clean_name(name)
    mail = email.strip() if isinstance(email, str) else ""
    if mail and ("@" not in mail or len(mail) > 254 or " " in mail):
        raise InvalidInput("email is not a valid address", field="email", code="invalid_email")
    investor = Investor(pool_id=pool.id, id=investor_id, name=clean, email=mail, created_at=stamp.at, updated_at=stamp.at)
    new_pool = _touch(pool, stamp, investor_count=pool.investor_count + 1)
    entry = _entry(pool, stamp, EntryType.INVESTOR_ADDED, investor_id=investor_id, investor_name=clean, memo=clean)
    return InvestorDecision(new_pool, investor, entry)


def remove_investor(pool: Pool, investor: Investor, stamp: Stamp) -> InvestorDecision:
    _require_active(investor)
    if investor.units != 0:
        raise Conflict(
            f"investor still holds {investor.units} units; withdraw them first",
            field="investor_id",
            code="investor_holds_units",
        )
    removed = replace(investor, status=InvestorStatus.REMOVED, updated_at=stamp.at)
    new_pool = _touch(pool, stamp, investor_count=pool.investor_count - 1)
    return InvestorDecision(
        new_pool, removed, _entry(pool, stamp, EntryType.INVESTOR_REMOVED, investor_id=investor.id, investor_name=investor.name)
    )


# -- money in and out --------------------------------------------------------


def contribute(pool: Pool, investor: Investor, amount: DecimalInput, stamp: Stamp) -> InvestorDecision:
    _require_open(pool, "take contributions")
    _require_active(investor)
    value = money.parse_amount(amount, pool.currency)
    if pool.units > 0 and pool.nav <= 0:
        raise RuleViolation("the pool has no value, so units cannot be priced", code="pool_has_no_value")
    # Units = amount / NAV per unit, computed from NAV and units directly so no
    # rounded price sits in between, then rounded DOWN: the newcomer absorbs
    # the rounding and existing investors are never diluted.
    if pool.units == 0:
        issued = money.quantize_units(money.div(value, pool.unit_price))
    else:
        issued = money.quantize_units(money.div(money.mul(value, pool.units), pool.nav))
    if issued <= 0:
        raise RuleViolation("amount is too small to issue any units", field="amount", code="amount_too_small")
    price = pool.nav_per_unit
    new_pool = _touch(pool, stamp, cash=pool.cash + value, units=pool.units + issued)
    new_investor = replace(investor, units=investor.units + issued, contributed=investor.contributed + value, updated_at=stamp.at)
    entry = _entry(
        pool,
        stamp,
        EntryType.CONTRIBUTION,
        investor_id=investor.id,
        investor_name=investor.name,
        amount=value,
        units=issued,
        nav_per_unit=price,
        nav_before=pool.nav,
        cash_delta=value,
        units_delta=issued,
    )
    return InvestorDecision(new_pool, new_investor, entry)


def withdraw(
    pool: Pool,
    investor: Investor,
    stamp: Stamp,
    *,
    amount: DecimalInput | None = None,
    units: DecimalInput | None = None,
) -> InvestorDecision:
    """Pay an investor out at the current NAV per unit, by amount or by units."""
    _require_open(pool, "pay withdrawals")
    _require_active(investor)
    if (amount is None) == (units is None):
        raise InvalidInput("give either amount or units, not both", field="amount", code="amount_or_units")
    if pool.units == 0 or pool.nav <= 0:
        raise RuleViolation("the pool has no value to withdraw", code="pool_has_no_value")
    holding = money.shown(pool.value_of(investor.units), pool.currency)
    if amount is not None:
        paid = money.parse_amount(amount, pool.currency)
        # Units redeemed round UP: the leaver gives up at least what the cash is worth.
        redeemed = money.quantize_units(money.div(money.mul(paid, pool.units), pool.nav), money.ROUND_UP)
        if redeemed > investor.units:
            raise RuleViolation(
                f"{investor.name} holds {investor.units} units worth {holding}; "
                f"{money.shown(paid, pool.currency)} needs {redeemed} units",
                field="amount",
                code="insufficient_units",
            )
    elif units is not None:
        redeemed = money.parse_units(units)
        if redeemed > investor.units:
            raise RuleViolation(
                f"{investor.name} holds only {investor.units} units (worth {holding})", field="units", code="insufficient_units"
            )
        # Cash paid for units rounds DOWN: the remainder stays with the pool.
        paid = pool.value_of(redeemed)
        if paid <= 0:
            raise RuleViolation("those units are worth less than the smallest amount", field="units", code="amount_too_small")
    if paid > pool.cash:
        raise RuleViolation(
            f"the pool holds only {money.shown(pool.cash, pool.currency)} in cash; sell positions to raise cash first",
            field="amount" if amount is not None else "units",
            code="insufficient_cash",
        )
    price = pool.nav_per_unit
    new_pool = _touch(pool, stamp, cash=pool.cash - paid, units=pool.units - redeemed)
    new_investor = replace(investor, units=investor.units - redeemed, withdrawn=investor.withdrawn + paid, updated_at=stamp.at)
    entry = _entry(
        pool,
        stamp,
        EntryType.WITHDRAWAL,
        investor_id=investor.id,
        investor_name=investor.name,
        amount=paid,
        units=redeemed,
        nav_per_unit=price,
        nav_before=pool.nav,
        cash_delta=-paid,
        units_delta=-redeemed,
    )
    return InvestorDecision(new_pool, new_investor, entry)


def distribute(
    pool: Pool, holders: Sequence[Investor], amount: DecimalInput, memo: str | None, stamp: Stamp
) -> DistributionDecision:
    """Pay ``amount`` out of cash to every unit holder, pro rata by units.

    ``holders`` must be every investor of the pool holding units; the split is
    by the largest-remainder method in minor units, so it sums exactly.
    """
    _require_open(pool, "pay distributions")
    total = money.parse_amount(amount, pool.currency)
    note = clean_name(memo, field="memo") if memo else None
    if total > pool.cash:
        raise RuleViolation(
            f"the pool holds only {money.shown(pool.cash, pool.currency)} in cash", field="amount", code="insufficient_cash"
        )
    weights = [(h.id, h.units) for h in holders if h.units > 0 and h.status is InvestorStatus.ACTIVE]
    held = sum((w for _, w in weights), Decimal(0))
    if held != pool.units:
        # The caller passed a partial or stale list: refuse rather than misallocate.
        raise Conflict("investor holdings do not add up to the pool's units; retry", code="stale_holdings")
    parts = allocate(money.to_minor(total, pool.currency), weights)
    units_by_id = dict(weights)
    allocations = tuple(
        Allocation(investor_id=key, units=units_by_id[key], amount=money.from_minor(parts[key], pool.currency))
        for key, _ in weights
    )
    new_pool = _touch(pool, stamp, cash=pool.cash - total)
    entry = _entry(
        pool,
        stamp,
        EntryType.DISTRIBUTION,
        amount=total,
        nav_per_unit=pool.nav_per_unit,
        nav_before=pool.nav,
        cash_delta=-total,
        memo=note,
        allocation_count=len(allocations),
    )
    return DistributionDecision(new_pool, entry, allocations)


def shares_fingerprint(allocations: Sequence[Allocation]) -> str:
    """Names one exact split: the same investors, units and amounts give the same
    id, so a distribution can insist on paying exactly what was previewed."""
    text = "|".join(f"{a.investor_id}:{a.units}:{a.amount}" for a in sorted(allocations, key=lambda a: a.investor_id))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- the portfolio -----------------------------------------------------------


def clean_symbol(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput('symbol must be a string such as "AAPL"', field="symbol", code="invalid_symbol")
    symbol = value.strip().upper()
    if not symbol or len(symbol) > 20 or not all(c.isascii() and (c.isalnum() or c in ".-:/_") for c in symbol):
        raise InvalidInput("symbol must be 1-20 letters, digits or . - : / _", field="symbol", code="invalid_symbol")
    return symbol


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
) -> PoolDecision:
    """Buy or sell a position. What is held is marked at ``market_price``, the
    latest price the market feed gave for the symbol; only when none is known is
    the trade's own price the best mark there is (a fill away from the market must
    not move NAV as if the market had moved)."""
    _require_open(pool, "trade")
    sym = clean_symbol(symbol)
    try:
        trade_side = TradeSide(str(side))
    except ValueError:
        raise InvalidInput('side must be "buy" or "sell"', field="side", code="invalid_side") from None
    qty = money.parse_decimal(quantity, field="quantity", places=money.QUANTITY_PLACES, what="quantity")
    px = money.parse_decimal(price, field="price", places=money.PRICE_PLACES, what="price")
    fee = money.parse_amount("0" if fees is None else fees, pool.currency, field="fees", allow_zero=True)
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
    new_pool = _touch(pool, stamp, cash=pool.cash + cash_delta, positions=positions)
    entry = _entry(
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
    )
    return PoolDecision(new_pool, entry)


def receive_dividend(pool: Pool, *, symbol: str, amount: DecimalInput, stamp: Stamp) -> PoolDecision:
    _require_open(pool, "take dividends")
    sym = clean_symbol(symbol)
    value = money.parse_amount(amount, pool.currency)
    new_pool = _touch(pool, stamp, cash=pool.cash + value)
    return PoolDecision(new_pool, _entry(pool, stamp, EntryType.DIVIDEND, symbol=sym, amount=value, cash_delta=value))


def charge_fee(pool: Pool, *, amount: DecimalInput, description: str, stamp: Stamp) -> PoolDecision:
    _require_open(pool, "pay fees")
    value = money.parse_amount(amount, pool.currency)
    if value > pool.cash:
        raise RuleViolation(
            f"the pool holds only {money.shown(pool.cash, pool.currency)} in cash", field="amount", code="insufficient_cash"
        )
    note = clean_name(description, field="description")
    new_pool = _touch(pool, stamp, cash=pool.cash - value)
    return PoolDecision(new_pool, _entry(pool, stamp, EntryType.FEE, amount=value, cash_delta=-value, memo=note))


def revalue(pool: Pool, prices: Mapping[str, Decimal], stamp: Stamp) -> Pool:
    """Mark held positions at new market prices. Not a ledger event: NAV history records it."""
    positions = dict(pool.positions)
    changed = False
    for sym, position in pool.positions.items():
        new_price = prices.get(sym)
        if new_price is not None and new_price > 0 and new_price != position.last_price:
            positions[sym] = replace(position, last_price=new_price)
            changed = True
    return _touch(pool, stamp, positions=positions, valued_at=stamp.at) if changed else pool
