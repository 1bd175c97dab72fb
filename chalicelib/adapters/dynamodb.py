"""The pool repository on one DynamoDB table (layout in chalicelib/resources.py).

Every command is ONE TransactWriteItems: the pool's STATE item guarded by its
version, the ledger entry and the Idempotency-Key record put only if absent,
plus whatever else the command touched. DynamoDB normalises numbers ("1.00"
comes back as 1), so amounts are re-quantised to the pool's currency on read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from chalicelib.adapters.ddb import batch_get, decode_cursor, encode_cursor, from_item, to_item
from chalicelib.domain import money
from chalicelib.domain.model import (
    Allocation,
    EntryType,
    Investor,
    InvestorStatus,
    LedgerEntry,
    Pool,
    PoolStatus,
    Position,
    TradeSide,
)
from chalicelib.services.ports import (
    Commit,
    DuplicateRequest,
    IdempotencyRecord,
    InvalidCursor,
    NavPoint,
    Page,
    PricePoint,
    VersionConflict,
)

# Allocations are stored with their distribution in chunks of this many, so a
# distribution to 95,000 investors still fits one transaction (100 items, 4 MB).
ALLOCATION_CHUNK = 1000
# A filtered listing reads the partition in chunks of this many items, and at most
# FILTER_BUDGET of them per request.
FILTER_CHUNK = 1000
FILTER_BUDGET = 3000
T = TypeVar("T")
# Per-investor shares are booked in transactions of this many (share + investor) pairs.
SETTLE_BATCH = 50


def _pk(pool_id: str) -> str:
    return f"POOL#{pool_id}"


def _ts(value: datetime) -> str:
    return value.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class DynamoPoolRepository:
    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    # -- serialisation ---------------------------------------------------

    @staticmethod
    def _pool_item(pool: Pool, version: int) -> dict[str, Any]:
        created = _ts(pool.created_at)
        return {
            "PK": _pk(pool.id),
            "SK": "STATE",
            "kind": "pool",
            "id": pool.id,
            "name": pool.name,
            "currency": pool.currency,
            "unit_price": pool.unit_price,
            "manager_id": pool.manager_id,
            "status": pool.status.value,
            "cash": pool.cash,
            "units": pool.units,
            "investor_count": pool.investor_count,
            "version": version,
            "created_at": created,
            "updated_at": _ts(pool.updated_at),
            "positions": {
                p.symbol: {"quantity": p.quantity, "avg_cost": p.avg_cost, "last_price": p.last_price}
                for p in pool.positions.values()
            },
            "valued_at": _ts(pool.valued_at) if pool.valued_at else None,
            "GSI1PK": f"MANAGER#{pool.manager_id}",
            "GSI1SK": f"{created}#{pool.id}",
            "GSI2PK": "POOLS",
            "GSI2SK": f"{created}#{pool.id}",
        }

    @staticmethod
    def pool_from_item(item: dict[str, Any]) -> Pool:
        cur = item["currency"]
        positions = {
            sym: Position(
                symbol=sym,
                quantity=money.quantize_places(p["quantity"], money.QUANTITY_PLACES),
                avg_cost=money.quantize_places(p["avg_cost"], money.PRICE_PLACES),
                last_price=p["last_price"],
            )
            for sym, p in sorted(item.get("positions", {}).items())
        }
        return Pool(
            id=item["id"],
            name=item["name"],
            currency=cur,
            unit_price=item["unit_price"],
            manager_id=item["manager_id"],
            status=PoolStatus(item["status"]),
            cash=money.quantize_money(item["cash"], cur),
            units=money.quantize_units(item["units"]),
            investor_count=int(item["investor_count"]),
            positions=positions,
            version=int(item["version"]),
            created_at=_dt(item["created_at"]),
            updated_at=_dt(item["updated_at"]),
            valued_at=_dt(item["valued_at"]) if item.get("valued_at") else None,
        )

    @staticmethod
    def _investor_item(inv: Investor, currency: str) -> dict[str, Any]:
        return {
            "PK": _pk(inv.pool_id),
            "SK": f"INVESTOR#{inv.id}",
            "kind": "investor",
            "currency": currency,
            "pool_id": inv.pool_id,
            "id": inv.id,
            "name": inv.name,
            "email": inv.email,
            "status": inv.status.value,
            "units": inv.units,
            "contributed": inv.contributed,
            "withdrawn": inv.withdrawn,
            "paid_out": inv.paid_out,
            "created_at": _ts(inv.created_at),
            "updated_at": _ts(inv.updated_at),
        }

    @staticmethod
    def investor_from_item(item: dict[str, Any]) -> Investor:
        currency = item["currency"]
        return Investor(
            pool_id=item["pool_id"],
            id=item["id"],
            name=item["name"],
            email=item.get("email", ""),
            status=InvestorStatus(item["status"]),
            units=money.quantize_units(item["units"]),
            contributed=money.quantize_money(item["contributed"], currency),
            withdrawn=money.quantize_money(item["withdrawn"], currency),
            paid_out=money.quantize_money(item.get("paid_out", 0), currency),
            created_at=_dt(item["created_at"]),
            updated_at=_dt(item["updated_at"]),
        )

    @staticmethod
    def _entry_item(entry: LedgerEntry, currency: str) -> dict[str, Any]:
        return {
            "PK": _pk(entry.pool_id),
            "SK": f"LEDGER#{entry.id}",
            "kind": "entry",
            "currency": currency,
            "id": entry.id,
            "pool_id": entry.pool_id,
            "type": entry.type.value,
            "created_at": _ts(entry.created_at),
            "actor": entry.actor,
            "cash_delta": entry.cash_delta,
            "units_delta": entry.units_delta,
            "investor_id": entry.investor_id,
            "amount": entry.amount,
            "units": entry.units,
            "nav_per_unit": entry.nav_per_unit,
            "symbol": entry.symbol,
            "side": entry.side.value if entry.side else None,
            "quantity": entry.quantity,
            "price": entry.price,
            "fees": entry.fees,
            "memo": entry.memo,
            "allocation_count": entry.allocation_count,
            "nav_before": entry.nav_before,
        }

    @staticmethod
    def entry_from_item(item: dict[str, Any]) -> LedgerEntry:
        cur = item["currency"]

        def amount(name: str) -> Decimal | None:
            return money.quantize_money(item[name], cur) if name in item else None

        def units(name: str) -> Decimal | None:
            return money.quantize_units(item[name]) if name in item else None

        return LedgerEntry(
            id=item["id"],
            pool_id=item["pool_id"],
            type=EntryType(item["type"]),
            created_at=_dt(item["created_at"]),
            actor=item["actor"],
            cash_delta=money.quantize_money(item["cash_delta"], cur),
            units_delta=money.quantize_units(item["units_delta"]),
            investor_id=item.get("investor_id"),
            amount=amount("amount"),
            units=units("units"),
            nav_per_unit=money.quantize_places(item["nav_per_unit"], money.NAV_PER_UNIT_PLACES)
            if "nav_per_unit" in item
            else None,
            symbol=item.get("symbol"),
            side=TradeSide(item["side"]) if "side" in item else None,
            quantity=item.get("quantity"),
            price=item.get("price"),
            fees=amount("fees"),
            memo=item.get("memo"),
            allocation_count=int(item["allocation_count"]) if "allocation_count" in item else None,
            nav_before=amount("nav_before"),
        )

    # -- reads -------------------------------------------------------------

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        resp = self._db.get_item(TableName=self._table, Key=to_item({"PK": pk, "SK": sk}), ConsistentRead=True)
        return from_item(resp["Item"]) if "Item" in resp else None

    def _query_all(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        while True:
            resp = self._db.query(TableName=self._table, **kwargs)
            for item in resp.get("Items", []):
                yield from_item(item)
            if "LastEvaluatedKey" not in resp:
                return
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def _in_partition(self, pool_id: str, prefix: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item of the pool whose sort key starts with ``prefix``, strongly consistent."""
        return self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues=to_item({":pk": _pk(pool_id), ":prefix": prefix}),
            ConsistentRead=True,
            **kwargs,
        )

    def _query_page(
        self, *, pk: str, prefix: str, limit: int, cursor: str | None, newest_first: bool
    ) -> tuple[list[dict[str, Any]], str | None]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": to_item({":pk": pk, ":prefix": prefix}),
            "ScanIndexForward": not newest_first,
            "Limit": limit,
            "ConsistentRead": True,
        }
        start = decode_cursor(cursor, pinned={"PK": pk})
        if start is not None:
            if not start.get("SK", {}).get("S", "").startswith(prefix):
                raise InvalidCursor("cursor belongs to another listing")
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(TableName=self._table, **kwargs)
        return [from_item(i) for i in resp.get("Items", [])], encode_cursor(resp.get("LastEvaluatedKey"))

    def _filtered_page(
        self,
        *,
        pk: str,
        prefix: str,
        limit: int,
        cursor: str | None,
        newest_first: bool,
        decode: Callable[[dict[str, Any]], T],
        where: Callable[[T], bool] | None,
    ) -> Page[T]:
        """One page of a partition, kept by ``where`` after decoding (the same rule
        the in-memory adapter applies). A filtered read stops after FILTER_BUDGET
        items so no request reads a whole 10,000-investor partition at once; the
        client follows next_cursor, as with DynamoDB's own FilterExpression."""
        if where is None:
            items, nxt = self._query_page(pk=pk, prefix=prefix, limit=limit, cursor=cursor, newest_first=newest_first)
            return Page([decode(i) for i in items], nxt)
        kept: list[T] = []
        scanned = 0
        while True:
            items, nxt = self._query_page(
                pk=pk, prefix=prefix, limit=max(limit, FILTER_CHUNK), cursor=cursor, newest_first=newest_first
            )
            for item in items:
                value = decode(item)
                if where(value):
                    kept.append(value)
                    if len(kept) == limit:
                        after = encode_cursor(to_item({"PK": item["PK"], "SK": item["SK"]}))
                        last = item is items[-1] and nxt is None
                        return Page(kept, None if last else after)
            scanned += len(items)
            if nxt is None or scanned >= FILTER_BUDGET:
                return Page(kept, nxt)
            cursor = nxt

    def get_pool(self, pool_id: str) -> Pool | None:
        item = self._get(_pk(pool_id), "STATE")
        return self.pool_from_item(item) if item else None

    def get_investor(self, pool_id: str, investor_id: str) -> Investor | None:
        item = self._get(_pk(pool_id), f"INVESTOR#{investor_id}")
        return self.investor_from_item(item) if item else None

    def list_investors(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Investor], bool] | None = None
    ) -> Page[Investor]:
        return self._filtered_page(
            pk=_pk(pool_id),
            prefix="INVESTOR#",
            limit=limit,
            cursor=cursor,
            newest_first=False,
            decode=self.investor_from_item,
            where=where,
        )

    def holders(self, pool_id: str) -> list[Investor]:
        items = self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            FilterExpression="#u > :zero AND #s = :active",
            ExpressionAttributeNames={"#u": "units", "#s": "status"},
            ExpressionAttributeValues=to_item(
                {":pk": _pk(pool_id), ":prefix": "INVESTOR#", ":zero": Decimal(0), ":active": "active"}
            ),
            ConsistentRead=True,
        )
        return [self.investor_from_item(i) for i in items]

    def all_investors(self, pool_id: str) -> list[Investor]:
        return [self.investor_from_item(i) for i in self._in_partition(pool_id, "INVESTOR#")]

    def paid_out(self, pool_id: str) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for item in self._in_partition(pool_id, "ALLOC#", ProjectionExpression="investor_id, amount"):
            totals[item["investor_id"]] = totals.get(item["investor_id"], Decimal(0)) + Decimal(item["amount"])
        return totals

    def list_pools(self, *, manager_id: str | None, limit: int, cursor: str | None) -> Page[Pool]:
        index, pk_name, sk_name, pk = (
            ("GSI1", "GSI1PK", "GSI1SK", f"MANAGER#{manager_id}")
            if manager_id is not None
            else ("GSI2", "GSI2PK", "GSI2SK", "POOLS")
        )
        kwargs: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": f"{pk_name} = :pk",
            "ExpressionAttributeValues": to_item({":pk": pk}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = decode_cursor(cursor, pinned={pk_name: pk, "SK": "STATE"})
        if start is not None:
            if not {"PK", sk_name} <= start.keys() or not start["PK"]["S"].startswith("POOL#"):
                raise InvalidCursor("cursor belongs to another listing")
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(TableName=self._table, **kwargs)
        keys = [{"PK": i["PK"], "SK": i["SK"]} for i in resp.get("Items", [])]
        by_key = self._batch_get(keys)
        found = [by_key.get((k["PK"]["S"], k["SK"]["S"])) for k in keys]
        pools = [self.pool_from_item(item) for item in found if item is not None]
        return Page(pools, encode_cursor(resp.get("LastEvaluatedKey")))

    def _batch_get(self, keys: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        """The items that exist among ``keys``, by (PK, SK)."""
        plain = (from_item(item) for item in batch_get(self._db, self._table, keys))
        return {(item["PK"], item["SK"]): item for item in plain}

    def activity(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[LedgerEntry], bool] | None = None
    ) -> Page[LedgerEntry]:
        return self._filtered_page(
            pk=_pk(pool_id),
            prefix="LEDGER#",
            limit=limit,
            cursor=cursor,
            newest_first=True,
            decode=self.entry_from_item,
            where=where,
        )

    def get_entry(self, pool_id: str, entry_id: str) -> LedgerEntry | None:
        item = self._get(_pk(pool_id), f"LEDGER#{entry_id}")
        return self.entry_from_item(item) if item else None

    def ledger(self, pool_id: str) -> list[LedgerEntry]:
        return [self.entry_from_item(i) for i in self._in_partition(pool_id, "LEDGER#")]

    def booked_shares(self, pool_id: str, investor_id: str, entry_ids: Sequence[str]) -> dict[str, Allocation]:
        keys = [to_item({"PK": _pk(pool_id), "SK": f"ALLOC#{e}#{investor_id}"}) for e in dict.fromkeys(entry_ids)]
        return {
            item["entry_id"]: Allocation(investor_id=investor_id, units=Decimal(item["units"]), amount=Decimal(item["amount"]))
            for item in self._batch_get(keys).values()
        }

    def allocations(self, pool_id: str, entry_id: str) -> list[Allocation]:
        items = self._in_partition(pool_id, f"DIST#{entry_id}#")
        return [
            Allocation(investor_id=inv, units=Decimal(units), amount=Decimal(amount))
            for chunk in items
            for inv, units, amount in chunk["allocations"]
        ]

    def nav_history(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[NavPoint]:
        items, nxt = self._query_page(pk=_pk(pool_id), prefix="NAV#", limit=limit, cursor=cursor, newest_first=True)
        points = [
            NavPoint(
                at=_dt(i["at"]),
                nav=money.quantize_money(i["nav"], i["currency"]),
                nav_per_unit=money.quantize_places(i["nav_per_unit"], money.NAV_PER_UNIT_PLACES),
                units=money.quantize_units(i["units"]),
            )
            for i in items
        ]
        return Page(list(reversed(points)), nxt)

    def first_nav_since(self, pool_id: str, since: datetime) -> NavPoint | None:
        resp = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :lo AND :hi",
            ExpressionAttributeValues=to_item({":pk": _pk(pool_id), ":lo": f"NAV#{_ts(since)}", ":hi": "NAV#~"}),
            Limit=1,
        )
        items = [from_item(i) for i in resp.get("Items", [])]
        if not items:
            return None
        i = items[0]
        return NavPoint(
            at=_dt(i["at"]),
            nav=money.quantize_money(i["nav"], i["currency"]),
            nav_per_unit=money.quantize_places(i["nav_per_unit"], money.NAV_PER_UNIT_PLACES),
            units=money.quantize_units(i["units"]),
        )

    def find_idempotency(self, pool_id: str, key: str) -> IdempotencyRecord | None:
        item = self._get(_pk(pool_id), f"IDEMP#{key}")
        if item is None:
            return None
        return IdempotencyRecord(key=key, request_hash=item["request_hash"], entry_id=item["entry_id"])

    # -- writes -----------------------------------------------------------

    def commit(self, change: Commit) -> None:
        pool, entry = change.pool, change.entry
        pk = _pk(pool.id)
        new_version = 1 if change.expected_version is None else change.expected_version + 1
        state: dict[str, Any] = {"Put": {"TableName": self._table, "Item": to_item(self._pool_item(pool, new_version))}}
        if change.expected_version is None:
            state["Put"]["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            state["Put"]["ConditionExpression"] = "#v = :v"
            state["Put"]["ExpressionAttributeNames"] = {"#v": "version"}
            state["Put"]["ExpressionAttributeValues"] = to_item({":v": change.expected_version})
        items: list[dict[str, Any]] = [state, self._put_new(self._entry_item(entry, pool.currency))]
        idempotency_index = None
        if change.idempotency is not None:
            idempotency_index = len(items)
            items.append(
                self._put_new(
                    {
                        "PK": pk,
                        "SK": f"IDEMP#{change.idempotency.key}",
                        "kind": "idempotency",
                        "request_hash": change.idempotency.request_hash,
                        "entry_id": change.idempotency.entry_id,
                        "created_at": _ts(entry.created_at),
                    }
                )
            )
        if change.investor is not None:
            items.append(self._investor_write(change.investor, change.investor_is_new, pool.currency))
        items.extend(self._holding_markers(pool, change))
        if change.record_nav:
            at = _ts(entry.created_at)
            items.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item(
                            {
                                "PK": pk,
                                "SK": f"NAV#{at}#{entry.id}",
                                "kind": "nav",
                                "at": at,
                                "currency": pool.currency,
                                "nav": pool.nav,
                                "nav_per_unit": pool.nav_per_unit,
                                "units": pool.units,
                            }
                        ),
                    }
                }
            )
        for n, start in enumerate(range(0, len(change.allocations), ALLOCATION_CHUNK)):
            chunk = change.allocations[start : start + ALLOCATION_CHUNK]
            items.append(
                self._put_new(
                    {
                        "PK": pk,
                        "SK": f"DIST#{entry.id}#{n:05d}",
                        "kind": "allocations",
                        "allocations": [[a.investor_id, str(a.units), str(a.amount)] for a in chunk],
                    }
                )
            )
        try:
            self._db.transact_write_items(TransactItems=items)
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            if (
                idempotency_index is not None
                and len(codes) > idempotency_index
                and codes[idempotency_index] == "ConditionalCheckFailed"
            ):
                raise DuplicateRequest(change.idempotency.key if change.idempotency else "") from exc
            if (codes and codes[0] == "ConditionalCheckFailed") or "TransactionConflict" in codes:
                raise VersionConflict(pool.id) from exc
            raise

    def _put_new(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}}

    def _investor_write(self, inv: Investor, is_new: bool, currency: str) -> dict[str, Any]:
        if is_new:
            return self._put_new(self._investor_item(inv, currency))
        # paid_out is only ever ADDed by settle_distribution; never overwrite it here.
        fields = {
            "units": inv.units,
            "contributed": inv.contributed,
            "withdrawn": inv.withdrawn,
            "status": inv.status.value,
            "name": inv.name,
            "email": inv.email,
            "updated_at": _ts(inv.updated_at),
        }
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"PK": _pk(inv.pool_id), "SK": f"INVESTOR#{inv.id}"}),
                "UpdateExpression": "SET " + ", ".join(f"#{k} = :{k}" for k in fields),
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeNames": {f"#{k}": k for k in fields},
                "ExpressionAttributeValues": to_item({f":{k}": v for k, v in fields.items()}),
            }
        }

    def _holding_markers(self, pool: Pool, change: Commit) -> list[dict[str, Any]]:
        """Index which pools hold which symbols, writing only when a holding opens or closes."""
        if change.entry.type is not EntryType.TRADE or change.entry.symbol is None:
            return []
        symbol = change.entry.symbol
        key = {"PK": _pk(pool.id), "SK": f"HOLDS#{symbol}"}
        held = pool.positions.get(symbol)
        if held is not None and held.quantity > 0:
            item = {**key, "kind": "holding", "GSI1PK": f"SYMBOL#{symbol}", "GSI1SK": _pk(pool.id)}
            return [{"Put": {"TableName": self._table, "Item": to_item(item)}}]
        return [{"Delete": {"TableName": self._table, "Key": to_item(key)}}]

    def pools_holding(self, symbol: str) -> list[str]:
        items = self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=to_item({":pk": f"SYMBOL#{symbol}"}),
        )
        return [str(i["PK"]).removeprefix("POOL#") for i in items]

    def revalue(self, pool: Pool, expected_version: int, *, record_nav: bool) -> None:
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(self._pool_item(pool, expected_version + 1)),
                    "ConditionExpression": "#v = :v",
                    "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": to_item({":v": expected_version}),
                }
            }
        ]
        if record_nav:
            at = _ts(pool.updated_at)
            point = {
                "PK": _pk(pool.id),
                "SK": f"NAV#{at}#market",
                "kind": "nav",
                "at": at,
                "currency": pool.currency,
                "nav": pool.nav,
                "nav_per_unit": pool.nav_per_unit,
                "units": pool.units,
            }
            items.append({"Put": {"TableName": self._table, "Item": to_item(point)}})
        try:
            self._db.transact_write_items(TransactItems=items)
        except self._db.exceptions.TransactionCanceledException as exc:
            raise VersionConflict(pool.id) from exc

    def settle_distribution(self, pool_id: str, entry_id: str) -> int:
        entry = self.get_entry(pool_id, entry_id)
        if entry is None or entry.type is not EntryType.DISTRIBUTION:
            raise LookupError(f"no distribution {entry_id} in pool {pool_id}")
        shares = [a for a in self.allocations(pool_id, entry_id) if a.amount > 0]
        booked = 0
        for start in range(0, len(shares), SETTLE_BATCH):
            batch = shares[start : start + SETTLE_BATCH]
            try:
                self._db.transact_write_items(TransactItems=[w for a in batch for w in self._share_writes(entry, a)])
                booked += len(batch)
            except self._db.exceptions.TransactionCanceledException:
                # Some shares were booked by an earlier, interrupted run: book the rest one by one.
                booked += sum(self._book_one(entry, a) for a in batch)
        self._db.update_item(
            TableName=self._table,
            Key=to_item({"PK": _pk(pool_id), "SK": f"LEDGER#{entry_id}"}),
            UpdateExpression="SET settled = :t",
            ExpressionAttributeValues=to_item({":t": True}),
        )
        return booked

    def _book_one(self, entry: LedgerEntry, share: Allocation) -> int:
        try:
            self._db.transact_write_items(TransactItems=self._share_writes(entry, share))
            return 1
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            if codes and codes[0] == "ConditionalCheckFailed":
                return 0  # already booked
            raise

    def _share_writes(self, entry: LedgerEntry, share: Allocation) -> Sequence[dict[str, Any]]:
        pk = _pk(entry.pool_id)
        return (
            self._put_new(
                {
                    "PK": pk,
                    "SK": f"ALLOC#{entry.id}#{share.investor_id}",
                    "kind": "share",
                    "entry_id": entry.id,
                    "investor_id": share.investor_id,
                    "units": share.units,
                    "amount": share.amount,
                    "created_at": _ts(entry.created_at),
                }
            ),
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item({"PK": pk, "SK": f"INVESTOR#{share.investor_id}"}),
                    "UpdateExpression": "ADD paid_out :amount",
                    "ExpressionAttributeValues": to_item({":amount": share.amount}),
                }
            },
        )

    def is_settled(self, pool_id: str, entry_id: str) -> bool:
        item = self._get(_pk(pool_id), f"LEDGER#{entry_id}")
        return bool(item and item.get("settled"))


class DynamoPriceStore:
    """Latest price per symbol in the pools table: ``PK = PRICE#<symbol>, SK = LATEST``."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def record(self, points: Sequence[PricePoint]) -> list[PricePoint]:
        stored = []
        for point in points:
            try:
                self._db.update_item(
                    TableName=self._table,
                    Key=to_item({"PK": f"PRICE#{point.symbol}", "SK": "LATEST"}),
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
        resp = self._db.get_item(
            TableName=self._table, Key=to_item({"PK": f"PRICE#{symbol}", "SK": "LATEST"}), ConsistentRead=True
        )
        if "Item" not in resp:
            return None
        item = from_item(resp["Item"])
        return PricePoint(symbol=symbol, price=item["price"], ts=item["ts"])
