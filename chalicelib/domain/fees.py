"""Fees a forward pool charges at each approved valuation: a management fee on
NAV, and a performance fee above a high-water mark, per subscription lot.

Rules (docs/accounting.md, "Fees"):
- Management fee: rate x NAV before fees x days since the last valuation / 365,
  rounded DOWN to the minor unit (the manager, not the investors, bears the
  rounding), accrued as fees payable (NAV = cash + positions - fees payable).
- Performance fee, per lot: a lot's high-water mark (HWM) starts at the NAV per
  unit it was issued at. At a valuation its accrual is rate x max(0, NAV per
  unit - HWM x (1 + hurdle)^(days since the HWM was set / 365)) x the lot's
  units, rounded DOWN. So nobody pays for gains made before they came in, nor
  for gains under the hurdle.
- Crystallising (at the valuation of the last dealing day of a month, quarter
  or year, or at the first valuation after one that was not valued, and for
  the units of any redemption): the accrued fee is collected by cancelling the
  investor's units worth it at the struck NAV per unit, rounded UP (the payer
  bears the rounding), so NAV per unit is unchanged for everyone else; the fee
  becomes fees payable and the lot's HWM resets to that NAV per unit. A lot
  with nothing to pay keeps its mark (and its hurdle keeps compounding).
- Redemptions take lots first in, first out.
- Units held when fees were first set form an opening lot whose HWM is the NAV
  per unit then: nobody pays for gains made before the fee existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, localcontext
from enum import StrEnum

from . import money
from .dealing import Frequency, next_dealing_day
from .errors import InvalidInput, one_of

YEAR = Decimal(365)


class Crystallisation(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUALLY = "annually"


@dataclass(frozen=True)
class FeePolicy:
    management_rate: Decimal = money.ZERO  # a year, on NAV before fees
    performance_rate: Decimal = money.ZERO  # on gains above the (hurdled) high-water mark
    hurdle_rate: Decimal = money.ZERO  # a year, compounded, on the high-water mark
    crystallisation: Crystallisation = Crystallisation.QUARTERLY
    payee: str = "manager"
    # When fees were first set, and the NAV per unit then: the mark of units already held.
    since: date | None = None
    opening_hwm: Decimal | None = None

    @property
    def charges(self) -> bool:
        return self.management_rate > 0 or self.performance_rate > 0


@dataclass(frozen=True)
class Lot:
    """Units an investor bought at one dealing, and the high-water mark they are charged above."""

    lot_id: str
    units: Decimal
    hwm: Decimal  # NAV per unit
    hwm_since: date  # when the HWM was set: the hurdle compounds from here


def _rate(value: object, field: str) -> Decimal:
    if not isinstance(value, str):
        raise InvalidInput(f'{field} is a decimal string such as "0.02"', field=field, code="invalid_type")
    rate = money.parse_decimal(value, field=field, places=6, what=field, allow_zero=True)
    if rate >= 1:
        raise InvalidInput(f"{field} is a fraction below 1, e.g. 0.02 for 2%", field=field, code=f"invalid_{field}")
    return rate


def parse_fees(
    *,
    management_rate: object = "0",
    performance_rate: object = "0",
    hurdle_rate: object = "0",
    crystallisation: object = "quarterly",
    payee: object = "manager",
) -> FeePolicy:
    if payee != "manager":
        raise InvalidInput('payee must be "manager"', field="payee", code="invalid_payee")
    return FeePolicy(
        management_rate=_rate(management_rate, "management_rate"),
        performance_rate=_rate(performance_rate, "performance_rate"),
        hurdle_rate=_rate(hurdle_rate, "hurdle_rate"),
        crystallisation=one_of(Crystallisation, crystallisation, "crystallisation"),
    )


def management_fee(policy: FeePolicy, nav_before_fees: Decimal, days: int, currency: str) -> Decimal:
    """The management fee accrued over ``days`` since the last valuation."""
    if days <= 0 or nav_before_fees <= 0:
        return money.quantize_money(money.ZERO, currency)
    fee = money.div(money.mul(money.mul(policy.management_rate, nav_before_fees), Decimal(days)), YEAR)
    return money.quantize_money(fee, currency, money.ROUND_DOWN)


def hurdled_mark(policy: FeePolicy, lot: Lot, on: date) -> Decimal:
    """The NAV per unit a lot must beat on ``on``: its HWM grown at the hurdle rate, compounded."""
    days = max((on - lot.hwm_since).days, 0)
    if policy.hurdle_rate == 0 or days == 0:
        return lot.hwm
    with localcontext() as ctx:
        ctx.prec = 40
        return lot.hwm * ((1 + policy.hurdle_rate).ln() * Decimal(days) / YEAR).exp()


def performance_accrual(
    policy: FeePolicy, lot: Lot, nav_per_unit: Decimal, on: date, currency: str, *, distributed: Decimal = money.ZERO
) -> Decimal:
    """The performance fee a lot has accrued at ``nav_per_unit`` on ``on``. Marks are kept with
    the pool's distributions per unit added back (``distributed``, paid since it opened), so a
    distribution is not a loss an investor must recover before paying a fee."""
    above = nav_per_unit + distributed - hurdled_mark(policy, lot, on)
    if policy.performance_rate == 0 or above <= 0 or lot.units <= 0:
        return money.quantize_money(money.ZERO, currency)
    fee = money.mul(money.mul(policy.performance_rate, above), lot.units)
    return money.quantize_money(fee, currency, money.ROUND_DOWN)


def _period(policy: FeePolicy, day: date) -> tuple[int, int]:
    if policy.crystallisation is Crystallisation.MONTHLY:
        return day.year, day.month
    if policy.crystallisation is Crystallisation.QUARTERLY:
        return day.year, (day.month - 1) // 3
    return day.year, 0


def _period_start(policy: FeePolicy, day: date) -> date:
    if policy.crystallisation is Crystallisation.MONTHLY:
        return day.replace(day=1)
    if policy.crystallisation is Crystallisation.QUARTERLY:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def previous_period_end(policy: FeePolicy, day: date) -> date:
    """The calendar day the period before ``day``'s ended on (e.g. 31 March for a day in the second quarter)."""
    return _period_start(policy, day) - timedelta(days=1)


def crystallises(policy: FeePolicy, frequency: Frequency, day: date, crystallised_through: date) -> bool:
    """Whether a valuation on ``day`` crystallises performance fees: it is the last
    dealing day of its period, or a period ended since the last crystallisation
    (which closed the periods up to ``crystallised_through``) without one."""
    if _period(policy, next_dealing_day(frequency, day + timedelta(days=1))) != _period(policy, day):
        return True
    return crystallised_through < previous_period_end(policy, day)


def closes_through(policy: FeePolicy, frequency: Frequency, day: date) -> date:
    """The last calendar day of the periods a crystallisation on ``day`` closes."""
    if _period(policy, next_dealing_day(frequency, day + timedelta(days=1))) != _period(policy, day):
        return _period_start(policy, next_dealing_day(frequency, day + timedelta(days=1))) - timedelta(days=1)
    return previous_period_end(policy, day)


@dataclass(frozen=True)
class Crystallised:
    lot: Lot  # as it stands after: fewer units, its HWM reset
    fee: Decimal
    cancelled_units: Decimal


def crystallise(lot: Lot, fee: Decimal, nav_per_unit: Decimal, on: date, distributed: Decimal = money.ZERO) -> Crystallised:
    """Collect a lot's accrued fee by cancelling its units worth the fee (rounded up), and reset its HWM."""
    if fee <= 0 or nav_per_unit <= 0:
        return Crystallised(lot, money.ZERO, money.quantize_units(money.ZERO))
    cancelled = min(money.quantize_units(money.div(fee, nav_per_unit), money.ROUND_UP), lot.units)
    mark = nav_per_unit + distributed
    return Crystallised(replace(lot, units=lot.units - cancelled, hwm=mark, hwm_since=on), fee, cancelled)


def first_in_first_out(lots: Sequence[Lot], units: Decimal) -> list[tuple[Lot, Decimal]]:
    """Which lots a redemption of ``units`` takes, oldest first, and how many units from each."""
    taken: list[tuple[Lot, Decimal]] = []
    left = units
    for lot in lots:
        if left <= 0:
            break
        part = min(lot.units, left)
        if part > 0:
            taken.append((lot, part))
            left -= part
    if left > 0:
        raise InvalidInput(
            f"the lots hold {units - left} units; {units} cannot be redeemed", field="units", code="insufficient_units"
        )
    return taken


def holding_lots(policy: FeePolicy, lots: Sequence[Lot], units: Decimal) -> list[Lot]:
    """An investor's lots, oldest first, made to add up to the ``units`` they hold: units
    held outside any lot (bought before fees were set) form the opening lot, and units
    gone outside a redemption (a reversed subscription) leave the newest lots first."""
    held = sum((lot.units for lot in lots), money.ZERO)
    out = list(lots)
    if held < units:
        mark = policy.opening_hwm if policy.opening_hwm is not None else money.ZERO
        out.insert(0, Lot("opening", units - held, mark, policy.since or date.min))
    excess = held - units
    while excess > 0 and out:
        newest = out.pop()
        if newest.units > excess:
            out.append(replace(newest, units=newest.units - excess))
        excess -= newest.units
    return out


def investor_accrual(
    policy: FeePolicy, lots: Sequence[Lot], nav_per_unit: Decimal, on: date, currency: str, *, distributed: Decimal = money.ZERO
) -> Decimal:
    """What an investor's lots have accrued in performance fees at ``nav_per_unit``."""
    zero = money.quantize_money(money.ZERO, currency)
    return sum((performance_accrual(policy, lot, nav_per_unit, on, currency, distributed=distributed) for lot in lots), zero)


@dataclass(frozen=True)
class Redeemed:
    lots: tuple[Lot, ...]  # what the investor keeps
    fee: Decimal  # the performance fee the redeemed units have accrued, collected from what they pay


def redeem(
    policy: FeePolicy,
    lots: Sequence[Lot],
    units: Decimal,
    *,
    nav_per_unit: Decimal,
    on: date,
    currency: str,
    distributed: Decimal = money.ZERO,
) -> Redeemed:
    """A redemption of ``units`` takes lots first in, first out; their accrued fee is collected."""
    taken = first_in_first_out(lots, units)
    parts = (replace(lot, units=part) for lot, part in taken)
    fee = sum(
        (performance_accrual(policy, lot, nav_per_unit, on, currency, distributed=distributed) for lot in parts),
        money.quantize_money(money.ZERO, currency),
    )
    left = {lot.lot_id: lot.units - part for lot, part in taken}
    kept = tuple(replace(lot, units=left.get(lot.lot_id, lot.units)) for lot in lots if left.get(lot.lot_id, lot.units) > 0)
    return Redeemed(kept, fee)


@dataclass(frozen=True)
class InvestorCrystallisation:
    lots: tuple[Lot, ...]
    fee: Decimal
    cancelled_units: Decimal


def crystallise_investor(
    policy: FeePolicy, lots: Sequence[Lot], nav_per_unit: Decimal, on: date, currency: str, *, distributed: Decimal = money.ZERO
) -> InvestorCrystallisation:
    """Every lot of one investor crystallises: the fee of each, and the units cancelled for it (rounded up per lot)."""
    fee, cancelled, kept = money.quantize_money(money.ZERO, currency), money.quantize_units(money.ZERO), []
    for lot in lots:
        accrued = performance_accrual(policy, lot, nav_per_unit, on, currency, distributed=distributed)
        done = crystallise(lot, accrued, nav_per_unit, on, distributed)
        fee += done.fee
        cancelled += done.cancelled_units
        if done.lot.units > 0:
            kept.append(done.lot)
    return InvestorCrystallisation(tuple(kept), fee, cancelled)
