"""A stage whose investors were added before investor search had an index:
the deploy's backfill indexes them once, and leaves a renamed investor's new terms alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters import search_backfill
from chalicelib.adapters import search_items as searching
from chalicelib.adapters.pool_repository import DynamoPoolRepository
from chalicelib.domain import operations as ops
from chalicelib.domain.model import Investor, Pool, Stamp
from chalicelib.services.ports import Commit
from tests.support.events import TABLE_NAME

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def stamp(n: int) -> Stamp:
    return Stamp(entry_id=f"01entry{n:05d}", at=T0 + timedelta(seconds=n), actor="m1")


def unindexed(db: Any, repo: DynamoPoolRepository, pool_id: str, people: list[tuple[str, str, str]]) -> Pool:
    """A pool as the code before the index left it: investors, and no search partition."""
    d = ops.open_pool(pool_id=pool_id, name="Fund", currency="USD", unit_price="1.00", manager_id="m1", stamp=stamp(0))
    repo.commit(Commit(pool=d.pool, expected_version=None, entry=d.entry, record_nav=False))
    pool = repo.get_pool(pool_id)
    assert pool is not None
    for n, (investor_id, name, email) in enumerate(people, start=1):
        a = ops.add_investor(pool, investor_id=investor_id, name=name, email=email, stamp=stamp(n))
        repo.commit(Commit(pool=a.pool, expected_version=pool.version, entry=a.entry, investor=a.investor, investor_is_new=True))
        pool = repo.get_pool(pool_id)
        assert pool is not None
    found = db.query(
        TableName=TABLE_NAME,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": searching.search_pk(pool_id)}},
    )["Items"]
    for item in found:
        db.delete_item(TableName=TABLE_NAME, Key={"PK": item["PK"], "SK": item["SK"]})
    return pool


def ids(repo: DynamoPoolRepository, pool_id: str, *words: str) -> list[str]:
    return [i.id for i in repo.search_investors(pool_id, words, limit=50, cursor=None).items]


def test_the_backfill_indexes_every_pool_once(dynamodb: Any) -> None:
    repo = DynamoPoolRepository(dynamodb, TABLE_NAME)
    unindexed(dynamodb, repo, "pl_a", [("inv_1", "Jane Smith", "jane@example.com"), ("inv_2", "Bob Stone", "")])
    unindexed(dynamodb, repo, "pl_b", [("inv_3", "Jane Doe", "doe@example.org")])
    assert ids(repo, "pl_a", "jane") == []

    said: list[str] = []
    assert search_backfill.index_table(dynamodb, TABLE_NAME, say=said.append) is True
    assert said == ["investor search index: 3 investors in 2 pools indexed, 0 renamed meanwhile (already indexed)"]
    assert ids(repo, "pl_a", "jane") == ["inv_1"]
    assert ids(repo, "pl_a", "st") == ["inv_2"]
    assert ids(repo, "pl_b", "jane", "doe@") == ["inv_3"]

    # Marked whole: the next deploy reads one item and writes nothing.
    assert search_backfill.index_table(dynamodb, TABLE_NAME, say=said.append) is False
    assert said[-1] == "investor search index: already whole"


def test_an_investor_renamed_while_the_backfill_runs_keeps_only_the_new_terms(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = DynamoPoolRepository(dynamodb, TABLE_NAME)
    pool = unindexed(dynamodb, repo, "pl_a", [("inv_1", "Jane Smith", ""), ("inv_2", "Bob Stone", "")])
    read = repo.all_investors("pl_a")

    # The backfill read the investors; then a manager renamed Jane (the rename writes her new terms).
    was = repo.get_investor("pl_a", "inv_1")
    assert was is not None
    e = ops.edit_investor(pool, was, stamp(10), name="Jane Doe", email=None)
    repo.commit(Commit(pool=e.pool, expected_version=pool.version, entry=e.entry, investor=e.investor, investor_was=was))

    def as_read(self: DynamoPoolRepository, pool_id: str) -> list[Investor]:
        return read

    monkeypatch.setattr(DynamoPoolRepository, "all_investors", as_read)
    assert search_backfill.index_pool(dynamodb, TABLE_NAME, "pl_a") == (1, 1)
    assert ids(repo, "pl_a", "smith") == []
    assert ids(repo, "pl_a", "doe") == ["inv_1"]
    assert ids(repo, "pl_a", "bob") == ["inv_2"]
