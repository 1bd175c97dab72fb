"""Use cases over the in-memory repository: any sequence of commands, each
possibly replayed with its Idempotency-Key, keeps stored state equal to the
fold of the ledger and moves nothing twice."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.adapters.memory import InMemoryPoolRepository
from chalicelib.domain.errors import DomainError
from chalicelib.domain.ledger import fold
from chalicelib.domain.reconciliation import compare
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Principal

MANAGER = Principal("m-1", "m@example.com", frozenset({"managers"}))


def money(low: str, high: str) -> st.SearchStrategy[str]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2).map(str)


# Sizes chosen so that most commands succeed: contributions are large, what
# leaves the pool small, trades cheap, so every path runs in most examples.
command = st.one_of(
    st.tuples(st.just("contribute"), st.integers(0, 2), money("100", "50000")),
    st.tuples(st.just("withdraw"), st.integers(0, 2), money("0.01", "3000")),
    st.tuples(st.just("redeem"), st.integers(0, 2), st.decimals(min_value=D("0.000001"), max_value=D("500"), places=6).map(str)),
    st.tuples(st.just("distribute"), st.just(0), money("0.01", "1000")),
    st.tuples(st.just("buy"), st.just(0), money("1", "100")),
    st.tuples(st.just("sell"), st.just(0), money("1", "100")),
)


@settings(max_examples=120, deadline=None)
@given(steps=st.lists(st.tuples(command, st.booleans()), min_size=5, max_size=30))
def test_state_equals_the_ledger_and_replays_move_nothing(steps: list[tuple[tuple[str, int, str], bool]]) -> None:
    repo = InMemoryPoolRepository()
    svc = PoolService(repo, sleep=lambda _: None)
    pool = svc.create_pool(MANAGER, name="P", currency="USD")
    people = [svc.add_investor(MANAGER, pool.id, name=f"I{i}").id for i in range(3)]
    distributed = D(0)
    for n, ((op, who, value), replay) in enumerate(steps):
        key = f"k{n}"

        def run(op: str = op, who: int = who, value: str = value, key: str = key) -> object:
            inv = people[who]
            if op == "contribute":
                return svc.contribute(MANAGER, pool.id, investor_id=inv, amount=value, idempotency_key=key)
            if op == "withdraw":
                return svc.withdraw(MANAGER, pool.id, investor_id=inv, amount=value, idempotency_key=key)
            if op == "redeem":
                return svc.withdraw(MANAGER, pool.id, investor_id=inv, units=value, idempotency_key=key)
            if op == "distribute":
                return svc.distribute(MANAGER, pool.id, amount=value, idempotency_key=key)
            return svc.trade(MANAGER, pool.id, symbol="X", side=op, quantity="2", price=value, fees="0.25", idempotency_key=key)

        try:
            run()
        except DomainError:
            continue
        if op == "distribute":
            distributed += D(value)
        if replay:
            before = repo.get_pool(pool.id)
            receipt = run()
            assert getattr(receipt, "replayed", False)
            assert repo.get_pool(pool.id) == before

    state = repo.get_pool(pool.id)
    assert state is not None
    balances = fold(repo.ledger(pool.id))
    holders = [repo.get_investor(pool.id, i) for i in people]
    assert balances.cash == state.cash
    assert balances.units == state.units
    assert sum(h.units for h in holders if h) == state.units
    assert all(balances.investor_units.get(h.id, D(0)) == h.units for h in holders if h)
    assert sum(h.paid_out for h in holders if h) == distributed == balances.distributed
    assert state.cash >= 0
    # What the nightly reconciliation checks, on every history Hypothesis makes up.
    assert compare(state, repo.all_investors(pool.id), repo.ledger(pool.id), repo.paid_out(pool.id)) == []
