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

from . import fees as charging
from . import money
from .dealing import DealingPolicy, Frequency, in_lockup
from .errors import Conflict, Forbidden
from .fees import Lot
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
    performance_fee: Decimal = money.ZERO  # the redeemed lots' accrued fee, collected from what is paid

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
    # Fees (fees.py): fees payable before this valuation, the management fee it
    # accrues over ``fee_days``, the performance fee accrued across investors at its
    # NAV per unit, and whether (and how much) it crystallises once orders settle.
    fees_payable: Decimal = money.ZERO
    management_fee: Decimal = money.ZERO
    fee_days: int = 0
    performance_accrued: Decimal = money.ZERO
    crystallises: bool = False
    performance_crystallising: Decimal = money.ZERO

    @property
    def gross_assets(self) -> Decimal:
        """Cash and positions at the frozen prices, before fees."""
        return self.nav + self.fees_payable + self.management_fee

    @property
    def books_anything(self) -> bool:
        """Whether approving it leaves orders to settle or fees to crystallise."""
        return bool(self.settlements) or self.performance_crystallising > 0

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
    lots: Mapping[str, Sequence[Lot]] | None = None,
) -> Valuation:
    """The valuation of ``pool`` for ``dealing_date`` from frozen ``quotes`` (a held
    symbol without one keeps its last price and is named in the warnings), with
    the settlement of each of the day's ``orders`` (oldest first). A fee-charging
    pool accrues its management fee first, then each investor's performance fee
    on their ``lots`` (every holder's, oldest first, adding up to what they hold)."""
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
    gross = money.quantize_money(pool.cash + sum((p.market_value for p in positions), money.ZERO), cur)
    days = (dealing_date - pool.fees_accrued_to).days if pool.fees_accrued_to else 0
    management = charging.management_fee(pool.fees, gross - pool.fees_payable, days, cur)
    nav = gross - pool.fees_payable - management
    settlements = _settle(pool, policy, nav, orders, first_subscribed=first_subscribed, day=dealing_date, lots=lots or {})
    fee_view = _performance(pool, nav, lots or {}, settlements, dealing_date)
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
        fees_payable=pool.fees_payable,
        management_fee=management,
        fee_days=max(days, 0),
        performance_accrued=fee_view[0],
        crystallises=fee_view[1],
        performance_crystallising=fee_view[2],
    )


def _performance(
    pool: Pool, nav: Decimal, lots: Mapping[str, Sequence[Lot]], settlements: Sequence[Settlement], day: date
) -> tuple[Decimal, bool, Decimal]:
    """The performance fee accrued across investors, whether the day crystallises, and what it crystallises
    (each investor's lots after the day's redemptions took theirs)."""
    zero = money.quantize_money(money.ZERO, pool.currency)
    if not pool.fees.charges or pool.units == 0:
        return zero, False, zero
    price = money.quantize_places(money.div(nav, pool.units), money.NAV_PER_UNIT_PLACES)
    paid, cur = pool.distributed_per_unit, pool.currency
    accrued = sum((charging.investor_accrual(pool.fees, h, price, day, cur, distributed=paid) for h in lots.values()), zero)
    through = pool.fees_crystallised_through or pool.fees.since or day  # fees began: no period closed before
    if not charging.crystallises(pool.fees, pool.dealing.frequency, day, through):
        return accrued, False, zero
    kept = dict(lots)
    for s in settlements:
        if s.type is OrderType.REDEMPTION and s.investor_id in kept:
            taken = charging.redeem(
                pool.fees, kept[s.investor_id], s.units, nav_per_unit=price, on=day, currency=pool.currency, distributed=paid
            )
            kept[s.investor_id] = taken.lots
    due = sum((charging.crystallise_investor(pool.fees, h, price, day, cur, distributed=paid).fee for h in kept.values()), zero)
    return accrued, True, due


def _settle(
    pool: Pool,
    policy: DealingPolicy,
    nav: Decimal,
    orders: Sequence[Order],
    *,
    first_subscribed: Mapping[str, date],
    day: date,
    lots: Mapping[str, Sequence[Lot]],
) -> list[Settlement]:
    cur = pool.currency
    price = money.quantize_places(money.div(nav, pool.units), money.NAV_PER_UNIT_PLACES) if pool.units else pool.unit_price
    left = dict(lots)  # each investor's lots as the day's earlier redemptions leave them

    def performance_fee(investor_id: str, units: Decimal) -> Decimal:
        if not pool.fees.charges or investor_id not in left:
            return money.quantize_money(money.ZERO, cur)
        taken = charging.redeem(
            pool.fees, left[investor_id], units, nav_per_unit=price, on=day, currency=cur, distributed=pool.distributed_per_unit
        )
        left[investor_id] = taken.lots
        return taken.fee

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
            issued = units_for(cash, money.ROUND_DOWN)
            out.append(Settlement(o.id, o.investor_id, o.type, cash, issued, no_fee, Decimal(1), no_fee))
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
        performance = min(performance_fee(o.investor_id, units), gross - fee)
        out.append(Settlement(o.id, o.investor_id, o.type, gross - fee - performance, units, fee, fraction, performance))
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
