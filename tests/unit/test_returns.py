"""Time-weighted and money-weighted returns (chalicelib/domain/returns.py),
checked against a published XIRR example and with Hypothesis."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.returns import annualised, period_return, periods, total_return_index, xirr

START = date(2025, 1, 1)
prices = st.decimals(min_value=D("0.5"), max_value=D("50"), places=6)


def test_xirr_matches_the_spreadsheet_example() -> None:
    # The example spreadsheets document for XIRR: 0.373362535 (37.34%).
    flows = [
        (date(2008, 1, 1), D(-10000)),
        (date(2008, 3, 1), D(2750)),
        (date(2008, 10, 30), D(4250)),
        (date(2009, 2, 15), D(3250)),
        (date(2009, 4, 1), D(2750)),
    ]
    assert xirr(flows) == D("0.37336253")


def test_xirr_has_no_answer_for_flows_all_one_way() -> None:
    assert xirr([(START, D(-100))]) is None
    assert xirr([(START, D(-100)), (date(2026, 1, 1), D(0))]) is None
    assert xirr([(START, D(100)), (date(2026, 1, 1), D(5))]) is None


@settings(max_examples=60, deadline=None)
@given(
    paid=st.decimals(min_value=D("1"), max_value=D("1000000"), places=2),
    growth=st.decimals(min_value=D("-0.9"), max_value=D("3"), places=4),
)
def test_xirr_of_one_contribution_held_one_year_is_its_simple_return(paid: D, growth: D) -> None:
    worth = paid * (1 + growth)
    assert xirr([(START, -paid), (START + timedelta(days=365), worth)]) == growth.quantize(D("0.00000001"))


@settings(max_examples=80, deadline=None)
@given(closes=st.lists(prices, min_size=2, max_size=40))
def test_with_no_flows_the_time_weighted_return_is_the_change_in_nav_per_unit(closes: list[D]) -> None:
    series = [(START + timedelta(days=i), c) for i, c in enumerate(closes)]
    index = total_return_index(series)
    expected = (closes[-1] / closes[0] - 1).quantize(D("0.00000001"))
    assert period_return(index, START, series[-1][0]) == expected


@settings(max_examples=80, deadline=None)
@given(
    closes=st.lists(prices, min_size=3, max_size=30),
    at=st.integers(1, 29),
    share=st.decimals(min_value=D("0.01"), max_value=D("0.5"), places=2),
)
def test_a_distribution_reinvested_leaves_the_time_weighted_return_unchanged(closes: list[D], at: int, share: D) -> None:
    """Paying ``share`` of NAV per unit out on a day lowers that close, and every later one in
    proportion (the pool holds less); with the payout reinvested the return is the same."""
    k = min(at, len(closes) - 1)
    paid = closes[k] * share
    scale = (closes[k] - paid) / closes[k]
    after = [c if i < k else c * scale for i, c in enumerate(closes)]
    days = [START + timedelta(days=i) for i in range(len(closes))]
    plain = total_return_index(list(zip(days, closes, strict=True)))
    with_payout = total_return_index(list(zip(days, after, strict=True)), {days[k]: paid})
    for a, b in zip(plain, with_payout, strict=True):
        assert abs(a.value - b.value) < D("1e-30")
    assert period_return(with_payout, START, days[-1]) == period_return(plain, START, days[-1])


def test_periods_start_at_the_close_before_them_and_only_a_long_return_is_annualised() -> None:
    # NAV per unit 1.00 on 31 Dec 2024, 1.10 on 31 Mar 2025, 1.21 on 30 Apr 2025, 1.331 on 15 May 2025.
    index = total_return_index(
        [
            (date(2024, 12, 31), D("1.00")),
            (date(2025, 3, 31), D("1.10")),
            (date(2025, 4, 30), D("1.21")),
            (date(2025, 5, 15), D("1.331")),
        ]
    )
    p = periods(index, date(2025, 5, 15))
    assert (p.mtd, p.qtd, p.ytd, p.since_inception) == (D("0.10000000"), D("0.21000000"), D("0.33100000"), D("0.33100000"))
    assert p.one_year is None and p.since_inception_annualised is None  # not a year old yet
    assert annualised(D("0.21"), 730) == D("0.10000000")  # 21% over two years is 10% a year
    assert annualised(D("0.21"), 365) is None


def test_returns_travel_as_plain_decimal_strings_even_when_zero() -> None:
    """A zero return quantised to 8 places is Decimal("0E-8"): the API says "0.00000000"."""
    from pydantic import BaseModel

    from chalicelib.api.schemas import Amount

    class Out(BaseModel):
        value: Amount

    assert Out(value=D("0E-8")).model_dump(mode="json") == {"value": "0.00000000"}
    assert Out(value=D("1E+2")).model_dump(mode="json") == {"value": "100"}
    assert Out(value=D("-0.01234567")).model_dump(mode="json") == {"value": "-0.01234567"}
