"""A large pool: paginated lists and a distribution to all, at a size past every
boundary the code has (three allocation chunks of 1,000, fifty booking batches
of 50, thirteen pages of 200). The 10,000-investor figures are `make bench`'s
(bench/distribution.py), so the suite stays fast."""

from __future__ import annotations

import time
from decimal import Decimal as D
from typing import Any

import pytest

from bench.distribution import seed_investors as seed_holders
from chalicelib.adapters.pool_repository import DynamoPoolRepository
from chalicelib.services.pools import PoolService
from chalicelib.services.ports import Principal
from tests.support.events import TABLE_NAME

MANAGER = Principal("m-1", "m@example.com", frozenset({"managers"}))
# Past one allocation chunk (1,000) and many booking transactions (50 shares each);
# make bench's distribution runs 10,000.
INVESTORS = 1_200


def seed_investors(db: Any, svc: PoolService, n: int) -> tuple[str, D]:
    """n holders written straight to the table (bench/distribution.py); investor i holds i % 97 + 1 units."""
    pool = svc.create_pool(MANAGER, name="Big Fund", currency="USD")
    return pool.id, seed_holders(db, TABLE_NAME, pool.id, n)


@pytest.fixture
def big_pool(dynamodb: Any) -> tuple[PoolService, str, D]:
    svc = PoolService(DynamoPoolRepository(dynamodb, TABLE_NAME))
    pid, total = seed_investors(dynamodb, svc, INVESTORS)
    return svc, pid, total


def test_the_investor_list_pages_through_every_investor(big_pool: tuple[PoolService, str, D]) -> None:
    svc, pid, total = big_pool
    started = time.perf_counter()
    _, first = svc.list_investors(MANAGER, pid, limit=50, cursor=None)
    first_page_seconds = time.perf_counter() - started
    assert len(first.items) == 50 and first.next_cursor
    seen, units, cursor = 0, D(0), None
    while True:
        _, page = svc.list_investors(MANAGER, pid, limit=200, cursor=cursor)
        seen += len(page.items)
        units += sum(i.units for i in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == INVESTORS
    assert units == total
    print(f"first page of 50 of {INVESTORS} investors: {first_page_seconds * 1000:.1f} ms")


def test_a_distribution_to_every_investor_sums_exactly_and_books_every_share(
    big_pool: tuple[PoolService, str, D],
) -> None:
    svc, pid, total = big_pool
    started = time.perf_counter()
    receipt = svc.distribute(MANAGER, pid, amount="12345.67", memo="Annual", idempotency_key="annual-2026")
    seconds = time.perf_counter() - started
    assert len(receipt.allocations) == INVESTORS
    assert sum(a.amount for a in receipt.allocations) == D("12345.67")
    # Pro rata: each share within one cent of its exact value.
    for a in receipt.allocations[:500]:
        exact = D("12345.67") * a.units / total
        assert abs(a.amount - exact) < D("0.01")
    holders = svc.repo.holders(pid)
    assert sum(h.paid_out for h in holders) == D("12345.67")
    pool = svc.get_pool(MANAGER, pid)
    assert pool.cash == total - D("12345.67")
    replay = svc.distribute(MANAGER, pid, amount="12345.67", memo="Annual", idempotency_key="annual-2026")
    assert replay.replayed and len(replay.allocations) == INVESTORS
    assert svc.get_pool(MANAGER, pid).cash == pool.cash
    print(f"distribution to {INVESTORS} investors computed, committed and booked in {seconds:.1f} s (moto)")
