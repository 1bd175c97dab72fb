"""Worked examples a fund accountant can check by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from chalicelib.domain import operations as ops
from chalicelib.domain import portfolio
from chalicelib.domain.errors import Conflict, InvalidInput, RuleViolation
from chalicelib.domain.model import Investor, InvestorStatus, Pool, PoolStatus, Stamp

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_seq = iter(range(1, 10_000))


def stamp() -> Stamp:
    return Stamp(entry_id=f"e{next(_seq):05d}", at=T0, actor="manager-1")


def new_pool(currency: str = "USD", unit_price: str = "1.00") -> Pool:
    return ops.open_pool(
        pool_id="p1", name="Growth Fund", currency=currency, unit_price=unit_price, manager_id="m1", stamp=stamp()
    ).pool


def join(pool: Pool, investor_id: str) -> tuple[Pool, Investor]:
    d = ops.add_investor(pool, investor_id=investor_id, name=f"Investor {investor_id}", email="", stamp=stamp())
    return d.pool, d.investor


def test_first_contribution_issues_units_at_the_initial_price() -> None:
    pool, alice = join(new_pool(unit_price="100.00"), "alice")
    d = ops.contribute(pool, alice, "1000.00", stamp())
    assert d.entry.units == D("10.000000")
    assert d.pool.cash == D("1000.00")
    assert d.pool.nav_per_unit == D("100.000000")
    assert d.investor.contributed == D("1000.00")


def test_second_investor_after_nav_rose_ten_percent_gets_proportionally_fewer_units() -> None:
    pool, alice = join(new_pool(), "alice")
    d = ops.contribute(pool, alice, "1000.00", stamp())
    pool, alice = d.pool, d.investor
    # Buy 10 shares at 100 (no fees), then the price rises to 110: NAV 1000 -> 1100.
    pool = portfolio.trade(pool, symbol="acme", side="buy", quantity="10", price="100", fees="0", stamp=stamp()).pool
    pool = portfolio.revalue(pool, {"ACME": D("110")}, stamp())
    assert pool.nav == D("1100.00")
    assert pool.nav_per_unit == D("1.100000")
    pool, bob = join(pool, "bob")
    # Bob's cash 1000 buys 1000 / 1.10 = 909.090909... units, rounded down.
    d = ops.contribute(pool, bob, "1000.00", stamp())
    assert d.entry.units == D("909.090909")
    assert d.pool.units == D("1909.090909")
    # Alice's holding is still worth what it was: 1000 units x NAV/unit.
    assert d.pool.value_of(alice.units) == D("1100.00")


def test_contribution_rounds_units_down_so_existing_investors_are_not_diluted() -> None:
    pool, alice = join(new_pool(unit_price="3.00"), "alice")
    d = ops.contribute(pool, alice, "10.00", stamp())
    assert d.entry.units == D("3.333333")  # 3.3333333... rounded down
    # NAV per unit is now 10.00 / 3.333333 >= 3.00: the rounding stayed in the pool.
    assert d.pool.exact_nav_per_unit >= D("3")


def test_withdrawal_by_amount_redeems_units_rounded_up() -> None:
    pool, alice = join(new_pool(unit_price="3.00"), "alice")
    d = ops.contribute(pool, alice, "10.00", stamp())
    w = ops.withdraw(d.pool, d.investor, stamp(), amount="5.00")
    assert w.entry.nav_before == D("10.00")
    # 5.00 x 3.333333 / 10.00 = 1.6666665 -> 1.666667 (up)
    assert w.entry.units == D("1.666667")
    assert w.investor.units == D("1.666666")
    assert w.pool.cash == D("5.00")
    assert w.investor.withdrawn == D("5.00")


def test_withdrawal_by_units_pays_cash_rounded_down() -> None:
    pool, alice = join(new_pool(unit_price="3.00"), "alice")
    d = ops.contribute(pool, alice, "10.00", stamp())
    w = ops.withdraw(d.pool, d.investor, stamp(), units="1")
    # 1 x 10.00 / 3.333333 = 3.0000003 -> 3.00 (down)
    assert w.entry.amount == D("3.00")
    assert w.pool.units == D("2.333333")


def test_withdrawal_above_holdings_is_refused_with_the_holding_named() -> None:
    pool, alice = join(new_pool(), "alice")
    d = ops.contribute(pool, alice, "100.00", stamp())
    with pytest.raises(RuleViolation) as exc:
        ops.withdraw(d.pool, d.investor, stamp(), amount="100.01")
    assert exc.value.code == "insufficient_units"
    assert exc.value.field == "amount"
    assert "100.000000 units" in exc.value.message


def test_withdrawal_above_cash_is_refused_clearly() -> None:
    pool, alice = join(new_pool(), "alice")
    d = ops.contribute(pool, alice, "100.00", stamp())
    pool = portfolio.trade(d.pool, symbol="X", side="buy", quantity="9", price="10", fees="0", stamp=stamp()).pool
    with pytest.raises(RuleViolation) as exc:
        ops.withdraw(pool, d.investor, stamp(), amount="50.00")
    assert exc.value.code == "insufficient_cash"
    assert "10.00 USD in cash" in exc.value.message


def test_full_redemption_by_units_leaves_the_investor_with_nothing() -> None:
    pool, alice = join(new_pool(), "alice")
    d = ops.contribute(pool, alice, "250.00", stamp())
    w = ops.withdraw(d.pool, d.investor, stamp(), units=str(d.investor.units))
    assert w.investor.units == 0
    assert w.entry.amount == D("250.00")
    assert w.pool.cash == 0


def test_distribution_splits_by_largest_remainder_and_sums_exactly() -> None:
    pool = new_pool()
    holders = []
    for name in ("a", "b", "c"):
        pool, inv = join(pool, name)
        d = ops.contribute(pool, inv, "100.00", stamp())
        pool = d.pool
        holders.append(d.investor)
    dist = ops.distribute(pool, holders, "100.00", "Q1 payout", stamp())
    amounts = sorted(a.amount for a in dist.allocations)
    # 100.00 / 3 = 33.333...: one investor gets the extra cent.
    assert amounts == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(a.amount for a in dist.allocations) == D("100.00")
    assert dist.pool.cash == D("200.00")
    assert dist.pool.units == pool.units  # units do not change; NAV per unit falls
    assert dist.pool.nav_per_unit == D("0.666667")


def test_distribution_skips_investors_without_units() -> None:
    pool, a = join(new_pool(), "a")
    pool, b = join(pool, "b")
    d = ops.contribute(pool, a, "50.00", stamp())
    dist = ops.distribute(d.pool, [d.investor, b], "10.00", None, stamp())
    assert [x.investor_id for x in dist.allocations] == ["a"]
    assert dist.allocations[0].amount == D("10.00")


def test_distribution_above_cash_is_refused() -> None:
    pool, a = join(new_pool(), "a")
    d = ops.contribute(pool, a, "50.00", stamp())
    with pytest.raises(RuleViolation) as exc:
        ops.distribute(d.pool, [d.investor], "50.01", None, stamp())
    assert exc.value.code == "insufficient_cash"


def test_distribution_with_a_partial_holder_list_is_refused() -> None:
    pool, a = join(new_pool(), "a")
    pool, b = join(pool, "b")
    d1 = ops.contribute(pool, a, "50.00", stamp())
    d2 = ops.contribute(d1.pool, b, "50.00", stamp())
    with pytest.raises(Conflict):
        ops.distribute(d2.pool, [d1.investor], "10.00", None, stamp())


def test_remove_investor_is_refused_while_units_are_held() -> None:
    pool, a = join(new_pool(), "a")
    d = ops.contribute(pool, a, "50.00", stamp())
    with pytest.raises(Conflict) as exc:
        ops.remove_investor(d.pool, d.investor, stamp())
    assert exc.value.code == "investor_holds_units"
    w = ops.withdraw(d.pool, d.investor, stamp(), units="50")
    r = ops.remove_investor(w.pool, w.investor, stamp())
    assert r.investor.status is InvestorStatus.REMOVED
    assert r.pool.investor_count == 0
    # History is kept: the removed investor still has their totals.
    assert r.investor.contributed == D("50.00")


def test_buy_and_sell_with_fees() -> None:
    pool, a = join(new_pool(), "a")
    pool = ops.contribute(pool, a, "10000.00", stamp()).pool
    pool = portfolio.trade(pool, symbol="MSFT", side="buy", quantity="10", price="400.125", fees="1.50", stamp=stamp()).pool
    # gross 4001.25, plus fee 1.50
    assert pool.cash == D("5997.25")
    pos = pool.positions["MSFT"]
    assert pos.avg_cost == D("400.275000")  # (4001.25 + 1.50) / 10
    assert pos.last_price == D("400.125")
    assert pool.nav == D("9998.50")
    pool = portfolio.trade(pool, symbol="MSFT", side="sell", quantity="4", price="410", fees="1.00", stamp=stamp()).pool
    assert pool.cash == D("7636.25")  # + 1640.00 - 1.00
    assert pool.positions["MSFT"].quantity == D("6")
    assert pool.positions["MSFT"].avg_cost == D("400.275000")
    assert pool.positions["MSFT"].last_price == D("410")


def test_selling_a_whole_position_removes_it_from_the_book() -> None:
    pool, a = join(new_pool(), "a")
    pool = ops.contribute(pool, a, "1000.00", stamp()).pool
    pool = portfolio.trade(pool, symbol="X", side="buy", quantity="3", price="10", fees="0", stamp=stamp()).pool
    pool = portfolio.trade(pool, symbol="X", side="sell", quantity="3", price="12", fees="0", stamp=stamp()).pool
    assert "X" not in pool.positions
    assert pool.cash == D("1006.00")
    assert pool.nav == D("1006.00")


def test_selling_more_than_held_and_buying_beyond_cash_are_refused() -> None:
    pool, a = join(new_pool(), "a")
    pool = ops.contribute(pool, a, "100.00", stamp()).pool
    with pytest.raises(RuleViolation) as exc:
        portfolio.trade(pool, symbol="X", side="sell", quantity="1", price="1", fees="0", stamp=stamp())
    assert exc.value.code == "insufficient_position"
    with pytest.raises(RuleViolation) as exc:
        portfolio.trade(pool, symbol="X", side="buy", quantity="10", price="10", fees="0.01", stamp=stamp())
    assert exc.value.code == "insufficient_cash"


def test_dividend_and_fee_move_cash() -> None:
    pool, a = join(new_pool(), "a")
    pool = ops.contribute(pool, a, "100.00", stamp()).pool
    pool = portfolio.receive_dividend(pool, symbol="X", amount="2.50", stamp=stamp()).pool
    pool = portfolio.charge_fee(pool, amount="1.25", description="custody", stamp=stamp()).pool
    assert pool.cash == D("101.25")


def test_a_closed_pool_moves_no_money_whichever_way_it_is_asked() -> None:
    pool, a = join(new_pool(), "a")
    d = ops.contribute(pool, a, "100.00", stamp())
    holder = portfolio.trade(d.pool, symbol="ACME", side="buy", quantity="1", price="10.00", fees="0", stamp=stamp()).pool
    closed = ops.set_status(holder, PoolStatus.CLOSED, stamp()).pool
    moves = {
        "contribution": lambda: ops.contribute(closed, d.investor, "1.00", stamp()),
        "withdrawal": lambda: ops.withdraw(closed, d.investor, stamp(), amount="10.00"),
        "withdrawal by units": lambda: ops.withdraw(closed, d.investor, stamp(), units="1"),
        "distribution": lambda: ops.distribute(closed, [d.investor], "5.00", None, stamp()),
        "trade": lambda: portfolio.trade(
            closed, symbol="ACME", side="sell", quantity="1", price="10.00", fees="0", stamp=stamp()
        ),
        "dividend": lambda: portfolio.receive_dividend(closed, symbol="ACME", amount="1.00", stamp=stamp()),
        "fee": lambda: portfolio.charge_fee(closed, amount="1.00", description="custody", stamp=stamp()),
    }
    for what, move in moves.items():
        with pytest.raises(Conflict) as exc:
            move()
        assert exc.value.code == "pool_closed", what
    # Reopened, it moves money again.
    reopened = ops.set_status(closed, PoolStatus.OPEN, stamp()).pool
    assert ops.withdraw(reopened, d.investor, stamp(), amount="10.00").pool.cash == D("80.00")


def test_a_trade_marks_its_position_at_the_market_price_when_one_is_known() -> None:
    pool, a = join(new_pool(), "a")
    pool = ops.contribute(pool, a, "10000.00", stamp()).pool
    # The market says 186.00; the fill was at 191.40. The position is worth what the market says.
    pool = portfolio.trade(
        pool, symbol="AAPL", side="buy", quantity="10", price="191.40", fees="0", stamp=stamp(), market_price=D("186.00")
    ).pool
    assert pool.positions["AAPL"].last_price == D("186.00")
    assert pool.positions["AAPL"].avg_cost == D("191.400000")
    assert pool.nav == D("10000.00") - D("1914.00") + D("1860.00")
    # With no market price for a symbol, its trade price is the best mark there is.
    pool = portfolio.trade(pool, symbol="NEWCO", side="buy", quantity="5", price="20.00", fees="0", stamp=stamp()).pool
    assert pool.positions["NEWCO"].last_price == D("20.00")
    # Selling part of a position marks what is left at the market too.
    pool = portfolio.trade(
        pool, symbol="AAPL", side="sell", quantity="4", price="199.00", fees="0", stamp=stamp(), market_price=D("187.50")
    ).pool
    assert pool.positions["AAPL"].last_price == D("187.50")


@pytest.mark.parametrize(
    ("currency", "amount", "ok"),
    [
        ("USD", "1.23", True),
        ("USD", "1.234", False),
        ("USD", "1.230", True),
        ("JPY", "100", True),
        ("JPY", "100.5", False),
        ("BHD", "1.234", True),
        ("BHD", "1.2345", False),
    ],
)
def test_amount_precision_follows_the_currency(currency: str, amount: str, ok: bool) -> None:
    pool, a = join(new_pool(currency=currency, unit_price="1"), "a")
    if ok:
        assert ops.contribute(pool, a, amount, stamp()).pool.cash == D(amount)
    else:
        with pytest.raises(InvalidInput) as exc:
            ops.contribute(pool, a, amount, stamp())
        assert exc.value.field == "amount"


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-1", "0", "abc", "", "1e20", 1.5, None, True, [1]])
def test_bad_amounts_are_refused_with_the_field_named(bad: object) -> None:
    pool, a = join(new_pool(), "a")
    with pytest.raises(InvalidInput) as exc:
        ops.contribute(pool, a, bad, stamp())  # type: ignore[arg-type]
    assert exc.value.field == "amount"
    assert exc.value.code == "invalid_amount"


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        new_pool(currency="XXX")
    assert exc.value.field == "currency"
