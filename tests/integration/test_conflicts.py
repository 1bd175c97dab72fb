"""Concurrent writers and interrupted work, made to happen deterministically.

moto never raises TransactionConflict and is not safe under real concurrency
in-process, so interleavings are forced: a proxy client lets a competing
writer commit between our read and our write. (Real threads against the local
stack's serialised moto server are in tests/system.)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import boto3
import pytest

from chalicelib.adapters.pool_repository import DynamoPoolRepository
from chalicelib.domain.errors import Conflict
from chalicelib.domain.ledger import fold
from chalicelib.services.commands import MAX_ATTEMPTS
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Principal
from tests.support.events import TABLE_NAME

MANAGER = Principal("m-1", "m@example.com", frozenset({"managers"}))


class Interfering:
    """A DynamoDB client that runs ``before_write`` ahead of chosen transact_write_items calls."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.before_write: list[Callable[[], object]] = []
        self.fail_on_calls: set[int] = set()
        self.calls = 0

    def transact_write_items(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.before_write:
            self.before_write.pop(0)()
        if self.calls in self.fail_on_calls:
            raise ConnectionError("injected: the network dropped mid-batch")
        return self._client.transact_write_items(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.fixture
def services(dynamodb: Any) -> tuple[PoolService, PoolService, Interfering]:
    proxy = Interfering(dynamodb)
    ours = PoolService(DynamoPoolRepository(proxy, TABLE_NAME), sleep=lambda _: None)
    theirs = PoolService(DynamoPoolRepository(boto3.client("dynamodb", region_name="us-east-1"), TABLE_NAME))
    return ours, theirs, proxy


def setup_pool(svc: PoolService, n_investors: int = 2) -> tuple[str, list[str]]:
    pool = svc.create_pool(MANAGER, name="Fund", currency="USD")
    ids = [svc.add_investor(MANAGER, pool.id, name=f"I{i}").id for i in range(n_investors)]
    return pool.id, ids


def test_a_contribution_racing_another_is_retried_and_neither_is_lost(
    services: tuple[PoolService, PoolService, Interfering],
) -> None:
    ours, theirs, proxy = services
    pid, (a, b) = setup_pool(theirs)
    proxy.before_write.append(lambda: theirs.contribute(MANAGER, pid, investor_id=b, amount="250.00"))
    ours.contribute(MANAGER, pid, investor_id=a, amount="100.00")
    pool = theirs.get_pool(MANAGER, pid)
    assert pool.cash == D("350.00")
    assert pool.units == D("350.000000")
    assert proxy.calls == 2  # the first write was refused by the version check, the retry landed
    balances = fold(theirs.repo.ledger(pid))
    assert balances.cash == pool.cash and balances.units == pool.units


def test_a_distribution_racing_a_contribution_allocates_on_the_new_holdings(
    services: tuple[PoolService, PoolService, Interfering],
) -> None:
    ours, theirs, proxy = services
    pid, (a, b) = setup_pool(theirs)
    theirs.contribute(MANAGER, pid, investor_id=a, amount="100.00")
    # Between our read and our write, B buys in: the split must include B.
    proxy.before_write.append(lambda: theirs.contribute(MANAGER, pid, investor_id=b, amount="300.00"))
    receipt = ours.distribute(MANAGER, pid, amount="40.00")
    shares = {x.investor_id: x.amount for x in receipt.allocations}
    assert shares == {a: D("10.00"), b: D("30.00")}


def test_persistent_contention_gives_up_with_a_clear_409(services: tuple[PoolService, PoolService, Interfering]) -> None:
    ours, theirs, proxy = services
    pid, (a, b) = setup_pool(theirs)
    interfere = lambda: theirs.contribute(MANAGER, pid, investor_id=b, amount="1.00")  # noqa: E731 - one per attempt
    proxy.before_write.extend([interfere] * MAX_ATTEMPTS)
    with pytest.raises(Conflict) as exc:
        ours.contribute(MANAGER, pid, investor_id=a, amount="100.00")
    assert exc.value.code == "concurrent_update"
    assert theirs.get_investor(MANAGER, pid, a).units == 0


def test_an_interrupted_distribution_is_finished_by_its_retry_exactly_once(
    services: tuple[PoolService, PoolService, Interfering],
) -> None:
    ours, theirs, proxy = services
    pid, ids = setup_pool(theirs, n_investors=120)
    for i, inv in enumerate(ids):
        theirs.contribute(MANAGER, pid, investor_id=inv, amount=f"{10 + i}.00")
    # Call 1 commits the distribution; call 3 (the second batch of shares) fails.
    proxy.fail_on_calls = {3}
    with pytest.raises(ConnectionError):
        ours.distribute(MANAGER, pid, amount="1000.00", idempotency_key="payout-q4")
    paid = sum(i.paid_out for i in theirs.repo.holders(pid))
    assert D(0) < paid < D("1000.00")  # half booked: the client saw an error and retries
    proxy.fail_on_calls = set()
    receipt = ours.distribute(MANAGER, pid, amount="1000.00", idempotency_key="payout-q4")
    assert receipt.replayed
    investors = theirs.repo.holders(pid)
    assert sum(i.paid_out for i in investors) == D("1000.00")
    by_id = {x.investor_id: x.amount for x in receipt.allocations}
    assert all(i.paid_out == by_id[i.id] for i in investors)
    assert theirs.get_pool(MANAGER, pid).cash == sum((D(f"{10 + i}.00") for i in range(120)), D(0)) - D("1000.00")
