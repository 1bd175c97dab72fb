"""How a pool deals: at once (instant, as clubs do) or forward, on dealing days.

A forward pool's orders wait for a dealing day and settle at the NAV per unit
struck for that day, never at a price an investor could watch and pick. Dealing
days by frequency:

* daily: every weekday (Monday to Friday);
* weekly: every Friday;
* monthly: the last weekday of the month.

With a cut-off (a time in the pool's time zone), an order received before it on
a dealing day deals that day, and one received after it (or on another day)
deals on the next dealing day; a valuation for a day may be proposed only once
its cut-off has passed. Without a cut-off an order deals at the next valuation
proposed after it arrives. Public holidays are not modelled: a manager who does
not value on a holiday simply proposes the next day's valuation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import money
from .errors import InvalidInput, one_of


class DealingMode(StrEnum):
    INSTANT = "instant"
    FORWARD = "forward"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


FRIDAY = 4
MAX_DAYS = 3660  # ten years: notice periods and lock-ups beyond that are typos


@dataclass(frozen=True)
class Cutoff:
    at: time
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class DealingPolicy:
    mode: DealingMode = DealingMode.INSTANT
    frequency: Frequency = Frequency.DAILY
    cutoff: Cutoff | None = None
    redemption_notice_days: int = 0
    gate: Decimal | None = None  # the share of NAV a dealing day may pay out to redemptions
    lockup_days: int = 0
    early_redemption_fee: Decimal = money.ZERO  # a fraction of what a redemption inside the lock-up pays, kept by the pool

    @property
    def is_forward(self) -> bool:
        return self.mode is DealingMode.FORWARD


def _days(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        raise InvalidInput(f"{field} must be a whole number of days from 0 to {MAX_DAYS}", field=field, code=f"invalid_{field}")
    return value


def _fraction(value: object, field: str, *, below_one: bool) -> Decimal:
    # Text or an exact number, never a float (parse_decimal refuses one).
    number = money.parse_decimal(value, field=field, places=4, allow_zero=True, what=field)
    if number > 1 or (below_one and number >= 1):
        limit = "less than 1" if below_one else "at most 1"
        raise InvalidInput(f'{field} is a fraction such as "0.10", {limit}', field=field, code=f"invalid_{field}")
    return number


def _cutoff(value: object) -> Cutoff | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"time", "timezone"}:
        raise InvalidInput(
            'cutoff must be null or {"time": "16:00", "timezone": "Europe/London"}', field="cutoff", code="invalid_cutoff"
        )
    text, zone = value["time"], value["timezone"]
    try:
        at = time.fromisoformat(text) if isinstance(text, str) and len(text) == 5 else None
    except ValueError:
        at = None
    if at is None:
        raise InvalidInput('cutoff.time must be a time of day such as "16:00"', field="cutoff.time", code="invalid_cutoff")
    problem = InvalidInput(
        'cutoff.timezone must be an IANA time zone such as "Europe/London"', field="cutoff.timezone", code="invalid_cutoff"
    )
    if not isinstance(zone, str) or not zone or len(zone) > 64:
        raise problem
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise problem from None
    return Cutoff(at, zone)


def parse_policy(
    *,
    mode: object,
    frequency: object = None,
    cutoff: object = None,
    redemption_notice_days: object = 0,
    gate: object = None,
    lockup_days: object = 0,
    early_redemption_fee: object = "0",
) -> DealingPolicy:
    """A dealing policy as a manager sets it, each refusal naming its field."""
    chosen = DealingMode(one_of(DealingMode, mode, "mode"))
    if chosen is DealingMode.INSTANT and (frequency is not None or cutoff is not None or gate is not None):
        raise InvalidInput("an instant pool deals at once: no frequency, cutoff or gate", field="mode", code="invalid_mode")
    return DealingPolicy(
        mode=chosen,
        frequency=Frequency(one_of(Frequency, frequency or "daily", "frequency")),
        cutoff=_cutoff(cutoff),
        redemption_notice_days=_days(redemption_notice_days, "redemption_notice_days"),
        gate=None if gate is None else _gate(gate),
        lockup_days=_days(lockup_days, "lockup_days"),
        early_redemption_fee=_fraction(early_redemption_fee, "early_redemption_fee", below_one=True),
    )


def _gate(value: object) -> Decimal:
    gate = _fraction(value, "gate", below_one=False)
    if gate <= 0:
        raise InvalidInput("gate must be greater than 0 (or null for no gate)", field="gate", code="invalid_gate")
    return gate


# -- the calendar -----------------------------------------------------------------


def is_dealing_day(frequency: Frequency, day: date) -> bool:
    if day.weekday() > FRIDAY:
        return False
    if frequency is Frequency.DAILY:
        return True
    if frequency is Frequency.WEEKLY:
        return day.weekday() == FRIDAY
    # Monthly: the last weekday of the month.
    following = day + timedelta(days=1)
    while following.weekday() > FRIDAY:
        following += timedelta(days=1)
    return following.month != day.month


def next_dealing_day(frequency: Frequency, on_or_after: date) -> date:
    day = on_or_after
    while not is_dealing_day(frequency, day):
        day += timedelta(days=1)
    return day


def dealing_date(policy: DealingPolicy, received_at: datetime) -> date | None:
    """The dealing day an order received at ``received_at`` deals on; None in a
    forward pool without a cut-off, where it deals at the next valuation proposed."""
    if policy.cutoff is None:
        return None
    local = received_at.astimezone(policy.cutoff.zone)
    day = next_dealing_day(policy.frequency, local.date())
    if day == local.date() and local.time() >= policy.cutoff.at:
        day = next_dealing_day(policy.frequency, day + timedelta(days=1))
    return day


def cutoff_passed(policy: DealingPolicy, day: date, now: datetime) -> bool:
    """Whether a valuation for ``day`` may be proposed at ``now``: once the day's
    cut-off has passed in the pool's time zone (at once, without a cut-off)."""
    if policy.cutoff is None:
        return True
    cutoff = datetime.combine(day, policy.cutoff.at, tzinfo=policy.cutoff.zone)
    return now >= cutoff


def notice_ends(policy: DealingPolicy, received_at: datetime) -> date:
    """The first day a redemption placed at ``received_at`` may deal, after its notice period."""
    return received_at.date() + timedelta(days=policy.redemption_notice_days)


def in_lockup(policy: DealingPolicy, first_subscribed: date, dealing_day: date) -> bool:
    """Whether a redemption dealing on ``dealing_day`` falls inside the lock-up of units first bought on ``first_subscribed``."""
    return policy.lockup_days > 0 and dealing_day < first_subscribed + timedelta(days=policy.lockup_days)
