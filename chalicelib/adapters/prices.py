"""The latest market price per symbol, and each day's close, in the pools table (keys in pool_items.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters.ddb import to_item, write_groups
from chalicelib.services.market_ports import PricePoint, last_of_each_day


class DynamoPriceStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def record(self, points: Sequence[PricePoint]) -> list[PricePoint]:
        """Every price and every day's close, 100 a transaction: a batch of ticks costs
        a request per 50 symbols, however many ticks it carries."""
        closes = last_of_each_day(points)
        writes = [
            # An older tick arriving late never overwrites a newer price; the very
            # same tick again (a redelivered batch) writes what is there already.
            self._write(items.price_key(p.symbol), p, "price", "attribute_not_exists(ts) OR ts < :t OR (ts = :t AND price = :p)")
            for p in points
        ] + [
            # The day's close is its last print: a later tick of the same day replaces it, an earlier one never.
            self._write(items.close_key(p.symbol, p.printed_at.date()), p, "close", "attribute_not_exists(ts) OR ts <= :t")
            for p in closes
        ]
        # Each symbol's ticks come from one shard, in order: a collision is another
        # attempt at this same batch, so the transaction is simply tried again. A
        # transaction may touch an item once, so a key given twice (ticks not
        # conflated) is written in a later round, in the order given.
        keys = [(w["Update"]["Key"]["PK"]["S"], w["Update"]["Key"]["SK"]["S"]) for w in writes]
        rounds: list[list[int]] = []
        seen: dict[tuple[str, str], int] = {}
        for n, key in enumerate(keys):
            occurrence = seen[key] = seen.get(key, -1) + 1
            if occurrence == len(rounds):
                rounds.append([])
            rounds[occurrence].append(n)
        refused: set[int] = set()
        for members in rounds:
            left_out = write_groups(self._db, [[writes[n]] for n in members], collision_refuses=False)
            refused |= {members[i] for i in left_out}
        return [p for n, p in enumerate(points) if n not in refused]

    def _write(self, key: dict[str, str], point: PricePoint, kind: str, condition: str) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_item(key),
                "UpdateExpression": "SET price = :p, ts = :t, symbol = :s, kind = :k",
                "ConditionExpression": condition,
                "ExpressionAttributeValues": to_item({":p": point.price, ":t": point.ts, ":s": point.symbol, ":k": kind}),
            }
        }

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
