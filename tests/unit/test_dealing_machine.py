"""A state machine over an instant pool and a forward pool side by side: orders,
cancels, valuations proposed, rejected and approved, instant movements,
reversals, market ticks and the clock moving on. Whatever Hypothesis makes of it, each pool's units
equal its investors' units, the ledger reconciles, no order settles twice at a
valuation, and in the forward pool no unit moves but at an approved valuation."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from chalicelib.adapters.memory import InMemoryPoolRepository, InMemoryPriceStore
from chalicelib.domain.dealing import parse_policy
from chalicelib.domain.errors import DomainError
from chalicelib.domain.model import EntryType
from chalicelib.domain.reconciliation import compare
from chalicelib.domain.valuations import ValuationStatus
from chalicelib.services.corrections import CorrectionService
from chalicelib.services.dealing import DealingService
from chalicelib.services.market import MarketData
from chalicelib.services.market_ports import PricePoint
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Principal

MANAGER = Principal("m-1", "m@example.com", frozenset({"managers"}))
FINANCE = Principal("f-1", "f@example.com", frozenset({"finance"}))
START = datetime(2026, 11, 30, 9, tzinfo=UTC)  # a Monday

amounts = st.decimals(min_value=D("1"), max_value=D("4000"), places=2).map(str)
units = st.decimals(min_value=D("0.000001"), max_value=D("1500"), places=6).map(str)


class ForwardAndInstantPools(RuleBasedStateMachine):
    @initialize()
    def open_pools(self) -> None:
        self.now = START
        self.repo = InMemoryPoolRepository()
        self.prices = InMemoryPriceStore()
        self.pools = PoolService(self.repo, clock=lambda: self.now, sleep=lambda _: None, prices=self.prices)
        self.dealing = DealingService(self.pools, prices=self.prices, sleep=lambda _: None)
        self.corrections = CorrectionService(self.pools)
        self.market = MarketData(self.repo, self.prices, clock=lambda: self.now)
        self.people: dict[str, list[str]] = {}
        for name in ("instant", "forward"):
            pid = self.pools.create_pool(MANAGER, name=name, currency="USD").id
            self.people[pid] = [self.pools.add_investor(MANAGER, pid, name=f"{name}{i}").id for i in range(3)]
            for inv in self.people[pid][:2]:
                self.pools.contribute(MANAGER, pid, investor_id=inv, amount="5000.00")
            self.pools.trade(MANAGER, pid, symbol="ACME", side="buy", quantity="40", price="50.00")
            if name == "instant":
                self.instant = pid
            else:
                self.forward = pid
        policy = parse_policy(
            mode="forward",
            frequency="daily",
            cutoff={"time": "16:00", "timezone": "UTC"},
            gate="0.25",
            lockup_days=3,
            early_redemption_fee="0.02",
        )
        self.pools.set_dealing(MANAGER, self.forward, policy)
        self.switched = self.repo.get_pool(self.forward).version  # type: ignore[union-attr]

    def attempt(self, what: str, action: object) -> None:
        try:
            action()  # type: ignore[operator]
            event(f"{what}: done")
        except DomainError as refused:
            event(f"{what}: refused ({refused.code})")  # and (the invariants check) nothing changed

    # -- the world -------------------------------------------------------------

    @rule(hours=st.integers(1, 40))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(price=st.decimals(min_value=D("20"), max_value=D("90"), places=2))
    def market_prints(self, price: D) -> None:
        self.market.apply([PricePoint("ACME", price, D(int(self.now.timestamp())))])

    # -- the instant pool --------------------------------------------------------

    @rule(who=st.integers(0, 2), amount=amounts, out=st.booleans())
    def instant_movement(self, who: int, amount: str, out: bool) -> None:
        inv = self.people[self.instant][who]
        move = self.pools.withdraw if out else self.pools.contribute
        self.attempt("instant", lambda: move(MANAGER, self.instant, investor_id=inv, amount=amount))

    # -- the forward pool ----------------------------------------------------------

    @rule(who=st.integers(0, 2), amount=amounts)
    def subscribe(self, who: int, amount: str) -> None:
        inv = self.people[self.forward][who]
        self.attempt(
            "subscribe",
            lambda: self.dealing.place_order(MANAGER, self.forward, investor_id=inv, type_="subscription", amount=amount),
        )

    @rule(who=st.integers(0, 2), asked=units, by_amount=st.booleans(), amount=amounts)
    def redeem(self, who: int, asked: str, by_amount: bool, amount: str) -> None:
        inv = self.people[self.forward][who]
        size = {"amount": amount} if by_amount else {"units": asked}
        self.attempt(
            "redeem", lambda: self.dealing.place_order(MANAGER, self.forward, investor_id=inv, type_="redemption", **size)
        )

    @rule(pick=st.integers(0, 50))
    def cancel(self, pick: int) -> None:
        open_orders = self.repo.open_orders(self.forward)
        if open_orders:
            order = open_orders[pick % len(open_orders)]
            self.attempt("cancel", lambda: self.dealing.cancel_order(MANAGER, self.forward, order.id))

    @rule()
    def propose(self) -> None:
        self.attempt("propose", lambda: self.dealing.propose(MANAGER, self.forward))

    @rule()
    def approve(self) -> None:
        in_hand = self.repo.get_pool(self.forward).valuation_id  # type: ignore[union-attr]
        if in_hand is not None:
            self.attempt("approve", lambda: self.dealing.approve(FINANCE, self.forward, in_hand))

    @rule()
    def reject(self) -> None:
        in_hand = self.repo.get_pool(self.forward).valuation_id  # type: ignore[union-attr]
        if in_hand is not None:
            self.attempt("reject", lambda: self.dealing.reject(FINANCE, self.forward, in_hand, reason="prices look wrong"))

    # -- corrections ---------------------------------------------------------------

    @rule(forward=st.booleans(), pick=st.integers(0, 200))
    def reverse_an_entry(self, forward: bool, pick: int) -> None:
        pid = self.forward if forward else self.instant
        ledger = self.repo.ledger(pid)
        entry = ledger[pick % len(ledger)]
        self.attempt("reverse", lambda: self.corrections.reverse(MANAGER, pid, entry.id, reason="wrong"))

    # -- what must always hold ----------------------------------------------------

    @invariant()
    def units_are_the_investors_units_and_the_ledger_reconciles(self) -> None:
        for pid in (self.instant, self.forward):
            pool = self.repo.get_pool(pid)
            assert pool is not None
            investors = self.repo.all_investors(pid)
            assert pool.units == sum((i.units for i in investors), D(0))
            assert pool.cash >= 0
            assert compare(pool, investors, self.repo.ledger(pid), self.repo.paid_out(pid)) == []

    @invariant()
    def forward_units_move_only_at_approved_valuations_and_once(self) -> None:
        ledger = self.repo.ledger(self.forward)
        switched_at = next(n for n, e in enumerate(ledger) if e.type is EntryType.DEALING_SET)
        settled = [e for e in ledger[switched_at:] if e.units_delta != 0 and e.type is not EntryType.REVERSAL]
        for e in settled:
            assert e.type in (EntryType.CONTRIBUTION, EntryType.WITHDRAWAL) and e.valuation_id and e.order_id
            valuation = self.repo.get_valuation(self.forward, e.valuation_id)
            assert valuation is not None and valuation.status is ValuationStatus.LOCKED
            assert valuation.nav_per_unit == e.nav_per_unit
        twice = [k for k, n in Counter((e.order_id, e.valuation_id) for e in settled).items() if n > 1]
        assert twice == []
        # A valuation in hand is the only one proposed; every approved one has finished settling.
        pool = self.repo.get_pool(self.forward)
        assert pool is not None
        for v in self.repo.list_valuations(self.forward, limit=100, cursor=None).items:
            if v.status is ValuationStatus.PROPOSED:
                assert pool.valuation_id == v.id
            if v.status is ValuationStatus.LOCKED:
                assert v.settled


ForwardAndInstantPools.TestCase.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
TestForwardAndInstantPools = ForwardAndInstantPools.TestCase
