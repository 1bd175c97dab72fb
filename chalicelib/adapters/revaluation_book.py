"""What the prices consumer asks of the pools table (services/market_ports.py's
MarketBook): which pools hold a symbol, many pools at once, and many pools
revalued at once. Part of the DynamoDB pool repository."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters.attributes import Item
from chalicelib.adapters.ddb import batch_get, write_groups
from chalicelib.domain.model import Pool
from chalicelib.services.market_ports import Revaluation


class RevaluationBook:
    """Mixed into DynamoPoolRepository: the prices consumer's reads and revaluations."""

    # The repository's own, which this part of it uses.
    _db: Any
    _table: str
    _query_all: Callable[..., Iterator[Item]]
    _state_write: Callable[[Pool, int | None], dict[str, Any]]

    def pools_holding(self, symbol: str) -> list[str]:
        found = self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": items.symbol_index_pk(symbol)}},
        )
        return [pool_id for i in found if (pool_id := items.pool_id_of(i["PK"]["S"])) is not None]

    def get_pools(self, pool_ids: Sequence[str]) -> dict[str, Pool]:
        keys = [items.key(items.pool_pk(i), items.STATE) for i in dict.fromkeys(pool_ids)]
        found = (items.pool_of(item) for item in batch_get(self._db, self._table, keys, consistent=True))
        return {p.id: p for p in found}

    def revalue_many(self, revaluations: Sequence[Revaluation]) -> set[str]:
        groups = []
        for r in revaluations:
            group = [self._state_write(r.pool, r.expected_version)]
            if r.record_nav:
                group.append({"Put": {"TableName": self._table, "Item": items.nav_item(r.pool, r.pool.updated_at, "market")}})
            groups.append(group)
        # A pool in a transaction with a command's (a contribution, a trade) has changed: read it again.
        refused = write_groups(self._db, groups, collision_refuses=True)
        return {revaluations[i].pool.id for i in refused}
