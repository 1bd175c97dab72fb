"""The pool repository on one DynamoDB table (keys and item shapes in pool_items.py).

Every command is ONE TransactWriteItems: the pool's STATE item guarded by its
version, the ledger entry and the Idempotency-Key record put only if absent,
plus whatever else the command touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from chalicelib.adapters import dealing_items as dealt
from chalicelib.adapters import pool_items as items
from chalicelib.adapters import request_items as requests
from chalicelib.adapters import search_items as searching
from chalicelib.adapters.attributes import Item, timestamp
from chalicelib.adapters.ddb import batch_get, decode_cursor, encode_cursor
from chalicelib.adapters.dealing_book import DealingBook
from chalicelib.adapters.distribution_book import DistributionBook
from chalicelib.adapters.revaluation_book import RevaluationBook
from chalicelib.domain import investor_search as search
from chalicelib.domain.ledger import Movement
from chalicelib.domain.model import Investor, LedgerEntry, Pool
from chalicelib.domain.valuations import ValuationStatus
from chalicelib.services.ports import (
    CommandReads,
    Commit,
    DuplicateRequest,
    IdempotencyRecord,
    InvalidCursor,
    NavPoint,
    Page,
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


def _idempotency_of(item: Item, key: str) -> IdempotencyRecord:
    return IdempotencyRecord(key=key, request_hash=item["request_hash"]["S"], entry_id=item["entry_id"]["S"])


class DynamoPoolRepository(DistributionBook, DealingBook, RevaluationBook):
    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    # -- reads -------------------------------------------------------------

    def _get(self, pk: str, sk: str) -> Item | None:
        resp = self._db.get_item(TableName=self._table, Key=items.key(pk, sk), ConsistentRead=True)
        item: Item | None = resp.get("Item")
        return item

    def _query_all(self, **kwargs: Any) -> Iterator[Item]:
        while True:
            resp = self._db.query(TableName=self._table, **kwargs)
            yield from resp.get("Items", [])
            if "LastEvaluatedKey" not in resp:
                return
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def _in_partition(self, pool_id: str, prefix: str, **kwargs: Any) -> Iterator[Item]:
        """Every item of the pool whose sort key starts with ``prefix``, strongly consistent."""
        return self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": {"S": items.pool_pk(pool_id)}, ":prefix": {"S": prefix}},
            ConsistentRead=True,
            **kwargs,
        )

    def _query_page(
        self, *, pk: str, prefix: str, limit: int, cursor: str | None, newest_first: bool
    ) -> tuple[list[Item], str | None]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": prefix}},
            "ScanIndexForward": not newest_first,
            "Limit": limit,
            "ConsistentRead": True,
        }
        start = decode_cursor(cursor, pinned={"PK": pk}, fields={"PK", "SK"})
        if start is not None:
            if not start["SK"]["S"].startswith(prefix):
                raise InvalidCursor("cursor belongs to another listing")
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(TableName=self._table, **kwargs)
        return list(resp.get("Items", [])), encode_cursor(resp.get("LastEvaluatedKey"))

    def _filtered_page(
        self,
        *,
        pk: str,
        prefix: str,
        limit: int,
        cursor: str | None,
        newest_first: bool,
        decode: Callable[[Item], T],
        where: Callable[[T], bool] | None,
        chunk: int = FILTER_CHUNK,
    ) -> Page[T]:
        """One page of a partition, kept by ``where`` after decoding (the same rule
        the in-memory adapter applies). A filtered read stops after FILTER_BUDGET
        items so no request reads a whole 10,000-investor partition at once; the
        client follows next_cursor, as with DynamoDB's own FilterExpression."""
        if where is None:
            found, nxt = self._query_page(pk=pk, prefix=prefix, limit=limit, cursor=cursor, newest_first=newest_first)
            return Page([decode(i) for i in found], nxt)
        kept: list[T] = []
        scanned = 0
        while True:
            found, nxt = self._query_page(
                pk=pk, prefix=prefix, limit=max(limit, min(chunk, FILTER_CHUNK)), cursor=cursor, newest_first=newest_first
            )
            for item in found:
                value = decode(item)
                if where(value):
                    kept.append(value)
                    if len(kept) == limit:
                        after = encode_cursor({"PK": item["PK"], "SK": item["SK"]})
                        last = item is found[-1] and nxt is None
                        return Page(kept, None if last else after)
            scanned += len(found)
            if nxt is None or scanned >= FILTER_BUDGET:
                return Page(kept, nxt)
            cursor = nxt

    def get_pool(self, pool_id: str) -> Pool | None:
        item = self._get(items.pool_pk(pool_id), items.STATE)
        return items.pool_of(item) if item else None

    def get_investor(self, pool_id: str, investor_id: str) -> Investor | None:
        item = self._get(items.pool_pk(pool_id), items.investor_sk(investor_id))
        return items.investor_of(item) if item else None

    def get_investors(self, pool_id: str, investor_ids: Sequence[str]) -> dict[str, Investor]:
        pk = items.pool_pk(pool_id)
        keys = [items.key(pk, items.investor_sk(i)) for i in dict.fromkeys(investor_ids)]
        found = (items.investor_of(item) for item in batch_get(self._db, self._table, keys))
        return {i.id: i for i in found}

    def list_investors(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[Investor]:
        return self._filtered_page(
            pk=items.pool_pk(pool_id),
            prefix=items.INVESTORS,
            limit=limit,
            cursor=cursor,
            newest_first=False,
            decode=items.investor_of,
            where=None,
        )

    def search_investors(self, pool_id: str, words: Sequence[str], *, limit: int, cursor: str | None) -> Page[Investor]:
        # One range of the pool's search partition: the terms the longest word begins.
        lead = search.leading_word(words)
        hits = self._filtered_page(
            pk=searching.search_pk(pool_id),
            prefix=lead,
            limit=limit,
            cursor=cursor,
            newest_first=False,
            decode=searching.search_hit_of,
            where=lambda hit: search.listed_under(hit[2], lead) == hit[0] and search.matches(hit[2], words),
            # An investor is under a word's terms a few times at most (a name word, the address, its
            # first part): a few pages' worth, not FILTER_CHUNK items, answers a page.
            chunk=4 * limit + 1,
        )
        found = self.get_investors(pool_id, [investor_id for _, investor_id, _ in hits.items])
        return Page([found[i] for _, i, _ in hits.items if i in found], hits.next_cursor)

    def holders(self, pool_id: str) -> list[Investor]:
        found = self._query_all(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            FilterExpression="#u > :zero AND #s = :active",
            ExpressionAttributeNames={"#u": "units", "#s": "status"},
            ExpressionAttributeValues={
                ":pk": {"S": items.pool_pk(pool_id)},
                ":prefix": {"S": items.INVESTORS},
                ":zero": {"N": "0"},
                ":active": {"S": "active"},
            },
            ConsistentRead=True,
        )
        return [items.investor_of(i) for i in found]

    def all_investors(self, pool_id: str) -> list[Investor]:
        return [items.investor_of(i) for i in self._in_partition(pool_id, items.INVESTORS)]

    def list_pools(self, *, manager_id: str | None, limit: int, cursor: str | None) -> Page[Pool]:
        index, pk_name, sk_name, pk = (
            ("GSI1", "GSI1PK", "GSI1SK", items.manager_index_pk(manager_id))
            if manager_id is not None
            else ("GSI2", "GSI2PK", "GSI2SK", items.ALL_POOLS)
        )
        kwargs: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": f"{pk_name} = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = decode_cursor(cursor, pinned={pk_name: pk, "SK": items.STATE}, fields={"PK", "SK", pk_name, sk_name})
        if start is not None:
            if items.pool_id_of(start["PK"]["S"]) is None:
                raise InvalidCursor("cursor belongs to another listing")
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(TableName=self._table, **kwargs)
        keys = [{"PK": i["PK"], "SK": i["SK"]} for i in resp.get("Items", [])]
        by_key = {(i["PK"]["S"], i["SK"]["S"]): i for i in batch_get(self._db, self._table, keys)}
        found = (by_key.get((k["PK"]["S"], k["SK"]["S"])) for k in keys)
        return Page([items.pool_of(item) for item in found if item is not None], encode_cursor(resp.get("LastEvaluatedKey")))

    def activity(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[LedgerEntry], bool] | None = None
    ) -> Page[LedgerEntry]:
        return self._filtered_page(
            pk=items.pool_pk(pool_id),
            prefix=items.LEDGER,
            limit=limit,
            cursor=cursor,
            newest_first=True,
            decode=items.entry_of,
            where=where,
        )

    def get_entry(self, pool_id: str, entry_id: str) -> LedgerEntry | None:
        item = self._get(items.pool_pk(pool_id), items.entry_sk(entry_id))
        return items.entry_of(item) if item else None

    def ledger(self, pool_id: str) -> list[LedgerEntry]:
        return [items.entry_of(i) for i in self._in_partition(pool_id, items.LEDGER)]

    def movements(self, pool_id: str) -> list[Movement]:
        # Only the attributes a fold reads come back: a third of each entry's bytes.
        return [
            items.movement_of(i)
            for i in self._in_partition(
                pool_id,
                items.LEDGER,
                ProjectionExpression=items.MOVEMENT_PROJECTION,
                ExpressionAttributeNames=items.MOVEMENT_NAMES,
            )
        ]

    def nav_history(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[NavPoint]:
        found, nxt = self._query_page(pk=items.pool_pk(pool_id), prefix=items.NAV, limit=limit, cursor=cursor, newest_first=True)
        return Page([items.nav_point_of(i) for i in reversed(found)], nxt)

    def first_nav_since(self, pool_id: str, since: datetime) -> NavPoint | None:
        resp = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :lo AND :hi",
            ExpressionAttributeValues={
                ":pk": {"S": items.pool_pk(pool_id)},
                ":lo": {"S": f"{items.NAV}{timestamp(since)}"},
                ":hi": {"S": f"{items.NAV}~"},
            },
            Limit=1,
        )
        found = resp.get("Items", [])
        return items.nav_point_of(found[0]) if found else None

    def find_idempotency(self, pool_id: str, key: str) -> IdempotencyRecord | None:
        item = self._get(items.pool_pk(pool_id), items.idempotency_sk(key))
        return _idempotency_of(item, key) if item is not None else None

    def read_for_command(self, pool_id: str, *, investor_id: str | None, idempotency_key: str | None) -> CommandReads:
        pk = items.pool_pk(pool_id)
        wanted = {items.STATE: "pool"}
        if investor_id:
            wanted[items.investor_sk(investor_id)] = "investor"
        if idempotency_key:
            wanted[items.idempotency_sk(idempotency_key)] = "idempotency"
        found = {
            wanted[item["SK"]["S"]]: item
            for item in batch_get(self._db, self._table, [items.key(pk, sk) for sk in wanted], consistent=True)
        }
        return CommandReads(
            pool=items.pool_of(found["pool"]) if "pool" in found else None,
            investor=items.investor_of(found["investor"]) if "investor" in found else None,
            idempotency=_idempotency_of(found["idempotency"], idempotency_key or "") if "idempotency" in found else None,
        )

    # -- writes -----------------------------------------------------------

    def commit(self, change: Commit) -> None:
        pool, entry = change.pool, change.entry
        pk = items.pool_pk(pool.id)
        writes: list[dict[str, Any]] = [
            self._state_write(pool, change.expected_version),
            self._put_new(items.entry_item(entry, pool.currency)),
        ]
        idempotency_index = None
        if change.idempotency is not None:
            idempotency_index = len(writes)
            record = {
                **items.key(pk, items.idempotency_sk(change.idempotency.key)),
                "kind": {"S": "idempotency"},
                "request_hash": {"S": change.idempotency.request_hash},
                "entry_id": {"S": change.idempotency.entry_id},
                "created_at": {"S": timestamp(entry.created_at)},
            }
            writes.append(self._put_new(record))
        if change.investor is not None:
            writes.append(self._investor_write(change.investor, change.investor_is_new, pool.currency, change.investor_was))
            if change.investor_is_new or change.investor_was is not None:
                writes.extend(searching.term_writes(self._table, change.investor, change.investor_was))
        writes.extend(self._holding_markers(pool, change))
        if change.record_nav:
            writes.append({"Put": {"TableName": self._table, "Item": items.nav_item(pool, entry.created_at, entry.id)}})
        if change.official_nav is not None:
            official = items.nav_item(pool, entry.created_at, f"{entry.id}#official", change.official_nav)
            writes.append({"Put": {"TableName": self._table, "Item": official}})
        link_index = None
        if change.reversing is not None:
            link_index = len(writes)
            writes.append(self._link_reversal(change.reversing, entry))
        # Orders and valuations are written whole: the pool's version guards them.
        writes.extend({"Put": {"TableName": self._table, "Item": dealt.order_item(o, pool.currency)}} for o in change.orders)
        if change.approval is not None:
            writes.append({"Put": {"TableName": self._table, "Item": dealt.approval_item(change.approval, pool.currency)}})
        if change.withdrawal_request is not None:
            request = requests.request_item(change.withdrawal_request, pool.currency)
            writes.append({"Put": {"TableName": self._table, "Item": request}})
        if change.valuation is not None:
            writes.append({"Put": {"TableName": self._table, "Item": dealt.valuation_item(change.valuation, pool.currency)}})
            if change.valuation.status is ValuationStatus.PROPOSED:
                writes.extend(self._put_new(chunk) for chunk in dealt.settlement_chunks(change.valuation))
        for n, start in enumerate(range(0, len(change.allocations), ALLOCATION_CHUNK)):
            chunk = change.allocations[start : start + ALLOCATION_CHUNK]
            rows = [{"L": [{"S": a.investor_id}, {"S": str(a.units)}, {"S": str(a.amount)}]} for a in chunk]
            allocations = {
                **items.key(pk, items.allocation_chunk_sk(entry.id, n)),
                "kind": {"S": "allocations"},
                "allocations": {"L": rows},
            }
            writes.append(self._put_new(allocations))
        try:
            self._db.transact_write_items(TransactItems=writes)
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            if (
                idempotency_index is not None
                and len(codes) > idempotency_index
                and codes[idempotency_index] == "ConditionalCheckFailed"
            ):
                raise DuplicateRequest(change.idempotency.key if change.idempotency else "") from exc
            # The original already linked to a reversal: decide again from a fresh read (it says so).
            relinked = link_index is not None and len(codes) > link_index and codes[link_index] == "ConditionalCheckFailed"
            if (codes and codes[0] == "ConditionalCheckFailed") or "TransactionConflict" in codes or relinked:
                raise VersionConflict(pool.id) from exc
            raise

    def _link_reversal(self, original: LedgerEntry, reversal: LedgerEntry) -> dict[str, Any]:
        """The original entry names its reversal: once, and only while it exists."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": items.key(items.pool_pk(original.pool_id), items.entry_sk(original.id)),
                "UpdateExpression": "SET reversed_by = :r",
                "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(reversed_by)",
                "ExpressionAttributeValues": {":r": {"S": reversal.id}},
            }
        }

    def _state_write(self, pool: Pool, expected_version: int | None) -> dict[str, Any]:
        """The pool's STATE item, put only over the version the decision was made on."""
        new_version = 1 if expected_version is None else expected_version + 1
        put: dict[str, Any] = {"TableName": self._table, "Item": items.pool_item(pool, new_version)}
        if expected_version is None:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            put["ConditionExpression"] = "#v = :v"
            put["ExpressionAttributeNames"] = {"#v": "version"}
            put["ExpressionAttributeValues"] = {":v": {"N": str(expected_version)}}
        return {"Put": put}

    def _put_new(self, item: Item) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}

    def _investor_write(self, inv: Investor, is_new: bool, currency: str, was: Investor | None) -> dict[str, Any]:
        if is_new:
            return self._put_new(items.investor_item(inv, currency))
        # paid_out is only ever ADDed by settle_distribution; never overwrite it here.
        stored = items.INVESTOR.attributes(inv, currency)
        # Optional fields are written once they have a value (none of them ever goes back to None).
        # Name and email only with the investor as it was, so the search terms always move with them.
        renamed = ("name", "email") if was is not None else ()
        written = (
            "units",
            "contributed",
            "withdrawn",
            "status",
            *renamed,
            "updated_at",
            "first_subscribed",
            "lots",
            "performance_fees",
            "crystallised_by",
        )
        fields = {k: stored[k] for k in written if k in stored}
        return {
            "Update": {
                "TableName": self._table,
                "Key": items.key(items.pool_pk(inv.pool_id), items.investor_sk(inv.id)),
                "UpdateExpression": "SET " + ", ".join(f"#{k} = :{k}" for k in fields),
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeNames": {f"#{k}": k for k in fields},
                "ExpressionAttributeValues": {f":{k}": v for k, v in fields.items()},
            }
        }

    def _holding_markers(self, pool: Pool, change: Commit) -> list[dict[str, Any]]:
        """Index which pools hold which symbols, writing only when a holding opens or closes."""
        if change.entry.side is None or change.entry.symbol is None:  # not a trade, nor a trade's reversal
            return []
        symbol = change.entry.symbol
        held = pool.positions.get(symbol)
        if held is not None and held.quantity > 0:
            return [{"Put": {"TableName": self._table, "Item": items.holding_marker(pool.id, symbol)}}]
        return [{"Delete": {"TableName": self._table, "Key": items.key(items.pool_pk(pool.id), items.holding_sk(symbol))}}]
