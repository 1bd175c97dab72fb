"""Management and performance fees (chalicelib/domain/fees.py), against hand calculations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import money
from chalicelib.domain.dealing import Frequency
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.fees import (
    Lot,
    closes_through,
    crystallise,
    crystallise_investor,
    crystallises,
    first_in_first_out,
    holding_lots,
    hurdled_mark,
    management_fee,
    parse_fees,
    performance_accrual,
    redeem,
)

POLICY = parse_fees(management_rate="0.02", performance_rate="0.20", hurdle_rate="0.05", crystallisation="quarterly")
LOT = Lot("lot-1", D("1000.000000"), D("1.000000"), date(2025, 1, 1))


def test_the_management_fee_accrues_by_day_and_rounds_down() -> None:
    # 100,000.00 x 2% x 91 / 365 = 498.6301369...: the manager bears the rounding.
    assert management_fee(POLICY, D("100000.00"), 91, "USD") == D("498.63")
    assert management_fee(POLICY, D("100000.00"), 0, "USD") == D("0.00")


def test_the_performance_fee_is_charged_only_above_the_hurdled_high_water_mark() -> None:
    # A year on, the mark is 1.00 x 1.05 = 1.05: 20% of (1.20 - 1.05) x 1,000 units = 30.00.
    assert hurdled_mark(POLICY, LOT, date(2026, 1, 1)) == D("1.05")
    assert performance_accrual(POLICY, LOT, D("1.20"), date(2026, 1, 1), "USD") == D("30.00")
    # 182 days on: 1.05^(182/365) = 1.0246265925...; 20% of (1.10 - 1.0246265925) x 1,000 = 15.0746... -> 15.07.
    assert performance_accrual(POLICY, LOT, D("1.10"), date(2025, 7, 2), "USD") == D("15.07")
    # Under the hurdle, or under the mark: nothing.
    assert performance_accrual(POLICY, LOT, D("1.02"), date(2025, 7, 2), "USD") == D("0.00")
    assert performance_accrual(POLICY, LOT, D("0.90"), date(2025, 7, 2), "USD") == D("0.00")


def test_crystallising_cancels_units_worth_the_fee_and_resets_the_mark() -> None:
    done = crystallise(LOT, D("30.00"), D("1.20"), date(2026, 1, 1))
    assert (done.cancelled_units, done.lot.units, done.lot.hwm, done.lot.hwm_since) == (
        D("25.000000"),
        D("975.000000"),
        D("1.20"),
        date(2026, 1, 1),
    )
    # 10.00 at 1.033333 is 9.677422... units: rounded UP, the payer bears the rounding.
    assert crystallise(LOT, D("10.00"), D("1.033333"), date(2026, 1, 1)).cancelled_units == D("9.677423")


@settings(max_examples=100, deadline=None)
@given(
    nav=st.decimals(min_value=D("1000"), max_value=D("10000000"), places=2),
    units=st.decimals(min_value=D("100"), max_value=D("1000000"), places=6),
    share=st.decimals(min_value=D("0.0001"), max_value=D("0.2"), places=4),
)
def test_crystallising_never_lowers_nav_per_unit_for_anyone_else(nav: D, units: D, share: D) -> None:
    """The fee leaves the pool as a liability and the payer's units worth it are cancelled."""
    price = nav / units
    fee = money.quantize_money(nav * share, "USD", money.ROUND_DOWN)
    lot = Lot("lot-1", units, D("0.5"), date(2025, 1, 1))
    done = crystallise(lot, fee, price, date(2025, 4, 1))
    after = (nav - fee) / (units - done.cancelled_units)
    assert after >= price
    assert after - price < D("0.00001") * price  # and by no more than the rounding of one unit's millionth


def test_crystallisation_is_at_the_last_dealing_day_of_a_period_or_the_first_valuation_after_a_missed_one() -> None:
    daily, monthly_dealing = Frequency.DAILY, Frequency.MONTHLY
    # 31 March 2025 is a Monday: the quarter's last dealing day.
    assert crystallises(POLICY, daily, date(2025, 3, 31), date(2024, 12, 31))
    assert not crystallises(POLICY, daily, date(2025, 3, 28), date(2024, 12, 31))
    # 30 June 2024 was a Sunday: Friday 28 June is the quarter's last dealing day.
    assert crystallises(POLICY, daily, date(2024, 6, 28), date(2024, 3, 31))
    # The quarter's end was not valued: the first valuation after it crystallises, once.
    assert crystallises(POLICY, daily, date(2025, 4, 2), date(2024, 12, 31))
    assert not crystallises(POLICY, daily, date(2025, 4, 2), date(2025, 3, 31))
    assert closes_through(POLICY, daily, date(2025, 4, 2)) == date(2025, 3, 31)
    assert closes_through(POLICY, daily, date(2024, 6, 28)) == date(2024, 6, 30)
    monthly = parse_fees(crystallisation="monthly")
    assert crystallises(monthly, monthly_dealing, date(2025, 4, 30), date(2025, 3, 31))
    yearly = parse_fees(crystallisation="annually")
    assert not crystallises(yearly, daily, date(2025, 6, 30), date(2024, 12, 31))
    assert crystallises(yearly, daily, date(2025, 12, 31), date(2024, 12, 31))


def test_a_lot_with_nothing_to_pay_keeps_its_mark_and_its_hurdle_keeps_compounding() -> None:
    done = crystallise(LOT, D("0.00"), D("1.02"), date(2025, 7, 1))
    assert done.lot == LOT
    assert done.cancelled_units == D("0.000000")


def test_units_held_outside_lots_form_the_opening_lot_and_units_gone_leave_the_newest_lots() -> None:
    policy = replace(POLICY, since=date(2025, 1, 1), opening_hwm=D("1.100000"))
    newer = Lot("b", D("50.000000"), D("1.200000"), date(2025, 6, 1))
    lots = holding_lots(policy, [newer], D("80.000000"))
    assert [(lot.lot_id, lot.units, lot.hwm) for lot in lots] == [
        ("opening", D("30.000000"), D("1.100000")),
        ("b", D("50.000000"), D("1.200000")),
    ]
    assert [(lot.lot_id, lot.units) for lot in holding_lots(policy, [LOT, newer], D("1020.000000"))] == [
        ("lot-1", D("1000.000000")),
        ("b", D("20.000000")),
    ]


def test_a_redemption_pays_the_fee_its_own_lots_accrued() -> None:
    # 100 units bought at 1.00 and 100 at 1.50; redeeming 150 at 1.40 (no hurdle) takes the
    # first lot whole (20% of 0.40 x 100 = 8.00) and half the second (below its mark: nothing).
    plain = parse_fees(performance_rate="0.20")
    older = Lot("a", D("100.000000"), D("1.00"), date(2025, 1, 1))
    newer = Lot("b", D("100.000000"), D("1.50"), date(2025, 2, 1))
    taken = redeem(plain, [older, newer], D("150.000000"), nav_per_unit=D("1.40"), on=date(2025, 3, 1), currency="USD")
    assert taken.fee == D("8.00")
    assert [(lot.lot_id, lot.units) for lot in taken.lots] == [("b", D("50.000000"))]


def test_crystallising_an_investor_cancels_units_lot_by_lot() -> None:
    plain = parse_fees(performance_rate="0.20")
    older = Lot("a", D("100.000000"), D("1.00"), date(2025, 1, 1))
    newer = Lot("b", D("100.000000"), D("1.50"), date(2025, 2, 1))
    done = crystallise_investor(plain, [older, newer], D("1.40"), date(2025, 3, 31), "USD")
    # Lot a: 8.00 at 1.40 = 5.714285714 units, rounded up; lot b below its mark keeps everything.
    assert (done.fee, done.cancelled_units) == (D("8.00"), D("5.714286"))
    assert [(lot.lot_id, lot.units, lot.hwm) for lot in done.lots] == [
        ("a", D("94.285714"), D("1.40")),
        ("b", D("100.000000"), D("1.50")),
    ]


def test_redemptions_take_lots_first_in_first_out() -> None:
    older = Lot("a", D("100"), D("1.00"), date(2025, 1, 1))
    newer = Lot("b", D("50"), D("1.10"), date(2025, 6, 1))
    assert [(lot.lot_id, n) for lot, n in first_in_first_out([older, newer], D("120"))] == [("a", D("100")), ("b", D("20"))]
    with pytest.raises(InvalidInput):
        first_in_first_out([older, newer], D("151"))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"management_rate": "1.5"}, "management_rate"),
        ({"performance_rate": 0.2}, "performance_rate"),
        ({"crystallisation": "weekly"}, "crystallisation"),
        ({"payee": "someone else"}, "payee"),
    ],
)
def test_bad_fee_settings_are_refused_naming_the_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_fees(**fields)
    assert exc.value.field == field
