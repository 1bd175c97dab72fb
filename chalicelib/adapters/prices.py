"""The latest market price per symbol, in the pools table (key in pool_items.py)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters.ddb import to_item
from chalicelib.services.ports import PricePoint


class DynamoPriceStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def record(self, points: Sequence[PricePoint]) -> list[PricePoint]:
        stored = []
        for point in points:
            try:
                self._db.update_item(
                    TableName=self._table,
                    Key=to_item(items.price_key(point.symbol)),
                    # An older tick arriving late never overwrites a newer price; the very
                    # same tick again (a redelivered batch) writes what is there already.
                    UpdateExpression="SET price = :p, ts = :t, symbol = :s, kind = :k",
                    ConditionExpression="attribute_not_exists(ts) OR ts < :t OR (ts = :t AND price = :p)",
                    ExpressionAttributeValues=to_item({":p": point.price, ":t": point.ts, ":s": point.symbol, ":k": "price"}),
                )
                stored.append(point)
            except self._db.exceptions.ConditionalCheckFailedException:
                continue
        return stored

    def latest(self, symbol: str) -> PricePoint | None:
        resp = self._db.get_item(TableName=self._table, Key=to_item(items.price_key(symbol)), ConsistentRead=True)
        if "Item" not in resp:
            return None
        item = resp["Item"]
        return PricePoint(symbol=symbol, price=Decimal(item["price"]["N"]), ts=Decimal(item["ts"]["N"]))
