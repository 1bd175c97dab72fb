"""The accounting decisions about the pool, its investors and their money: opening,
renaming and closing a pool, investors joining and leaving, contributions,
withdrawals and distributions. Each function checks the rules and returns the
new state with the ledger entry that records it, or raises a DomainError and
changes nothing. What the pool holds (trades, dividends, fees, market prices)
is decided in portfolio.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from . import approvals, money
from .allocation import allocate
from .approvals import ApprovalPolicy
from .dealing import DealingPolicy
from .decisions import (
    DistributionDecision,
    InvestorDecision,
    PoolDecision,
    clean_name,
    first_subscribed,
    new_entry,
    require_active,
    require_open,
    touch,
)
from .errors import Conflict, InvalidInput, RuleViolation
from .model import Allocation, EntryType, Investor, InvestorStatus, Pool, PoolStatus, Stamp
from .money import DecimalInput

# Distributions per unit are kept to 8 places, finer than NAV per unit, for performance measurement.
PER_UNIT_PLACES = 8

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
    return PoolDecision(pool, new_entry(pool, stamp, EntryType.POOL_OPENED, memo=clean, nav_per_unit=price))


def rename_pool(pool: Pool, name: str, stamp: Stamp) -> PoolDecision:
    clean = clean_name(name)
    return PoolDecision(touch(pool, stamp, name=clean), new_entry(pool, stamp, EntryType.POOL_RENAMED, memo=clean))


def set_dealing(pool: Pool, policy: DealingPolicy, stamp: Stamp) -> PoolDecision:
    """Change how the pool deals; the entry says what it deals like now."""
    if policy == pool.dealing:
        raise Conflict("the pool already deals this way", field="mode", code="dealing_unchanged")
    if not policy.is_forward and pool.fees.charges:
        raise Conflict(
            "the pool charges fees, which are computed at approved valuations: set its fees to zero first",
            field="mode",
            code="fees_need_forward_dealing",
        )
    return PoolDecision(
        touch(pool, stamp, dealing=policy), new_entry(pool, stamp, EntryType.DEALING_SET, memo=describe_dealing(policy))
    )


def set_approvals(pool: Pool, policy: ApprovalPolicy, stamp: Stamp) -> PoolDecision:
    """What finance approves before it moves, from now on; the entry says it in words."""
    if policy == pool.approvals:
        raise Conflict("the pool already asks for these approvals", field="withdrawal_over", code="approvals_unchanged")
    return PoolDecision(
        touch(pool, stamp, approvals=policy), new_entry(pool, stamp, EntryType.APPROVALS_SET, memo=approvals.describe(policy))
    )


def describe_dealing(policy: DealingPolicy) -> str:
    """A policy as the activity shows it, e.g. "forward, weekly, cut-off 16:00 Europe/London, gate 10%"."""
    if not policy.is_forward:
        return "instant: contributions and withdrawals deal at once"
    parts = ["forward", policy.frequency.value]
    parts.append(f"cut-off {policy.cutoff.at:%H:%M} {policy.cutoff.timezone}" if policy.cutoff else "no cut-off")
    if policy.redemption_notice_days:
        parts.append(f"{policy.redemption_notice_days} days' notice")
    if policy.gate is not None:
        parts.append(f"gate {money.quantize_places(policy.gate * 100, 2).normalize():f}%")
    if policy.lockup_days:
        fee = money.quantize_places(policy.early_redemption_fee * 100, 2).normalize()
        parts.append(f"lock-up {policy.lockup_days} days (early redemption fee {fee:f}%)")
    return ", ".join(parts)


def set_status(pool: Pool, status: PoolStatus, stamp: Stamp) -> PoolDecision:
    if pool.status is status:
        raise Conflict(f"pool is already {status.value}", field="status", code=f"pool_already_{status.value}")
    type_ = EntryType.POOL_CLOSED if status is PoolStatus.CLOSED else EntryType.POOL_REOPENED
    return PoolDecision(touch(pool, stamp, status=status), new_entry(pool, stamp, type_))


# -- investors ---------------------------------------------------------------


def add_investor(pool: Pool, *, investor_id: str, name: str, email: str, stamp: Stamp) -> InvestorDecision:
    require_open(pool, "add investors")
    clean = clean_name(name)
    mail = clean_email(email)
    investor = Investor(pool_id=pool.id, id=investor_id, name=clean, email=mail, created_at=stamp.at, updated_at=stamp.at)
    new_pool = touch(pool, stamp, investor_count=pool.investor_count + 1)
    entry = new_entry(pool, stamp, EntryType.INVESTOR_ADDED, investor_id=investor_id, investor_name=clean, memo=clean)
    return InvestorDecision(new_pool, investor, entry)


def edit_investor(pool: Pool, investor: Investor, stamp: Stamp, *, name: str | None, email: str | None) -> InvestorDecision:
    """A new name or email; the entry says what it was and what it is now."""
    if name is None and email is None:
        raise InvalidInput("give a new name or email", field="name", code="nothing_to_update")
    clean = clean_name(name) if name is not None else investor.name
    mail = investor.email if email is None else clean_email(email)
    if (clean, mail) == (investor.name, investor.email):
        raise Conflict("the investor already has this name and email", field="name", code="investor_unchanged")
    changes = [
        f"{what} {old or '(none)'} -> {new or '(none)'}"
        for what, old, new in (("name", investor.name, clean), ("email", investor.email, mail))
        if old != new
    ]
    edited = replace(investor, name=clean, email=mail, updated_at=stamp.at)
    entry = new_entry(
        pool, stamp, EntryType.INVESTOR_EDITED, investor_id=investor.id, investor_name=clean, memo="; ".join(changes)
    )
    return InvestorDecision(touch(pool, stamp), edited, entry)


def clean_email(email: object) -> str:
    mail = email.strip() if isinstance(email, str) else ""
    if mail and ("@" not in mail or len(mail) > 254 or " " in mail):
        raise InvalidInput("email is not a valid address", field="email", code="invalid_email")
    return mail


def remove_investor(pool: Pool, investor: Investor, stamp: Stamp) -> InvestorDecision:
    require_active(investor)
    if investor.units != 0:
        raise Conflict(
            f"investor still holds {investor.units} units; withdraw them first",
            field="investor_id",
            code="investor_holds_units",
        )
    removed = replace(investor, status=InvestorStatus.REMOVED, updated_at=stamp.at)
    new_pool = touch(pool, stamp, investor_count=pool.investor_count - 1)
    entry = new_entry(pool, stamp, EntryType.INVESTOR_REMOVED, investor_id=investor.id, investor_name=investor.name)
    return InvestorDecision(new_pool, removed, entry)


# -- money in and out --------------------------------------------------------


def require_instant(pool: Pool) -> None:
    if pool.dealing.is_forward:
        raise Conflict(
            f"{pool.name} deals forward: place an order (POST /pools/{pool.id}/orders) to deal at the next struck NAV",
            code="forward_dealing",
        )


def contribute(pool: Pool, investor: Investor, amount: DecimalInput, stamp: Stamp) -> InvestorDecision:
    require_open(pool, "take contributions")
    require_instant(pool)
    require_active(investor)
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
    new_pool = touch(pool, stamp, cash=pool.cash + value, units=pool.units + issued)
    new_investor = replace(
        investor,
        units=investor.units + issued,
        contributed=investor.contributed + value,
        updated_at=stamp.at,
        first_subscribed=first_subscribed(investor, stamp.at.date()),
    )
    entry = new_entry(
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
    require_open(pool, "pay withdrawals")
    require_instant(pool)
    require_active(investor)
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
    new_pool = touch(pool, stamp, cash=pool.cash - paid, units=pool.units - redeemed)
    new_investor = replace(investor, units=investor.units - redeemed, withdrawn=investor.withdrawn + paid, updated_at=stamp.at)
    entry = new_entry(
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
    require_open(pool, "pay distributions")
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
    per_unit = money.quantize_places(money.div(total, pool.units), PER_UNIT_PLACES) if pool.units else money.ZERO
    new_pool = touch(
        pool,
        stamp,
        cash=pool.cash - total,
        distributed_per_unit=pool.distributed_per_unit + per_unit,
        reinvestment=reinvested(pool, -total),
    )
    entry = new_entry(
        pool,
        stamp,
        EntryType.DISTRIBUTION,
        amount=total,
        units=pool.units,  # the units it was paid on: amount / units is what each unit received
        nav_per_unit=pool.nav_per_unit,
        nav_before=pool.nav,
        cash_delta=-total,
        memo=note,
        allocation_count=len(allocations),
    )
    return DistributionDecision(new_pool, entry, allocations)


def reinvested(pool: Pool, cash: Decimal) -> Decimal:
    """The pool's reinvestment factor after ``cash`` leaves (a distribution, negative) or comes back
    (its reversal): reinvesting what was paid buys nav / (nav - paid) units per unit."""
    nav = pool.nav
    if nav <= 0 or nav + cash <= 0:
        return pool.reinvestment
    return money.quantize_places(money.div(money.mul(pool.reinvestment, nav), nav + cash), 12)


def shares_fingerprint(allocations: Sequence[Allocation]) -> str:
    """Names one exact split: the same investors, units and amounts give the same
    id, so a distribution can insist on paying exactly what was previewed."""
    text = "|".join(f"{a.investor_id}:{a.units}:{a.amount}" for a in sorted(allocations, key=lambda a: a.investor_id))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
