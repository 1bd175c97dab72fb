"""Striking a forward pool's NAV for a dealing day, and what its orders settle at.

A valuation freezes the prices it is struck from, so what finance approves is
exactly what the orders settle at. Every order of the day settles at the same
struck ratio (NAV / units before the day's orders), with today's rounding
rules: units issued round down, units redeemed for an amount round up, cash
paid for units rounds down, and an early-redemption fee rounds up. So a forward
pool's investors are treated as an instant pool's, and no order dilutes another.

A valuation's life: proposed, then locked (approved by a second person, never
the proposer) or rejected (its orders wait for the next proposal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from . import money
from .dealing import DealingPolicy, Frequency, in_lockup
from .errors import Conflict, Forbidden
from .model import Pool
from .orders import GateShare, Order, OrderType, gate

# How old a price may be before the valuation names it as stale, by dealing frequency.
STALE_AFTER = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7), Frequency.MONTHLY: timedelta(days=31)}


class ValuationStatus(StrEnum):
    PROPOSED = "proposed"
    LOCKED = "locked"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Quote:
    """A price as frozen into a valuation, and when the market printed it (None: only a trade priced it)."""

    price: Decimal
    priced_at: datetime | None


@dataclass(frozen=True)
class PricedPosition:
    symbol: str
    quantity: Decimal
    price: Decimal
    priced_at: datetime | None
    market_value: Decimal


@dataclass(frozen=True)
class Settlement:
    """What one order settles at. ``amount`` is the cash that moves for the investor
    (paid in, or paid out net of ``fee``); ``units`` what is issued or redeemed.
    A gated redemption settles ``fraction`` of what it asked; the rest is carried."""

    order_id: str
    investor_id: str
    type: OrderType
    amount: Decimal
    units: Decimal
    fee: Decimal
    fraction: Decimal

    @property
    def gated(self) -> bool:
        return self.fraction < 1


@dataclass(frozen=True)
class Valuation:
    id: str
    pool_id: str
    dealing_date: date
    status: ValuationStatus
    cash: Decimal
    nav: Decimal
    units: Decimal
    unit_price: Decimal  # the launch price, NAV per unit while no units exist
    positions: tuple[PricedPosition, ...]
    settlements: tuple[Settlement, ...]
    warnings: tuple[str, ...]
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    settled: bool = False  # every order of an approved valuation is booked
    proposed_by_name: str | None = None
    decided_by_name: str | None = None

    @property
    def exact_nav_per_unit(self) -> Decimal:
        return money.div(self.nav, self.units) if self.units else self.unit_price

    @property
    def nav_per_unit(self) -> Decimal:
        """As shown and recorded: 6 places, half-even."""
        return money.quantize_places(self.exact_nav_per_unit, money.NAV_PER_UNIT_PLACES)


def _stale(policy: DealingPolicy, quote: Quote | None, at: datetime) -> bool:
    return quote is None or quote.priced_at is None or at - quote.priced_at > STALE_AFTER[policy.frequency]


def strike(
    pool: Pool,
    policy: DealingPolicy,
    quotes: Mapping[str, Quote],
    orders: Sequence[Order],
    first_subscribed: Mapping[str, date],
    *,
    valuation_id: str,
    dealing_date: date,
    proposed_by: str,
    at: datetime,
) -> Valuation:
    """The valuation of ``pool`` for ``dealing_date`` from frozen ``quotes`` (a held
    symbol without one keeps its last price and is named in the warnings), with
    the settlement of each of the day's ``orders`` (oldest first)."""
    cur = pool.currency
    positions, warnings = [], []
    for symbol, held in sorted(pool.positions.items()):
        quote = quotes.get(symbol)
        price = quote.price if quote is not None else held.last_price
        if quote is None:
            warnings.append(f"{symbol}: no market price; valued at its last price, {price}")
        elif _stale(policy, quote, at):
            when = quote.priced_at.isoformat() if quote.priced_at else "a trade, not the market"
            warnings.append(f"{symbol}: the price is older than a {policy.frequency.value} dealing cycle (from {when})")
        value = money.quantize_money(money.mul(held.quantity, price), cur)
        positions.append(PricedPosition(symbol, held.quantity, price, quote.priced_at if quote else None, value))
    nav = money.quantize_money(pool.cash + sum((p.market_value for p in positions), money.ZERO), cur)
    settlements = _settle(pool, policy, nav, orders, first_subscribed=first_subscribed, day=dealing_date)
    return Valuation(
        id=valuation_id,
        pool_id=pool.id,
        dealing_date=dealing_date,
        status=ValuationStatus.PROPOSED,
        cash=pool.cash,
        nav=nav,
        units=pool.units,
        unit_price=pool.unit_price,
        positions=tuple(positions),
        settlements=tuple(settlements),
        warnings=tuple(warnings),
        proposed_by=proposed_by,
        proposed_at=at,
    )


def _settle(
    pool: Pool, policy: DealingPolicy, nav: Decimal, orders: Sequence[Order], *, first_subscribed: Mapping[str, date], day: date
) -> list[Settlement]:
    cur = pool.currency

    def units_for(cash: Decimal, rounding: str) -> Decimal:
        if pool.units == 0:
            return money.quantize_units(money.div(cash, pool.unit_price), rounding)
        return money.quantize_units(money.div(money.mul(cash, pool.units), nav), rounding)

    def value_of(units: Decimal) -> Decimal:
        if pool.units == 0:
            return money.quantize_money(money.mul(units, pool.unit_price), cur, money.ROUND_DOWN)
        return money.quantize_money(money.div(money.mul(units, nav), pool.units), cur, money.ROUND_DOWN)

    no_fee = money.quantize_money(money.ZERO, cur)  # shown as the currency shows it: 0.00
    redemptions = [o for o in orders if o.type is OrderType.REDEMPTION]
    asked = [(o.id, o.amount if o.amount is not None else value_of(o.units or money.ZERO)) for o in redemptions]
    shares: dict[str, GateShare] = {s.order_id: s for s in gate(asked, None if policy.gate is None else policy.gate * nav)}
    out: list[Settlement] = []
    for o in orders:
        if o.type is OrderType.SUBSCRIPTION:
            cash = o.amount or money.ZERO
            out.append(Settlement(o.id, o.investor_id, o.type, cash, units_for(cash, money.ROUND_DOWN), no_fee, Decimal(1)))
            continue
        fraction = shares[o.id].fraction
        if o.units is not None:
            # Units asked: the gate's fraction of them (rounded down), paid at their value (rounded down).
            units = money.quantize_units(money.mul(o.units, fraction)) if fraction < 1 else o.units
            gross = value_of(units)
        else:
            # An amount asked: the gate's fraction of it (rounded down), for units rounded up.
            gross = money.quantize_money(money.mul(o.amount or money.ZERO, fraction), cur, money.ROUND_DOWN)
            units = units_for(gross, money.ROUND_UP)
        since = first_subscribed.get(o.investor_id)
        rate = policy.early_redemption_fee if since is not None and in_lockup(policy, since, day) else money.ZERO
        fee = money.quantize_money(money.mul(gross, rate), cur, money.ROUND_UP)
        out.append(Settlement(o.id, o.investor_id, o.type, gross - fee, units, fee, fraction))
    return out


def approve(valuation: Valuation, *, approver: str, at: datetime, name: str | None = None) -> Valuation:
    """Finance locks a proposed valuation: never the person who proposed it."""
    _require_proposed(valuation)
    if approver == valuation.proposed_by:
        raise Forbidden("a valuation is approved by someone other than the person who proposed it", code="approver_is_proposer")
    return replace(valuation, status=ValuationStatus.LOCKED, decided_by=approver, decided_at=at, decided_by_name=name)


def reject(valuation: Valuation, *, by: str, reason: str, at: datetime, name: str | None = None) -> Valuation:
    _require_proposed(valuation)
    return replace(valuation, status=ValuationStatus.REJECTED, decided_by=by, decided_at=at, reason=reason, decided_by_name=name)


def _require_proposed(valuation: Valuation) -> None:
    if valuation.status is not ValuationStatus.PROPOSED:
        raise Conflict(f"this valuation is already {valuation.status.value}", code=f"valuation_{valuation.status.value}")
