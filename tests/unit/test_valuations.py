"""Striking a forward pool's NAV and settling its dealing day (chalicelib/domain/valuations.py),
checked against a hand calculation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from chalicelib.domain import operations as ops
from chalicelib.domain import portfolio
from chalicelib.domain.dealing import parse_policy
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.model import Pool, Stamp
from chalicelib.domain.orders import Order, OrderType
from chalicelib.domain.valuations import Quote, ValuationStatus, approve, reject, strike

DAY = date(2026, 12, 1)
AT = datetime(2026, 12, 1, 17, tzinfo=UTC)
POLICY = parse_policy(mode="forward", gate="0.10", lockup_days=30, early_redemption_fee="0.02")


def pool() -> Pool:
    """Alice put in 10,000.00 and Bob 5,000.00 (15,000 units at 1.00); 100 ACME bought at 50.00."""
    n = iter(range(100))

    def stamp() -> Stamp:
        return Stamp(f"e{next(n)}", AT - timedelta(days=60), "m1")

    p = ops.open_pool(pool_id="pl_1", name="Fund", currency="USD", unit_price="1.00", manager_id="m1", stamp=stamp()).pool
    for who, amount in (("alice", "10000.00"), ("bob", "5000.00")):
        d = ops.add_investor(p, investor_id=who, name=who, email="", stamp=stamp())
        p = ops.contribute(d.pool, d.investor, amount, stamp()).pool
    return portfolio.trade(p, symbol="ACME", side="buy", quantity="100", price="50.00", fees="0", stamp=stamp()).pool


def order(order_id: str, investor: str, kind: OrderType, *, amount: str | None = None, units: str | None = None) -> Order:
    return Order(
        order_id, "pl_1", investor, kind, AT - timedelta(hours=2), DAY, D(amount) if amount else None, D(units) if units else None
    )


def test_a_dealing_day_settles_at_the_struck_nav_with_a_fee_and_a_gate() -> None:
    quotes = {"ACME": Quote(D("55.00"), AT - timedelta(hours=1))}
    orders = [
        order("o1", "carol", OrderType.SUBSCRIPTION, amount="2000.00"),
        order("o2", "dan", OrderType.SUBSCRIPTION, amount="500.00"),
        order("o3", "bob", OrderType.REDEMPTION, units="1000"),
        order("o4", "alice", OrderType.REDEMPTION, units="2000"),
    ]
    # Bob bought 10 days before the dealing day: inside the 30-day lock-up. Alice 60 days before.
    first = {"alice": DAY - timedelta(days=60), "bob": DAY - timedelta(days=10)}
    v = strike(pool(), POLICY, quotes, orders, first, valuation_id="v1", dealing_date=DAY, proposed_by="m1", at=AT)

    # NAV = 10,000.00 cash + 100 x 55.00 = 15,500.00 over 15,000 units.
    assert (v.status, v.cash, v.nav, v.units, v.nav_per_unit) == (
        ValuationStatus.PROPOSED,
        D("10000.00"),
        D("15500.00"),
        D("15000.000000"),
        D("1.033333"),
    )
    assert [(p.symbol, p.price, p.market_value) for p in v.positions] == [("ACME", D("55.00"), D("5500.00"))]
    assert v.warnings == ()
    s = {x.order_id: x for x in v.settlements}
    # Subscriptions: units = amount x 15,000 / 15,500, rounded down.
    assert (s["o1"].amount, s["o1"].units) == (D("2000.00"), D("1935.483870"))
    assert (s["o2"].amount, s["o2"].units) == (D("500.00"), D("483.870967"))
    # Redemptions ask 1,033.33 + 2,066.66 = 3,099.99; the gate allows 10% of NAV, 1,550.00:
    # each gets 1,550 / 3,099.99 = 0.500001 (rounded down) of what it asked.
    assert s["o3"].fraction == s["o4"].fraction == D("0.500001")
    assert s["o3"].gated and s["o4"].gated and not s["o1"].gated
    # Bob: 500.001000 units, worth 516.66; the 2% early-redemption fee is 10.34 (10.3332 rounded up).
    assert (s["o3"].units, s["o3"].fee, s["o3"].amount) == (D("500.001000"), D("10.34"), D("506.32"))
    # Alice: 1,000.002000 units, worth 1,033.33, no fee.
    assert (s["o4"].units, s["o4"].fee, s["o4"].amount) == (D("1000.002000"), D("0.00"), D("1033.33"))
    assert s["o3"].amount + s["o3"].fee + s["o4"].amount <= D("1550.00")


def test_a_missing_or_stale_price_is_named() -> None:
    p = pool()
    v = strike(p, POLICY, {}, [], {}, valuation_id="v1", dealing_date=DAY, proposed_by="m1", at=AT)
    assert v.nav == D("15000.00") and len(v.warnings) == 1 and v.warnings[0].startswith("ACME: no market price")
    old = {"ACME": Quote(D("55.00"), AT - timedelta(days=3))}
    v = strike(p, POLICY, old, [], {}, valuation_id="v2", dealing_date=DAY, proposed_by="m1", at=AT)
    assert v.nav == D("15500.00") and "older than a daily dealing cycle" in v.warnings[0]


def test_a_redemption_by_amount_redeems_units_rounded_up() -> None:
    quotes = {"ACME": Quote(D("55.00"), AT)}
    policy = parse_policy(mode="forward")
    v = strike(
        pool(),
        policy,
        quotes,
        [order("o1", "alice", OrderType.REDEMPTION, amount="100.00")],
        {},
        valuation_id="v1",
        dealing_date=DAY,
        proposed_by="m1",
        at=AT,
    )
    (s,) = v.settlements
    # 100.00 x 15,000 / 15,500 = 96.7741935..., rounded up.
    assert (s.amount, s.units, s.fee, s.gated) == (D("100.00"), D("96.774194"), D("0.00"), False)


def test_the_proposer_never_approves_and_a_decided_valuation_stays_decided() -> None:
    v = strike(pool(), POLICY, {}, [], {}, valuation_id="v1", dealing_date=DAY, proposed_by="m1", at=AT)
    with pytest.raises(Forbidden) as exc:
        approve(v, approver="m1", at=AT)
    assert exc.value.code == "approver_is_proposer"
    locked = approve(v, approver="f1", at=AT)
    assert (locked.status, locked.decided_by) == (ValuationStatus.LOCKED, "f1")
    with pytest.raises(Conflict) as decided:
        reject(locked, by="f1", reason="late", at=AT)
    assert decided.value.code == "valuation_locked"
    rejected = reject(v, by="f2", reason="ACME price is a day old", at=AT)
    assert (rejected.status, rejected.reason) == (ValuationStatus.REJECTED, "ACME price is a day old")


def test_the_requester_of_a_held_movement_never_approves_it() -> None:
    from chalicelib.domain.approvals import Approval
    from chalicelib.domain.approvals import approve as approve_movement

    held = Approval("apr_1", "pl_1", "withdrawal", {"amount": "5.00"}, "large", requested_by="u1", requested_at=AT)
    with pytest.raises(Forbidden) as exc:
        approve_movement(held, by="u1", at=AT)
    assert exc.value.code == "approver_is_requester"
    assert approve_movement(held, by="f1", at=AT).decided_by == "f1"


def test_a_price_points_time_is_exact_to_the_microsecond() -> None:
    from chalicelib.services.market_ports import PricePoint

    point = PricePoint("ACME", D("55.00"), D("1796139000.123456"))
    assert point.printed_at == datetime(2026, 12, 1, 15, 30, 0, 123456, tzinfo=UTC)
