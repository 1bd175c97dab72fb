"""Invariants of the accounting, checked over random sequences of operations."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import money, portfolio
from chalicelib.domain import operations as ops
from chalicelib.domain.allocation import allocate
from chalicelib.domain.errors import DomainError
from chalicelib.domain.ledger import fold
from chalicelib.domain.model import Investor, LedgerEntry, Pool, Stamp

T0 = datetime(2026, 1, 5, tzinfo=UTC)

amounts = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
unit_amounts = st.decimals(min_value=D("0.000001"), max_value=D("5000"), places=6)
prices = st.decimals(min_value=D("0.01"), max_value=D("1000"), places=4)
ops_strategy = st.lists(
    st.one_of(
        st.tuples(st.just("contribute"), st.integers(0, 3), amounts),
        st.tuples(st.just("withdraw_amount"), st.integers(0, 3), amounts),
        st.tuples(st.just("withdraw_units"), st.integers(0, 3), unit_amounts),
        st.tuples(st.just("distribute"), st.just(0), amounts),
        st.tuples(st.just("buy"), st.just(0), prices),
        st.tuples(st.just("sell"), st.just(0), prices),
        st.tuples(st.just("reprice"), st.just(0), prices),
    ),
    max_size=40,
)


class Book:
    """A pool, its investors and its ledger, driven only through the domain."""

    def __init__(self, unit_price: str) -> None:
        self.n = 0
        d = ops.open_pool(pool_id="p", name="P", currency="USD", unit_price=unit_price, manager_id="m", stamp=self.stamp())
        self.pool: Pool = d.pool
        self.ledger: list[LedgerEntry] = [d.entry]
        self.investors: dict[str, Investor] = {}
        self.paid_out: dict[str, D] = {}
        for i in range(4):
            a = ops.add_investor(self.pool, investor_id=f"i{i}", name=f"I{i}", email="", stamp=self.stamp())
            self.pool, self.investors[a.investor.id] = a.pool, a.investor
            self.ledger.append(a.entry)

    def stamp(self) -> Stamp:
        self.n += 1
        return Stamp(entry_id=f"e{self.n}", at=T0, actor="m")

    def run(self, op: str, who: int, value: D) -> None:
        inv = self.investors[f"i{who}"]
        try:
            if op == "contribute":
                d = ops.contribute(self.pool, inv, str(value), self.stamp())
            elif op == "withdraw_amount":
                d = ops.withdraw(self.pool, inv, self.stamp(), amount=str(value))
            elif op == "withdraw_units":
                d = ops.withdraw(self.pool, inv, self.stamp(), units=str(value))
            elif op == "distribute":
                dist = ops.distribute(self.pool, list(self.investors.values()), str(value), None, self.stamp())
                assert sum(a.amount for a in dist.allocations) == dist.entry.amount
                for a in dist.allocations:
                    self.paid_out[a.investor_id] = self.paid_out.get(a.investor_id, D(0)) + a.amount
                self.pool = dist.pool
                self.ledger.append(dist.entry)
                return
            elif op in ("buy", "sell"):
                p = portfolio.trade(
                    self.pool, symbol="X", side=op, quantity="3", price=str(value), fees="0.10", stamp=self.stamp()
                )
                self.pool = p.pool
                self.ledger.append(p.entry)
                return
            else:
                self.pool = portfolio.revalue(self.pool, {"X": value}, self.stamp())
                return
        except DomainError:
            return
        self.pool, self.investors[d.investor.id] = d.pool, d.investor
        self.ledger.append(d.entry)


@settings(max_examples=150, deadline=None)
@given(steps=ops_strategy, unit_price=st.sampled_from(["1.00", "100.00", "3.00"]))
def test_invariants_hold_after_any_sequence(steps: list[tuple[str, int, D]], unit_price: str) -> None:
    book = Book(unit_price)
    for op, who, value in steps:
        before = book.pool
        book.run(op, who, value)
        # Nobody is diluted: money coming in or going out never lowers NAV per unit.
        if op in ("contribute", "withdraw_amount", "withdraw_units") and before.units > 0 and book.pool.units > 0:
            # nav/units >= nav0/units0, compared exactly by cross-multiplying.
            assert money.mul(book.pool.nav, before.units) >= money.mul(before.nav, book.pool.units)
        pool = book.pool
        balances = fold(book.ledger)
        assert sum(i.units for i in book.investors.values()) == pool.units
        assert balances.cash == pool.cash
        assert balances.units == pool.units
        assert pool.cash >= 0
        for inv in book.investors.values():
            assert inv.units >= 0
            assert balances.investor_units.get(inv.id, D(0)) == inv.units
        held = pool.positions["X"].quantity if "X" in pool.positions else D(0)
        assert held == balances.position_quantities.get("X", D(0))
        assert all(p.quantity > 0 for p in pool.positions.values())


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.decimals(min_value=D("0.000001"), max_value=D("1e9"), places=6), min_size=1, max_size=60),
)
def test_allocation_sums_exactly_and_each_part_is_within_one_minor_unit(total: int, weights: list[D]) -> None:
    keyed = [(f"k{i:03d}", w) for i, w in enumerate(weights)]
    parts = allocate(total, keyed)
    assert sum(parts.values()) == total
    weight_sum = sum(weights)
    for key, w in keyed:
        exact = D(total) * w / weight_sum
        assert abs(D(parts[key]) - exact) < 1 + D("1e-20")
        assert parts[key] >= 0


@given(total=st.integers(0, 10**9), weights=st.lists(st.integers(1, 10**6), min_size=1, max_size=30))
def test_allocation_is_deterministic_and_order_independent(total: int, weights: list[int]) -> None:
    keyed = [(f"k{i}", D(w)) for i, w in enumerate(weights)]
    assert allocate(total, keyed) == allocate(total, list(reversed(keyed)))


@given(value=st.decimals(allow_nan=True, allow_infinity=True))
def test_parse_amount_accepts_only_positive_finite_minor_unit_amounts(value: D) -> None:
    try:
        parsed = money.parse_amount(str(value), "USD")
    except DomainError:
        return
    assert parsed.is_finite() and parsed > 0
    assert parsed == parsed.quantize(D("0.01"))
    assert parsed == value
