"""The latest market price per symbol, and each day's close, in the pools table (keys in pool_items.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters.ddb import to_item
from chalicelib.services.ports import PricePoint, last_of_each_day


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
        for point in last_of_each_day(points):
            self._record_close(point)
        return stored

    def _record_close(self, point: PricePoint) -> None:
        """The day's close is its last print: a later tick of the same day replaces it, an earlier one never."""
        day = point.printed_at.date()
        # A failed condition means a later print of that day is stored.
        with contextlib.suppress(self._db.exceptions.ConditionalCheckFailedException):
            self._db.update_item(
                TableName=self._table,
                Key=to_item(items.close_key(point.symbol, day)),
                UpdateExpression="SET price = :p, ts = :t, symbol = :s, kind = :k",
                ConditionExpression="attribute_not_exists(ts) OR ts <= :t",
                ExpressionAttributeValues=to_item({":p": point.price, ":t": point.ts, ":s": point.symbol, ":k": "close"}),
            )

    def closes(self, symbol: str, start: date, end: date) -> list[tuple[date, Decimal]]:
        pk = items.close_key(symbol, start)["PK"]
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
            "ExpressionAttributeValues": to_item(
                {":pk": pk, ":a": items.close_key(symbol, start)["SK"], ":b": items.close_key(symbol, end)["SK"]}
            ),
        }
        out = []
        while True:
            resp = self._db.query(**query)
            out += [(date.fromisoformat(i["SK"]["S"].removeprefix("CLOSE#")), Decimal(i["price"]["N"])) for i in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                return out
            query["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def latest(self, symbol: str) -> PricePoint | None:
        resp = self._db.get_item(TableName=self._table, Key=to_item(items.price_key(symbol)), ConsistentRead=True)
        if "Item" not in resp:
            return None
        item = resp["Item"]
        return PricePoint(symbol=symbol, price=Decimal(item["price"]["N"]), ts=Decimal(item["ts"]["N"]))
