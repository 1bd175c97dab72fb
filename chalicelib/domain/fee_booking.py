"""Booking a forward pool's fees (the rules are in fees.py): setting them, accruing
the management fee when a valuation is approved, crystallising an investor's
performance fee by cancelling their units, and paying fees payable to the payee.

Fees payable is a liability: the pool's NAV is its cash and positions less what
it owes. Accruing and crystallising raise it (NAV falls by the management fee;
a crystallisation cancels units worth what it adds, so NAV per unit holds);
paying lowers cash and the liability together, so NAV does not move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from . import fees as charging
from . import money
from .decisions import InvestorDecision, PoolDecision, new_entry, require_open, touch
from .errors import Conflict, RuleViolation
from .fees import FeePolicy
from .model import EntryType, Investor, Pool, Stamp
from .valuations import Valuation


def set_fees(pool: Pool, policy: FeePolicy, stamp: Stamp) -> PoolDecision:
    """The pool's fees from now on. The first time they charge, the units already held
    form the opening lot at today's NAV per unit: no fee on gains made before."""
    if policy.charges and not pool.dealing.is_forward:
        raise Conflict(
            "fees are charged at approved valuations: make the pool deal forward first (PUT /pools/{id}/dealing)",
            field="management_rate",
            code="instant_dealing",
        )
    if pool.valuation_id is not None:
        raise Conflict(
            f"valuation {pool.valuation_id} is in hand: approve or reject it before changing the fees",
            code="valuation_in_hand",
        )
    started = pool.fees.since is not None
    since = pool.fees.since if started else (stamp.at.date() if policy.charges else None)
    opening = pool.fees.opening_hwm if started else (pool.nav_per_unit + pool.distributed_per_unit if policy.charges else None)
    new = replace(policy, since=since, opening_hwm=opening)
    if new == pool.fees:
        raise Conflict("the pool already charges these fees", field="management_rate", code="fees_unchanged")
    changed = touch(pool, stamp, fees=new, fees_accrued_to=pool.fees_accrued_to or since)
    return PoolDecision(changed, new_entry(pool, stamp, EntryType.FEES_SET, memo=describe(new)))


def describe(policy: FeePolicy) -> str:
    """Fees as the activity shows them, e.g. "management 2% a year; performance 20% above the high-water mark"."""
    if not policy.charges:
        return "no fees"

    def pct(rate: Decimal) -> str:
        return f"{money.quantize_places(rate * 100, 4).normalize():f}%"

    parts = []
    if policy.management_rate:
        parts.append(f"management {pct(policy.management_rate)} a year")
    if policy.performance_rate:
        hurdle = f", hurdle {pct(policy.hurdle_rate)} a year" if policy.hurdle_rate else ""
        parts.append(
            f"performance {pct(policy.performance_rate)} above the high-water mark{hurdle}, "
            f"crystallising {policy.crystallisation.value}"
        )
    return "; ".join(parts) + f"; paid to the {policy.payee}"


def accrue(pool: Pool, valuation: Valuation) -> dict[str, Any]:
    """What approving ``valuation`` does to the pool's fee account: its management fee
    becomes payable, and a crystallising day closes its periods."""
    if pool.fees.since is None:
        return {}
    through = pool.fees_crystallised_through
    if valuation.crystallises:
        through = charging.closes_through(pool.fees, pool.dealing.frequency, valuation.dealing_date)
    return {
        "fees_payable": pool.fees_payable + valuation.management_fee,
        "fees_accrued_to": valuation.dealing_date,
        "fees_crystallised_through": through,
    }


def crystallise(pool: Pool, investor: Investor, valuation: Valuation, stamp: Stamp) -> InvestorDecision | None:
    """Collect one investor's accrued performance fee at an approved, crystallising
    valuation; None when they owe nothing (their lots keep their marks)."""
    lots = charging.holding_lots(pool.fees, investor.lots, investor.units)
    done = charging.crystallise_investor(
        pool.fees, lots, valuation.nav_per_unit, valuation.dealing_date, pool.currency, distributed=pool.distributed_per_unit
    )
    if done.fee <= 0:
        return None
    new_pool = touch(pool, stamp, units=pool.units - done.cancelled_units, fees_payable=pool.fees_payable + done.fee)
    new_investor = replace(
        investor,
        units=investor.units - done.cancelled_units,
        lots=done.lots,
        performance_fees=investor.performance_fees + done.fee,
        crystallised_by=valuation.id,
        updated_at=stamp.at,
    )
    entry = new_entry(
        pool,
        stamp,
        EntryType.FEES_CRYSTALLISED,
        investor_id=investor.id,
        investor_name=investor.name,
        amount=done.fee,
        units=done.cancelled_units,
        units_delta=-done.cancelled_units,
        payable_delta=done.fee,
        performance_fee=done.fee,
        nav_per_unit=valuation.nav_per_unit,
        valuation_id=valuation.id,
        memo=f"performance fee for {valuation.dealing_date}: {done.cancelled_units} units cancelled",
    )
    return InvestorDecision(new_pool, new_investor, entry)


def pay(pool: Pool, stamp: Stamp, *, amount: Decimal | None = None, valuation_id: str | None = None) -> PoolDecision:
    """Pay fees payable to the payee from cash: ``amount``, or as much as cash allows."""
    require_open(pool, "pay fees")
    owed, cur = pool.fees_payable, pool.currency
    if owed <= 0:
        raise Conflict("the pool owes no fees", code="no_fees_payable")
    paying = min(owed, pool.cash) if amount is None else amount
    if paying > owed:
        raise RuleViolation(
            f"the pool owes {money.shown(owed, cur)} in fees; it cannot pay {money.shown(paying, cur)}",
            field="amount",
            code="exceeds_fees_payable",
        )
    if paying <= 0 or paying > pool.cash:
        raise RuleViolation(
            f"paying fees of {money.shown(max(paying, owed), cur)} needs cash, and the pool holds "
            f"{money.shown(pool.cash, cur)}; sell positions to raise cash",
            field="amount",
            code="insufficient_cash",
        )
    entry = new_entry(
        pool,
        stamp,
        EntryType.FEES_PAID,
        amount=paying,
        cash_delta=-paying,
        payable_delta=-paying,
        nav_before=pool.nav,
        valuation_id=valuation_id,
        memo=f"fees paid to the {pool.fees.payee}"
        + (f"; {money.shown(owed - paying, cur)} still payable" if paying < owed else ""),
    )
    return PoolDecision(touch(pool, stamp, cash=pool.cash - paying, fees_payable=owed - paying), entry)


@dataclass(frozen=True)
class InvestorAccrual:
    investor_id: str
    name: str
    units: Decimal
    performance_fee: Decimal  # accrued, not yet crystallised
    performance_fees_paid: Decimal  # crystallised or collected on redemption so far


@dataclass(frozen=True)
class Accrued:
    """What a pool owes and is accruing now, at its live NAV: the figures a manager checks before a valuation."""

    fees_payable: Decimal
    management_fee: Decimal  # since ``accrued_from`` (the last approved valuation, or when fees began)
    accrued_from: date | None
    days: int
    nav_per_unit: Decimal  # after the management fee accrued, where performance is measured
    performance_fee: Decimal
    investors: tuple[InvestorAccrual, ...]


def accrued(pool: Pool, holders: Sequence[Investor], today: date) -> Accrued:
    cur = pool.currency
    days = max((today - pool.fees_accrued_to).days, 0) if pool.fees_accrued_to else 0
    management = charging.management_fee(pool.fees, pool.nav, days, cur)
    if pool.units:
        price = money.quantize_places(money.div(pool.nav - management, pool.units), money.NAV_PER_UNIT_PLACES)
    else:
        price = pool.nav_per_unit
    rows, zero = [], money.quantize_money(money.ZERO, cur)
    for i in holders:
        lots = charging.holding_lots(pool.fees, i.lots, i.units)
        paid = pool.distributed_per_unit
        fee = charging.investor_accrual(pool.fees, lots, price, today, cur, distributed=paid) if pool.fees.charges else zero
        rows.append(InvestorAccrual(i.id, i.name, i.units, fee, i.performance_fees))
    total = sum((r.performance_fee for r in rows), zero)
    return Accrued(pool.fees_payable, management, pool.fees_accrued_to, days, price, total, tuple(rows))
