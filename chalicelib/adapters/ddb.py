"""DynamoDB's typed attribute values, to and from plain Python (Decimal for numbers),
and the opaque cursors every listing pages with."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from chalicelib.services.ports import InvalidCursor, Throttled

# What AWS answers when a table, index or account is over its capacity. The SDK
# has already retried these with backoff by the time one reaches our code.
THROTTLING_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "LimitExceededException"}
)


def is_throttling(exc: BaseException) -> bool:
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in THROTTLING_CODES


class ThrottleAware:
    """A boto3 client whose throttling errors reach the use cases as the port's
    Throttled, so no layer above the adapters needs to know botocore's errors.
    Everything else (``exceptions``, ``meta``, other errors) passes through."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name.startswith("_") or name in ("exceptions", "meta") or not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except ClientError as exc:
                if is_throttling(exc):
                    raise Throttled(f"{self._client.meta.service_model.service_name} {name}") from exc
                raise

        setattr(self, name, call)  # once per operation: later calls find it without __getattr__
        return call


# DynamoDB's limit on the keys of one BatchGetItem request.
BATCH_GET_MAX = 100
# DynamoDB's limit on the actions of one TransactWriteItems request.
TRANSACT_MAX = 100
# How often a transaction that collided with another one on an item is tried again.
COLLISION_RETRIES = 5


def batch_get(client: Any, table: str, keys: list[dict[str, Any]], *, consistent: bool = False) -> Iterator[dict[str, Any]]:
    """The (typed) items that exist among ``keys``, in any order: requests of at
    most 100 keys, each retried for what DynamoDB left unprocessed."""
    for start in range(0, len(keys), BATCH_GET_MAX):
        request: dict[str, Any] = {table: {"Keys": keys[start : start + BATCH_GET_MAX], "ConsistentRead": consistent}}
        while request:
            resp = client.batch_get_item(RequestItems=request)
            yield from resp.get("Responses", {}).get(table, [])
            request = resp.get("UnprocessedKeys") or {}


def write_groups(client: Any, groups: Sequence[Sequence[dict[str, Any]]], *, collision_refuses: bool) -> set[int]:
    """Write groups of TransactWriteItems actions, as many groups a transaction as
    fit in 100 actions; each group is written whole or not at all.

    A group whose condition fails is left out, its index returned, and the rest of
    its transaction written again without it: one stale group never holds back
    the others. A collision with another transaction on an item (TransactionConflict)
    refuses the group too when ``collision_refuses`` (the caller reads it again and
    decides afresh); otherwise the transaction is tried again, a few times.
    """
    refused: set[int] = set()
    chunk: list[int] = []
    size = 0
    for index, group in enumerate(groups):
        if chunk and size + len(group) > TRANSACT_MAX:
            refused |= _write_chunk(client, groups, chunk, collision_refuses)
            chunk, size = [], 0
        chunk.append(index)
        size += len(group)
    if chunk:
        refused |= _write_chunk(client, groups, chunk, collision_refuses)
    return refused


def _write_chunk(client: Any, groups: Sequence[Sequence[dict[str, Any]]], chunk: list[int], collision_refuses: bool) -> set[int]:
    refused: set[int] = set()
    pending, collisions = chunk, 0
    while pending:
        try:
            client.transact_write_items(TransactItems=[action for i in pending for action in groups[i]])
            return refused
        except client.exceptions.TransactionCanceledException as exc:
            codes = iter(r.get("Code", "None") for r in exc.response.get("CancellationReasons", []))
            by_group = {i: {next(codes, "None") for _ in groups[i]} for i in pending}
            failed = {i for i, found in by_group.items() if "ConditionalCheckFailed" in found}
            collided = {i for i, found in by_group.items() if "TransactionConflict" in found} - failed
            if collision_refuses:
                failed |= collided
            elif collided:
                collisions += 1
                if collisions > COLLISION_RETRIES:
                    raise
            if not failed and not collided:
                raise  # a validation error or the like: nothing to leave out
            refused |= failed
            pending = [i for i in pending if i not in failed]
    return refused


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """Typed attributes for a put or key; None values are left out (DynamoDB has no nulls we use)."""
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def value(attribute: dict[str, Any]) -> Any:
    return _deserializer.deserialize(attribute)


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """An opaque page cursor for a LastEvaluatedKey (string key attributes)."""
    if not key:
        return None
    plain = from_item(key)
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, pinned: dict[str, str], fields: frozenset[str] | set[str]) -> dict[str, Any] | None:
    """Decode an opaque cursor into an ExclusiveStartKey, checking it field by field:
    exactly ``fields``, each a string, and the ``pinned`` ones equal to what this
    listing expects. Anything else is InvalidCursor (400), never a DynamoDB error."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidCursor("cursor is not one this API issued") from None
    if not isinstance(raw, dict) or set(raw) != set(fields):
        raise InvalidCursor("cursor is not one this API issued")
    for name, value in raw.items():
        if not isinstance(value, str) or not value or len(value) > 1024:
            raise InvalidCursor("cursor is not one this API issued")
        if name in pinned and value != pinned[name]:
            raise InvalidCursor("cursor belongs to another listing")
    return {k: {"S": v} for k, v in raw.items()}
