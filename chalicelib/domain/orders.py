"""Orders in a forward-dealing pool: an investor's subscription or redemption,
waiting for its dealing day and settled at the NAV per unit struck for it.

An order's life: pending, then settled (at an approved valuation), cancelled
(by the manager, while its valuation is not yet proposed), or carried (a gate
paid part of it; the rest waits for the next dealing day, keeping its place in
the queue, and is settled or carried again there).

Settlement follows today's rounding rules, so a forward pool's investors are
treated exactly as an instant pool's: units issued round down, units redeemed
for an amount round up, cash paid for units rounds down. A redemption inside
the lock-up pays the early-redemption fee, kept by the pool (rounded up: the
leaver, not those who stay, bears the rounding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from . import money
from .dealing import DealingPolicy, dealing_date, is_dealing_day, next_dealing_day, notice_ends
from .decisions import require_active, require_open
from .errors import Conflict, InvalidInput, RuleViolation, one_of
from .model import Investor, Pool
from .money import DecimalInput


class OrderType(StrEnum):
    SUBSCRIPTION = "subscription"
    REDEMPTION = "redemption"


class OrderStatus(StrEnum):
    PENDING = "pending"
    SETTLED = "settled"
    CANCELLED = "cancelled"
    CARRIED = "carried"


OPEN_STATUSES = frozenset({OrderStatus.PENDING, OrderStatus.CARRIED})


@dataclass(frozen=True)
class Order:
    """What an investor asked for. ``amount`` is cash (a subscription, or a
    redemption by amount); ``units`` a redemption by units. Ids sort by arrival,
    which is the queue a gate keeps."""

    id: str
    pool_id: str
    investor_id: str
    type: OrderType
    received_at: datetime
    dealing_date: date | None  # None: the next valuation proposed (a pool without a cut-off)
    amount: Decimal | None = None
    units: Decimal | None = None
    status: OrderStatus = OrderStatus.PENDING
    investor_name: str = ""
    placed_by: str = ""
    # What has settled so far (a gated redemption settles in parts): cash moved, units, fees kept.
    settled_amount: Decimal = money.ZERO
    settled_units: Decimal = money.ZERO
    fee: Decimal = money.ZERO
    valuation_id: str | None = None  # the approved valuation it last settled at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def place(
    pool: Pool,
    investor: Investor,
    policy: DealingPolicy,
    *,
    order_id: str,
    type_: str,
    received_at: datetime,
    amount: DecimalInput | None = None,
    units: DecimalInput | None = None,
    redeeming: Decimal = money.ZERO,
    placed_by: str = "",
    requested: date | None = None,
) -> Order:
    """A new order, or a refusal naming why. ``redeeming`` is the units the
    investor's other open redemptions already ask for; ``requested`` a dealing
    day asked for (by default, the first the order can deal on)."""
    if not policy.is_forward:
        raise Conflict("this pool deals at once: record a contribution or withdrawal instead", code="instant_dealing")
    require_open(pool, "take orders")
    require_active(investor)
    kind = one_of(OrderType, type_, "type")
    day = dealing_date(policy, received_at)
    who = investor.name
    if kind is OrderType.SUBSCRIPTION:
        if units is not None:
            raise InvalidInput("a subscription is for an amount, not units", field="units", code="amount_or_units")
        if amount is None:
            raise InvalidInput("amount is required", field="amount", code="missing_field")
        cash_in = money.parse_amount(amount, pool.currency)
        if requested is not None:
            day = _requested_day(policy, requested, day, received_at, notice=False)
        return Order(
            order_id, pool.id, investor.id, kind, received_at, day, cash_in, None, investor_name=who, placed_by=placed_by
        )
    if (amount is None) == (units is None):
        raise InvalidInput("give either amount or units, not both", field="amount", code="amount_or_units")
    free = investor.units - redeeming
    cash: Decimal | None = None
    wanted: Decimal | None = None
    if units is not None:
        wanted = money.parse_units(units)
        if wanted > free:
            raise RuleViolation(
                f"{investor.name} holds {investor.units} units, {redeeming} of them already asked for by other "
                f"redemptions; {wanted} units cannot be redeemed",
                field="units",
                code="insufficient_units",
            )
    else:
        assert amount is not None  # the line above: exactly one of the two was given
        cash = money.parse_amount(amount, pool.currency)
        needs = units_for_amount(pool, cash)
        if free <= 0 or needs > free:
            raise RuleViolation(
                f"{investor.name} holds {investor.units} units, {redeeming} of them already asked for by other "
                f"redemptions; {money.shown(cash, pool.currency)} needs about {needs} units at today's indicative NAV",
                field="amount",
                code="insufficient_units",
            )
    if policy.redemption_notice_days and day is not None:
        # The notice period runs from when the order arrives: it deals on the first dealing day after it.
        day = max(day, next_dealing_day(policy.frequency, notice_ends(policy, received_at)))
    day = _requested_day(policy, requested, day, received_at, notice=True) if requested is not None else day
    return Order(order_id, pool.id, investor.id, kind, received_at, day, cash, wanted, investor_name=who, placed_by=placed_by)


def _requested_day(policy: DealingPolicy, requested: date, earliest: date | None, received_at: datetime, *, notice: bool) -> date:
    """A dealing day asked for: a dealing day of the pool, and not before the first the order may deal on."""
    if not is_dealing_day(policy.frequency, requested):
        raise InvalidInput(
            f"{requested} is not a dealing day of this {policy.frequency.value} pool",
            field="dealing_date",
            code="not_a_dealing_day",
        )
    notice_until = notice_ends(policy, received_at) if notice and policy.redemption_notice_days else None
    if notice_until is not None and requested < notice_until:
        raise RuleViolation(
            f"a redemption needs {policy.redemption_notice_days} days' notice: it can deal on {notice_until} at the earliest",
            field="dealing_date",
            code="inside_notice_period",
        )
    if earliest is not None and requested < earliest:
        raise Conflict(f"an order placed now deals on {earliest} at the earliest", field="dealing_date", code="cutoff_passed")
    if earliest is None and requested < received_at.date():
        raise Conflict("a dealing day in the past cannot be asked for", field="dealing_date", code="cutoff_passed")
    return requested


def units_for_amount(pool: Pool, cash: Decimal) -> Decimal:
    """About how many units a redemption of ``cash`` takes at the live (indicative) NAV, rounded up."""
    if pool.units == 0 or pool.nav <= 0:
        return money.quantize_units(money.div(cash, pool.unit_price), money.ROUND_UP)
    return money.quantize_units(money.div(money.mul(cash, pool.units), pool.nav), money.ROUND_UP)


def units_asked(pool: Pool, orders: Sequence[Order], investor_id: str) -> Decimal:
    """The units an investor's open redemptions ask for (by amount: about, at the live NAV)."""
    asked = money.ZERO
    for o in orders:
        if o.investor_id == investor_id and o.is_open and o.type is OrderType.REDEMPTION:
            asked += o.units if o.units is not None else units_for_amount(pool, o.amount or money.ZERO)
    return asked


def cancel(order: Order) -> Order:
    if not order.is_open:
        raise Conflict(f"this order is {order.status.value} and can no longer be cancelled", code="order_not_open")
    return replace(order, status=OrderStatus.CANCELLED)


def due(policy: DealingPolicy, orders: Sequence[Order], day: date, at: datetime) -> list[Order]:
    """The open orders a valuation for ``day`` struck at ``at`` settles, in queue
    order: those received before it, for this dealing day or an earlier one that
    was never valued (or for the next valuation, without a cut-off), whose notice has run."""
    return sorted(
        (
            o
            for o in orders
            if o.is_open
            and o.received_at <= at
            and (o.dealing_date is None or o.dealing_date <= day)
            and notice_satisfied(policy, o, day)
        ),
        key=lambda o: o.id,
    )


def notice_satisfied(policy: DealingPolicy, order: Order, dealing_day: date) -> bool:
    """Whether a redemption may deal on ``dealing_day`` (its notice period has run)."""
    return order.type is not OrderType.REDEMPTION or dealing_day >= notice_ends(policy, order.received_at)


@dataclass(frozen=True)
class GateShare:
    """What a gate lets a redemption take on a dealing day: all of it, or ``fraction`` of it."""

    order_id: str
    fraction: Decimal  # 1 when not gated

    @property
    def gated(self) -> bool:
        return self.fraction < 1


def gate(redemptions: Sequence[tuple[str, Decimal]], limit: Decimal | None) -> list[GateShare]:
    """Every redemption of a dealing day (order id, what it would pay) against the
    day's limit (gate times NAV): when they ask for more, each is paid the same
    fraction of what it asked, rounded down to 6 places so the total stays within
    the limit; the rest is carried to the next dealing day."""
    asked = sum((value for _, value in redemptions), money.ZERO)
    if limit is None or asked <= limit or asked == 0:
        return [GateShare(order_id, Decimal(1)) for order_id, _ in redemptions]
    fraction = money.quantize_places(money.div(limit, asked), 6, money.ROUND_DOWN)
    return [GateShare(order_id, fraction) for order_id, _ in redemptions]
