"""A contribution or withdrawal reads its pool, investor and Idempotency-Key record
in one round trip, then commits one transaction; a retry reads afresh."""

from __future__ import annotations

from collections import Counter
from typing import Any

from chalicelib.adapters.memory import InMemoryPoolRepository
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Commit, Principal, VersionConflict

MANAGER = Principal("m1", "m1@example.com", frozenset({"managers"}))


class Counting(InMemoryPoolRepository):
    """The in-memory repository, counting what a command asks of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: Counter[str] = Counter()
        self.refuse_commits = 0

    def __getattribute__(self, name: str) -> Any:
        found = object.__getattribute__(self, name)
        if not name.startswith("_") and callable(found):  # the repository's methods, not its stored rows
            object.__getattribute__(self, "asked")[name] += 1
        return found

    def commit(self, change: Commit) -> None:
        if self.refuse_commits:
            self.refuse_commits -= 1
            raise VersionConflict(change.pool.id)
        super().commit(change)


def setup() -> tuple[PoolService, Counting, str, str]:
    repo = Counting()
    svc = PoolService(repo, sleep=lambda _: None)
    pool = svc.create_pool(MANAGER, name="Fund", currency="USD")
    investor = svc.add_investor(MANAGER, pool.id, name="Alice")
    svc.contribute(MANAGER, pool.id, investor_id=investor.id, amount="100.00")
    repo.asked.clear()
    return svc, repo, pool.id, investor.id


def test_a_contribution_is_one_read_and_one_transaction() -> None:
    svc, repo, pool_id, investor_id = setup()
    svc.contribute(MANAGER, pool_id, investor_id=investor_id, amount="10.00", idempotency_key="k-1")
    assert repo.asked == Counter({"read_for_command": 1, "commit": 1})
    repo.asked.clear()
    svc.withdraw(MANAGER, pool_id, investor_id=investor_id, amount="5.00")
    assert repo.asked == Counter({"read_for_command": 1, "commit": 1})


def test_a_retried_contribution_reads_the_pool_and_investor_again() -> None:
    svc, repo, pool_id, investor_id = setup()
    repo.refuse_commits = 1
    svc.contribute(MANAGER, pool_id, investor_id=investor_id, amount="10.00")
    assert repo.asked["read_for_command"] == 1 and repo.asked["commit"] == 2
    assert repo.asked["get_pool"] == 1 and repo.asked["get_investor"] == 1
    assert svc.get_investor(MANAGER, pool_id, investor_id).contributed == 110
