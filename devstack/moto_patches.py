"""Fixes to moto's emulation that our local stack and tests depend on.

moto 5.2's TransactWriteItems deep-copies every table the transaction touches,
once per item, so each commit costs O(items x table size): a pool with a few
thousand ledger entries takes seconds per contribution. This replacement keeps
DynamoDB's all-or-nothing behaviour for what our code sends (each item of a
transaction has a distinct key, as DynamoDB requires): it evaluates every
condition first and writes only when all hold, snapshotting just the touched
items in case a write itself fails.

moto also answers every Query by sorting the whole table, so the local stack
slows as it fills: the prices consumer's "who holds this symbol" costs a scan
per symbol, and a page of one pool's investors sorts every pool's items. Here,
from the second index query since a table was last written, its items are
grouped by the index's hash key, and the grouping is kept until the next write;
a query of the table itself reads its partition, kept in sort-key order until
the next write, from its start key (or its begins_with prefix) for as many items
as its limit. moto's own code does the rest either way (range conditions,
filters, order, pages, projections).
tests/integration/test_moto_patch.py holds both to the same answers.

Used only by devstack/, bench/ and tests/; the application never imports it.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_OPS = {"ConditionCheck", "Put", "Delete", "Update"}
_installed = False


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _restore(backend: DynamoDBBackend, table_name: str, key: dict[str, Any], item: Any) -> None:
    """Put an item's snapshot back without emitting stream records."""
    table = backend.get_table(table_name)
    hash_key, range_key = backend.get_keys_value(table, key)
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
        _written(table_name, backend)
        return
    if item is None:
        table.items.get(hash_key, {}).pop(range_key, None)
    else:
        table.items.setdefault(hash_key, {})[range_key] = item
    _written(table_name, backend)


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    plan: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    errors: list[Any] = []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        if op_type not in _OPS:
            raise ValueError("Unsupported transaction operation")
        key = _key_of(self, op_type, op)
        marker = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if marker in seen:
            raise MultipleTransactionsException()
        seen.add(marker)
        plan.append((op_type, op, key))
        condition = op.get("ConditionExpression")
        if condition is None:
            errors.append((None, None, None))
            continue
        current = self.get_item(op["TableName"], key)
        check = get_filter_expression(condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"))
        if check.expr(current):
            errors.append((None, None, None))
        else:
            old = (
                current.to_json()["Attributes"]
                if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                else None
            )
            errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)

    snapshots = [(op["TableName"], key, copy.deepcopy(self.get_item(op["TableName"], key))) for _, op, key in plan]
    try:
        for op_type, op, key in plan:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(op["TableName"], op["Item"], expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(op["TableName"], key, expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(
                    op["TableName"],
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names or {},
                    expression_attribute_values=values or {},
                )
    except Exception as exc:
        for table_name, key, item in reversed(snapshots):
            _restore(self, table_name, key, item)
        failed = [(None, None, None)] * len(plan)
        raise TransactionCanceledException([(type(exc).__name__, str(exc), None), *failed[1:]]) from exc


# -- index queries from an index ------------------------------------------------------

_original_query = Table.query
_original_all_items = Table.all_items
# A query being answered from an index group, per thread: its table and the group.
_answering = threading.local()
# Tests turn it off to hold moto's own answers and the groups' to the same contract.
answer_from_groups = True
_WRITES = ("put_item", "update_item", "delete_item", "create_table", "delete_table", "update_table", "import_table")


def _generation(table: Any) -> int:
    return int(table.__dict__.get("_pooldesk_generation", 0))


def _written(table_name: str, backend: DynamoDBBackend) -> None:
    """A write to the table: every grouping of it is out of date."""
    table = backend.tables.get(table_name)
    if table is not None:
        table.__dict__["_pooldesk_generation"] = _generation(table) + 1


def _after_write(name: str) -> Any:
    original = getattr(DynamoDBBackend, name)

    def write(self: DynamoDBBackend, table_name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, table_name, *args, **kwargs)
        finally:
            # After the write: a grouping built meanwhile carries the older generation.
            _written(table_name, self)

    return write


def _group(table: Table, index_name: str, attribute: str, value: Any) -> list[Any] | None:
    """The table's items whose ``attribute`` (an index's hash key) is ``value``; None when
    grouping would not pay: only the second query since the table's last write groups it,
    so traffic that writes between every query costs what moto's own scan costs."""
    groupings = table.__dict__.setdefault("_pooldesk_groupings", {})
    asked = table.__dict__.setdefault("_pooldesk_asked", {})
    generation = _generation(table)  # read before the items, so a write meanwhile invalidates
    built = groupings.get((index_name, attribute))
    if built is None or built[0] != generation:
        if asked.get((index_name, attribute)) != generation:
            asked[(index_name, attribute)] = generation
            return None
        groups: dict[Any, list[Any]] = {}
        for item in _original_all_items(table):
            found = item.attrs.get(attribute)
            if found is not None:
                groups.setdefault(found, []).append(item)
        built = (generation, groups)
        groupings[(index_name, attribute)] = built
    return list(built[1].get(value, []))


def _all_items(self: Table) -> list[Any]:
    if getattr(_answering, "table", None) is self:
        return list(_answering.items)
    return _original_all_items(self)


def _partition(table: Table, hash_key: Any) -> tuple[list[str], list[Any]] | None:
    """One partition's items in sort-key order, with their keys beside them, kept until
    the table's next write; None unless every sort key there is a string."""
    rows = table.items.get(hash_key) if table.range_key_attr else None
    if rows is None:
        return None
    built = table.__dict__.setdefault("_pooldesk_partitions", {}).get(hash_key)
    generation = _generation(table)  # read before the items, so a write meanwhile invalidates
    if built is None or built[0] != generation:
        found = list(rows.values())
        if any(i.range_key is None or i.range_key.type != "S" for i in found):
            return None
        found.sort(key=lambda i: i.range_key.value)
        built = (generation, [i.range_key.value for i in found], found)
        table.__dict__["_pooldesk_partitions"][hash_key] = built
    return built[1], built[2]


def _after_prefix(prefix: str) -> str | None:
    """The least string above every string that begins with ``prefix``."""
    if not prefix or prefix[-1] == chr(0x10FFFF):
        return None
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _bounds(keys: list[str], comparison: str, values: list[str]) -> tuple[int, int] | None:
    """Where the sorted keys a sort-key condition keeps begin and end."""
    left, right = bisect.bisect_left, bisect.bisect_right
    if comparison == "":
        return 0, len(keys)
    if comparison == "BEGINS_WITH":
        after = _after_prefix(values[0])
        return None if after is None else (left(keys, values[0]), left(keys, after))
    if comparison == "BETWEEN":
        return left(keys, values[0]), right(keys, values[1])
    edges: dict[str, Callable[[str], tuple[int, int]]] = {
        "=": lambda v: (left(keys, v), right(keys, v)),
        "EQ": lambda v: (left(keys, v), right(keys, v)),
        "<": lambda v: (0, left(keys, v)),
        "LT": lambda v: (0, left(keys, v)),
        "<=": lambda v: (0, right(keys, v)),
        "LE": lambda v: (0, right(keys, v)),
        ">": lambda v: (right(keys, v), len(keys)),
        "GT": lambda v: (right(keys, v), len(keys)),
        ">=": lambda v: (left(keys, v), len(keys)),
        "GE": lambda v: (left(keys, v), len(keys)),
    }
    edge = edges.get(comparison)
    return None if edge is None else edge(values[0])


def _in_range(table: Table, args: tuple[Any, ...]) -> list[Any] | None:
    """The items of a table query's partition that can be on its page: those its sort-key
    condition keeps, after its start key, as many as its limit, and the next one;
    None when the query is not one of those."""
    hash_key, comparison, values, limit, start, forward = args[:6]
    bounds = [v.value for v in values or ()]
    if any(v.type != "S" for v in values or ()):
        return None
    partition = _partition(table, hash_key)
    if partition is None:
        return None
    keys, items = partition
    found = _bounds(keys, (comparison or "").upper(), bounds)
    if found is None:
        return None
    lo, hi = found
    if start:
        start_key = start.get(table.range_key_attr, {}).get("S")
        if start_key is None:
            return None
        if forward is False:
            hi = min(hi, bisect.bisect_left(keys, start_key))
        else:
            lo = max(lo, bisect.bisect_right(keys, start_key))
    # One item past the range in the scan's direction: moto answers a page that ends
    # at its limit with a start key for the next whenever the partition goes on.
    if forward is False:
        lo = max(lo - 1, 0, hi - limit - 1 if limit else 0)
    else:
        hi = min(hi + 1, len(keys), lo + limit + 1 if limit else len(keys))
    return items[lo:hi]


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    # moto's backend passes the index name as the 8th argument, the key conditions by name.
    index_name = args[7] if len(args) > 7 else kwargs.get("index_name")
    conditions = kwargs.get("hash_key_conditions") or []
    if not answer_from_groups or getattr(_answering, "table", None) or len(args) < 6:
        return _original_query(self, *args, **kwargs)
    if index_name is None and len(kwargs.get("range_key_conditions") or ()) <= 1:
        # A query of the table itself: its partition's range, not the whole table, sorted.
        candidates = _in_range(self, args)
        return _original_query(self, *args, **kwargs) if candidates is None else _answer(self, candidates, args, kwargs)
    index = next((i for i in self.global_indexes if i.name == index_name), None)
    hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index is not None else []
    if index is None or len(conditions) != 1 or [conditions[0][0]] != hashes:
        return _original_query(self, *args, **kwargs)
    group = _group(self, index.name, conditions[0][0], conditions[0][1])
    if group is None:
        return _original_query(self, *args, **kwargs)
    return _answer(self, group, args, kwargs)


def _answer(self: Table, items: list[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """moto's own query, over these items instead of the whole table."""
    _answering.table, _answering.items = self, items
    _answering.groups_used = getattr(_answering, "groups_used", 0) + 1
    try:
        return _original_query(self, *args, **kwargs)
    finally:
        _answering.table = _answering.items = None


def install() -> None:
    global _installed  # noqa: PLW0603 - patch once per process
    if not _installed:
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
        for name in _WRITES:
            setattr(DynamoDBBackend, name, _after_write(name))
        Table.all_items = _all_items  # type: ignore[method-assign]
        Table.query = _query  # type: ignore[method-assign]
        _installed = True
