"""Settling an approved valuation's orders: each order becomes a contribution or
withdrawal entry at the struck NAV per unit, one at a time, so the pool's units
always equal the sum of its investors' units.

The figures were fixed when the valuation was struck (valuations.py); settling
only books them. Before anything settles, ``check_cash`` makes sure the pool can
pay the day's redemptions from its cash plus the day's subscriptions, and the
subscriptions settle first, so cash never goes below zero along the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from . import fees as charging
from . import money
from .dealing import DealingPolicy, next_dealing_day
from .decisions import first_subscribed, new_entry, touch
from .errors import RuleViolation
from .model import EntryType, Investor, LedgerEntry, Pool, Stamp
from .orders import Order, OrderStatus, OrderType
from .valuations import Settlement, Valuation


@dataclass(frozen=True)
class SettlementDecision:
    pool: Pool
    investor: Investor
    entry: LedgerEntry
    order: Order


def settling_order(settlements: Sequence[Settlement]) -> list[Settlement]:
    """Subscriptions first (their cash pays the redemptions), each kind in queue order."""
    return sorted(settlements, key=lambda s: (s.type is OrderType.REDEMPTION, s.order_id))


def check_cash(pool: Pool, valuation: Valuation) -> None:
    """Refuse to settle a day whose redemptions the pool cannot pay in cash."""
    incoming = sum((s.amount for s in valuation.settlements if s.type is OrderType.SUBSCRIPTION), money.ZERO)
    outgoing = sum((s.amount for s in valuation.settlements if s.type is OrderType.REDEMPTION), money.ZERO)
    if outgoing > pool.cash + incoming:
        raise RuleViolation(
            f"the day's redemptions pay {money.shown(outgoing, pool.currency)} but the pool holds "
            f"{money.shown(pool.cash, pool.currency)} in cash and takes in {money.shown(incoming, pool.currency)}; "
            "sell positions to raise cash, then approve",
            code="insufficient_cash",
        )


def settle(
    pool: Pool, investor: Investor, order: Order, settlement: Settlement, *, valuation: Valuation, stamp: Stamp
) -> SettlementDecision:
    """Book one order's settlement: its entry, the pool, the investor, and the order (settled, or carried)."""
    s = settlement
    common = {
        "investor_id": investor.id,
        "investor_name": investor.name,
        "nav_per_unit": valuation.nav_per_unit,
        "nav_before": pool.nav,
        "order_id": order.id,
        "valuation_id": valuation.id,
    }
    if s.type is OrderType.SUBSCRIPTION:
        new_pool = touch(pool, stamp, cash=pool.cash + s.amount, units=pool.units + s.units)
        lots = investor.lots
        if pool.fees.charges:  # a lot per subscription, its mark the NAV per unit it was issued at
            held = charging.holding_lots(pool.fees, investor.lots, investor.units)
            mark = valuation.nav_per_unit + pool.distributed_per_unit
            lots = (*held, charging.Lot(order.id, s.units, mark, valuation.dealing_date))
        new_investor = replace(
            investor,
            units=investor.units + s.units,
            contributed=investor.contributed + s.amount,
            updated_at=stamp.at,
            first_subscribed=first_subscribed(investor, valuation.dealing_date),
            lots=lots,
        )
        entry = new_entry(
            pool,
            stamp,
            EntryType.CONTRIBUTION,
            amount=s.amount,
            units=s.units,
            cash_delta=s.amount,
            units_delta=s.units,
            **common,
        )
    else:
        if s.units > investor.units:  # pragma: no cover - orders are placed against units net of other redemptions
            raise RuleViolation(f"{investor.name} no longer holds {s.units} units", code="insufficient_units")
        performance = s.performance_fee
        new_pool = touch(
            pool, stamp, cash=pool.cash - s.amount, units=pool.units - s.units, fees_payable=pool.fees_payable + performance
        )
        lots = investor.lots
        if pool.fees.charges:  # the redemption takes lots first in, first out
            held = charging.holding_lots(pool.fees, investor.lots, investor.units)
            lots = charging.redeem(
                pool.fees,
                held,
                s.units,
                nav_per_unit=valuation.nav_per_unit,
                on=valuation.dealing_date,
                currency=pool.currency,
                distributed=pool.distributed_per_unit,
            ).lots
        new_investor = replace(
            investor,
            units=investor.units - s.units,
            withdrawn=investor.withdrawn + s.amount,
            updated_at=stamp.at,
            lots=lots,
            performance_fees=investor.performance_fees + performance,
        )
        fee = s.fee if s.fee else None
        entry = new_entry(
            pool,
            stamp,
            EntryType.WITHDRAWAL,
            amount=s.amount,
            units=s.units,
            fees=fee,
            cash_delta=-s.amount,
            units_delta=-s.units,
            payable_delta=performance,
            performance_fee=performance if performance else None,
            **common,
        )
    return SettlementDecision(new_pool, new_investor, entry, settled(order, s, valuation, pool.dealing))


def settled(order: Order, s: Settlement, valuation: Valuation, policy: DealingPolicy) -> Order:
    """The order after its settlement: done, or (gated) carried with what is left, keeping its place in the queue."""
    done = replace(
        order,
        settled_amount=order.settled_amount + s.amount,
        settled_units=order.settled_units + s.units,
        fee=order.fee + s.fee,
        valuation_id=valuation.id,
    )
    if order.units is not None:
        rest_units, rest_amount = order.units - s.units, None
        left = rest_units
    else:
        rest_units, rest_amount = None, (order.amount or money.ZERO) - s.amount - s.fee
        left = rest_amount
    if not s.gated or left <= 0:
        return replace(done, status=OrderStatus.SETTLED)
    return replace(
        done,
        status=OrderStatus.CARRIED,
        units=rest_units,
        amount=rest_amount,
        dealing_date=_next_day(policy, valuation.dealing_date) if order.dealing_date is not None else None,
    )


def _next_day(policy: DealingPolicy, after: date) -> date:
    return next_dealing_day(policy.frequency, after + timedelta(days=1))
