"""An approval whose settlement dies part way (a Lambda timeout, a crash) is
finished by approving again, or by the next proposal: no order is booked twice,
and the pool's units equal its investors' units at every point in between."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from chalicelib.adapters.memory import InMemoryPoolRepository
from chalicelib.domain.dealing import parse_policy
from chalicelib.domain.model import EntryType
from chalicelib.domain.valuations import ValuationStatus
from chalicelib.services.dealing import DealingService
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Commit, Principal

MANAGER = Principal("m-1", "m@example.com", frozenset({"managers"}))
FINANCE = Principal("f-1", "f@example.com", frozenset({"finance"}))


class CrashAfter:
    """The repository's commit, dying once after ``n`` settlement commits."""

    def __init__(self, repo: InMemoryPoolRepository, n: int) -> None:
        self.real, self.left = repo.commit, n

    def __call__(self, change: Commit) -> Any:
        if change.entry.valuation_id and change.entry.order_id:
            if self.left == 0:
                self.left = -1
                raise RuntimeError("the function timed out")
            self.left -= 1
        return self.real(change)


def forward_pool_with_orders() -> tuple[InMemoryPoolRepository, DealingService, str, str]:
    repo = InMemoryPoolRepository()
    pools = PoolService(repo, sleep=lambda _: None)
    dealing = DealingService(pools, sleep=lambda _: None)
    pid = pools.create_pool(MANAGER, name="Resume", currency="USD").id
    people = [pools.add_investor(MANAGER, pid, name=f"I{i}").id for i in range(5)]
    for inv in people[:3]:
        pools.contribute(MANAGER, pid, investor_id=inv, amount="1000.00")
    pools.set_dealing(MANAGER, pid, parse_policy(mode="forward"))
    for inv in people:
        dealing.place_order(MANAGER, pid, investor_id=inv, type_="subscription", amount="100.00")
    for inv in people[:3]:
        dealing.place_order(MANAGER, pid, investor_id=inv, type_="redemption", units="50")
    v, _ = dealing.propose(MANAGER, pid)
    return repo, dealing, pid, v.id


def settled_twice(repo: InMemoryPoolRepository, pid: str) -> list[object]:
    booked = Counter(
        e.order_id for e in repo.ledger(pid) if e.type in (EntryType.CONTRIBUTION, EntryType.WITHDRAWAL) and e.order_id
    )
    return [k for k, n in booked.items() if n > 1]


@pytest.mark.parametrize("finish", ["approve again", "propose the next"])
def test_an_interrupted_settlement_finishes_without_booking_any_order_twice(finish: str) -> None:
    repo, dealing, pid, vid = forward_pool_with_orders()
    repo.commit = CrashAfter(repo, 3)  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        dealing.approve(FINANCE, pid, vid)
    stuck = repo.get_valuation(pid, vid)
    assert stuck is not None and (stuck.status, stuck.settled) == (ValuationStatus.LOCKED, False)
    pool = repo.get_pool(pid)
    assert pool is not None and pool.valuation_id == vid
    assert pool.units == sum(i.units for i in repo.all_investors(pid))  # consistent, part way

    if finish == "approve again":
        dealing.approve(FINANCE, pid, vid)
    else:
        dealing.propose(MANAGER, pid)
    done = repo.get_valuation(pid, vid)
    assert done is not None and done.settled
    assert settled_twice(repo, pid) == []
    assert all(repo.get_order(pid, s.order_id).valuation_id == vid for s in done.settlements)  # type: ignore[union-attr]
    pool = repo.get_pool(pid)
    assert pool is not None and pool.units == sum(i.units for i in repo.all_investors(pid))
    assert len([e for e in repo.ledger(pid) if e.valuation_id == vid and e.order_id]) == len(done.settlements) == 8
