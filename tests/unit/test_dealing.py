"""Dealing policies and the dealing calendar (chalicelib/domain/dealing.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal as D
from typing import Any

import pytest

from chalicelib.domain.dealing import (
    DealingMode,
    Frequency,
    cutoff_passed,
    dealing_date,
    in_lockup,
    is_dealing_day,
    next_dealing_day,
    notice_ends,
    parse_policy,
)
from chalicelib.domain.errors import InvalidInput

LONDON_4PM = {"time": "16:00", "timezone": "Europe/London"}


def forward(**kw: Any) -> Any:
    return parse_policy(mode="forward", **kw)


def test_pools_deal_at_once_unless_told_otherwise() -> None:
    policy = parse_policy(mode="instant")
    assert policy.mode is DealingMode.INSTANT and not policy.is_forward
    assert (policy.gate, policy.lockup_days, policy.early_redemption_fee) == (None, 0, D("0"))


def test_a_forward_policy_reads_back_what_was_set() -> None:
    policy = forward(
        frequency="weekly", cutoff=LONDON_4PM, redemption_notice_days=5, gate="0.10", lockup_days=90, early_redemption_fee="0.02"
    )
    assert policy.frequency is Frequency.WEEKLY
    assert policy.cutoff is not None and (policy.cutoff.at, policy.cutoff.timezone) == (time(16), "Europe/London")
    assert (policy.redemption_notice_days, policy.gate, policy.lockup_days, policy.early_redemption_fee) == (
        5,
        D("0.10"),
        90,
        D("0.02"),
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mode": "sometimes"}, "mode"),
        ({"mode": "instant", "gate": "0.10"}, "mode"),
        ({"mode": "forward", "frequency": "hourly"}, "frequency"),
        ({"mode": "forward", "cutoff": {"time": "25:00", "timezone": "Europe/London"}}, "cutoff.time"),
        ({"mode": "forward", "cutoff": {"time": "4pm", "timezone": "Europe/London"}}, "cutoff.time"),
        ({"mode": "forward", "cutoff": {"time": "16:00", "timezone": "Mars/Olympus"}}, "cutoff.timezone"),
        ({"mode": "forward", "cutoff": {"time": "16:00", "timezone": "../../etc/passwd"}}, "cutoff.timezone"),
        ({"mode": "forward", "cutoff": {"time": "16:00"}}, "cutoff"),
        ({"mode": "forward", "cutoff": "16:00"}, "cutoff"),
        ({"mode": "forward", "gate": "0"}, "gate"),
        ({"mode": "forward", "gate": "1.5"}, "gate"),
        ({"mode": "forward", "gate": "-0.1"}, "gate"),
        ({"mode": "forward", "redemption_notice_days": -1}, "redemption_notice_days"),
        ({"mode": "forward", "redemption_notice_days": "5"}, "redemption_notice_days"),
        ({"mode": "forward", "lockup_days": True}, "lockup_days"),
        ({"mode": "forward", "early_redemption_fee": "1.00"}, "early_redemption_fee"),
        ({"mode": "forward", "early_redemption_fee": "0.00001"}, "early_redemption_fee"),
        ({"mode": "forward", "gate": 0.1}, "gate"),  # a float has already lost the exact value
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_policy(**kwargs)
    assert exc.value.field == field


def test_dealing_days_by_frequency() -> None:
    # November 2026: Friday the 27th is the last Friday; Monday the 30th the last weekday.
    assert is_dealing_day(Frequency.DAILY, date(2026, 11, 30))
    assert not is_dealing_day(Frequency.DAILY, date(2026, 11, 28))  # a Saturday
    assert is_dealing_day(Frequency.WEEKLY, date(2026, 11, 27))
    assert not is_dealing_day(Frequency.WEEKLY, date(2026, 11, 26))
    assert is_dealing_day(Frequency.MONTHLY, date(2026, 11, 30))
    assert not is_dealing_day(Frequency.MONTHLY, date(2026, 11, 27))
    # January 2027 ends on a Sunday: its last weekday is Friday the 29th.
    assert next_dealing_day(Frequency.MONTHLY, date(2027, 1, 5)) == date(2027, 1, 29)
    assert next_dealing_day(Frequency.WEEKLY, date(2026, 11, 28)) == date(2026, 12, 4)
    assert next_dealing_day(Frequency.DAILY, date(2026, 11, 28)) == date(2026, 11, 30)


def test_an_order_after_the_cutoff_rolls_to_the_next_dealing_day_in_the_pools_time_zone() -> None:
    policy = forward(frequency="daily", cutoff=LONDON_4PM)
    # London is on GMT in December: 15:59 UTC is before 16:00 there.
    assert dealing_date(policy, datetime(2026, 12, 1, 15, 59, tzinfo=UTC)) == date(2026, 12, 1)
    assert dealing_date(policy, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)) == date(2026, 12, 2)
    # In June it is on BST: 15:30 UTC is 16:30 in London, after the cut-off.
    assert dealing_date(policy, datetime(2026, 6, 2, 15, 30, tzinfo=UTC)) == date(2026, 6, 3)
    # A Friday evening order deals on Monday; a weekend order too.
    assert dealing_date(policy, datetime(2026, 12, 4, 17, 0, tzinfo=UTC)) == date(2026, 12, 7)
    assert dealing_date(policy, datetime(2026, 12, 5, 9, 0, tzinfo=UTC)) == date(2026, 12, 7)


def test_without_a_cutoff_an_order_deals_at_the_next_valuation() -> None:
    assert dealing_date(forward(), datetime(2026, 12, 1, 23, 0, tzinfo=UTC)) is None
    assert cutoff_passed(forward(), date(2026, 12, 1), datetime(2026, 12, 1, 0, 0, tzinfo=UTC))


def test_a_valuation_may_be_proposed_only_after_its_days_cutoff() -> None:
    policy = forward(cutoff={"time": "16:00", "timezone": "America/New_York"})
    day = date(2026, 12, 1)
    assert not cutoff_passed(policy, day, datetime(2026, 12, 1, 20, 59, tzinfo=UTC))  # 15:59 in New York
    assert cutoff_passed(policy, day, datetime(2026, 12, 1, 21, 0, tzinfo=UTC))


def test_notice_and_lockup() -> None:
    policy = forward(redemption_notice_days=5, lockup_days=30, early_redemption_fee="0.02")
    assert notice_ends(policy, datetime(2026, 12, 1, 10, tzinfo=UTC)) == date(2026, 12, 6)
    assert in_lockup(policy, date(2026, 11, 15), date(2026, 12, 14))
    assert not in_lockup(policy, date(2026, 11, 15), date(2026, 12, 15))
    assert not in_lockup(forward(), date(2026, 11, 15), date(2026, 11, 16))
