"""Reading a forward pool's orders and valuations. Part of the DynamoDB pool
repository: they are written by its commit, guarded by the pool's version."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from chalicelib.adapters import dealing_items as dealt
from chalicelib.adapters import pool_items as items
from chalicelib.adapters.attributes import Item
from chalicelib.adapters.ddb import batch_get
from chalicelib.domain.orders import Order, OrderStatus
from chalicelib.domain.valuations import Valuation
from chalicelib.services.ports import Page


class DealingBook:
    """Mixed into DynamoPoolRepository: a forward pool's orders and valuations."""

    # The repository's own, which this part of it uses.
    _db: Any
    _table: str
    _get: Callable[[str, str], Item | None]
    _in_partition: Callable[..., Iterator[Item]]
    _query_all: Callable[..., Iterator[Item]]
    _filtered_page: Callable[..., Any]

    def get_order(self, pool_id: str, order_id: str) -> Order | None:
        item = self._get(items.pool_pk(pool_id), dealt.order_sk(order_id))
        return dealt.order_of(item) if item else None

    def get_orders(self, pool_id: str, order_ids: Sequence[str]) -> dict[str, Order]:
        pk = items.pool_pk(pool_id)
        keys = [items.key(pk, dealt.order_sk(o)) for o in dict.fromkeys(order_ids)]
        found = (dealt.order_of(item) for item in batch_get(self._db, self._table, keys))
        return {o.id: o for o in found}

    def list_orders(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Order], bool] | None = None
    ) -> Page[Order]:
        page: Page[Order] = self._filtered_page(
            pk=items.pool_pk(pool_id),
            prefix=dealt.ORDERS,
            limit=limit,
            cursor=cursor,
            newest_first=False,
            decode=dealt.order_of,
            where=where,
        )
        return page

    def open_orders(self, pool_id: str) -> list[Order]:
        found = self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ConsistentRead=True,
            FilterExpression="#s IN (:pending, :carried)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":pk": {"S": items.pool_pk(pool_id)},
                ":prefix": {"S": dealt.ORDERS},
                ":pending": {"S": OrderStatus.PENDING.value},
                ":carried": {"S": OrderStatus.CARRIED.value},
            },
        )
        return [dealt.order_of(i) for i in found]

    def get_valuation(self, pool_id: str, valuation_id: str) -> Valuation | None:
        item = self._get(items.pool_pk(pool_id), dealt.valuation_sk(valuation_id))
        if item is None:
            return None
        chunks = list(self._in_partition(pool_id, f"{dealt.SETTLEMENT_CHUNKS}{valuation_id}#"))
        head = dealt.valuation_of(item)
        return replace(head, settlements=dealt.settlements_of(chunks))

    def list_valuations(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[Valuation]:
        page: Page[Valuation] = self._filtered_page(
            pk=items.pool_pk(pool_id),
            prefix=dealt.VALUATIONS,
            limit=limit,
            cursor=cursor,
            newest_first=True,
            decode=dealt.valuation_of,
            where=None,
        )
        return page
