"""Reading a forward pool's orders and valuations, an instant pool's withdrawal requests, and the approvals movements
wait for. Part of the DynamoDB pool repository: they are written by its commit,
guarded by the pool's version."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from chalicelib.adapters import dealing_items as dealt
from chalicelib.adapters import pool_items as items
from chalicelib.adapters import request_items as requests
from chalicelib.adapters.attributes import Item
from chalicelib.adapters.ddb import batch_get, decode_cursor, encode_cursor
from chalicelib.domain.approvals import Approval
from chalicelib.domain.orders import Order, OrderStatus
from chalicelib.domain.valuations import Valuation
from chalicelib.domain.withdrawal_requests import WithdrawalRequest
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

    def list_valuations(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Valuation], bool] | None = None
    ) -> Page[Valuation]:
        page: Page[Valuation] = self._filtered_page(
            pk=items.pool_pk(pool_id),
            prefix=dealt.VALUATIONS,
            limit=limit,
            cursor=cursor,
            newest_first=True,
            decode=dealt.valuation_of,
            where=where,
        )
        return page

    def get_withdrawal_request(self, pool_id: str, request_id: str) -> WithdrawalRequest | None:
        item = self._get(items.pool_pk(pool_id), requests.request_sk(request_id))
        return requests.request_of(item) if item else None

    def list_withdrawal_requests(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[WithdrawalRequest], bool] | None = None
    ) -> Page[WithdrawalRequest]:
        page: Page[WithdrawalRequest] = self._filtered_page(
            pk=items.pool_pk(pool_id),
            prefix=requests.REQUESTS,
            limit=limit,
            cursor=cursor,
            newest_first=True,
            decode=requests.request_of,
            where=where,
        )
        return page

    def get_approval(self, pool_id: str, approval_id: str) -> Approval | None:
        item = self._get(items.pool_pk(pool_id), dealt.approval_sk(approval_id))
        return dealt.approval_of(item) if item else None

    def find_approval(self, approval_id: str) -> Approval | None:
        resp = self._db.query(
            TableName=self._table,
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk AND GSI2SK = :id",
            ExpressionAttributeValues={":pk": {"S": dealt.APPROVAL_INDEX}, ":id": {"S": approval_id}},
        )
        found = resp.get("Items", [])
        return self._get_approval_at(found[0]) if found else None

    def _get_approval_at(self, keys: Item) -> Approval | None:
        item = self._get(keys["PK"]["S"], keys["SK"]["S"])
        return dealt.approval_of(item) if item else None

    def list_approvals(
        self, *, limit: int, cursor: str | None, where: Callable[[Approval], bool] | None = None
    ) -> Page[Approval]:
        kept: list[Approval] = []
        kwargs: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": dealt.APPROVAL_INDEX}},
            "ScanIndexForward": False,
            "Limit": max(limit, 100),
        }
        start = decode_cursor(cursor, pinned={"GSI2PK": dealt.APPROVAL_INDEX}, fields={"PK", "SK", "GSI2PK", "GSI2SK"})
        while True:
            if start is not None:
                kwargs["ExclusiveStartKey"] = start
            resp = self._db.query(TableName=self._table, **kwargs)
            keys = resp.get("Items", [])
            got = {
                (i["PK"]["S"], i["SK"]["S"]): i
                for i in batch_get(self._db, self._table, [{"PK": k["PK"], "SK": k["SK"]} for k in keys])
            }
            for k in keys:
                item = got.get((k["PK"]["S"], k["SK"]["S"]))
                approval = dealt.approval_of(item) if item else None
                if approval is not None and (where is None or where(approval)):
                    kept.append(approval)
                    if len(kept) == limit:
                        more = k is not keys[-1] or "LastEvaluatedKey" in resp
                        return Page(kept, encode_cursor({n: k[n] for n in ("PK", "SK", "GSI2PK", "GSI2SK")}) if more else None)
            start = resp.get("LastEvaluatedKey")
            if start is None:
                return Page(kept, None)
