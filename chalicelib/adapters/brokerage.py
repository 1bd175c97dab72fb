"""Brokerage accounts linked to pools, webhook secrets, and the webhook event store."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters.ddb import batch_get, decode_cursor, encode_cursor, from_item, to_item
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.services.ports import BrokerageLink, Page, StoredEvent


class BrokerageLinks:
    """Kept in the pools table: the pool's link, and the account's pointer back to its pool."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def of_pool(self, pool_id: str) -> BrokerageLink | None:
        resp = self._db.get_item(
            TableName=self._table, Key=items.key(items.pool_pk(pool_id), items.BROKERAGE), ConsistentRead=True
        )
        if "Item" not in resp:
            return None
        i = from_item(resp["Item"])
        return BrokerageLink(
            pool_id,
            i["broker"],
            i["account_id"],
            i["linked_by"],
            i["linked_at"],
            status=i.get("status", "approved"),
            approved_by=i.get("approved_by"),
            approved_at=i.get("approved_at"),
        )

    def pool_for(self, broker: str, account_id: str) -> tuple[str, bool] | None:
        resp = self._db.get_item(
            TableName=self._table, Key=to_item(items.broker_link_key(broker, account_id)), ConsistentRead=True
        )
        if "Item" not in resp:
            return None
        i = from_item(resp["Item"])
        return str(i["pool_id"]), i.get("status", "approved") == "approved"

    def approve(self, link: BrokerageLink) -> None:
        stamp = {":approved": "approved", ":by": link.approved_by or "", ":at": link.approved_at or ""}
        update = "SET #status = :approved, approved_by = :by, approved_at = :at"

        def approved(key_: dict[str, str], condition: str, values: dict[str, str]) -> dict[str, Any]:
            return {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item(key_),
                    "UpdateExpression": update,
                    "ConditionExpression": condition,
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": to_item({**stamp, **values}),
                }
            }

        # Only the link finance looked at: not one the manager has replaced since.
        self._db.transact_write_items(
            TransactItems=[
                approved(items.broker_link_key(link.broker, link.account_id), "pool_id = :pid", {":pid": link.pool_id}),
                approved(
                    {"PK": items.pool_pk(link.pool_id), "SK": items.BROKERAGE},
                    "account_id = :account AND broker = :broker",
                    {":account": link.account_id, ":broker": link.broker},
                ),
            ]
        )

    def unlink(self, link: BrokerageLink) -> None:
        self._db.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": to_item(items.broker_link_key(link.broker, link.account_id)),
                        "ConditionExpression": "pool_id = :pid",
                        "ExpressionAttributeValues": to_item({":pid": link.pool_id}),
                    }
                },
                {"Delete": {"TableName": self._table, "Key": items.key(items.pool_pk(link.pool_id), items.BROKERAGE)}},
            ]
        )

    def link(self, link: BrokerageLink) -> None:
        """Link one account to one pool, replacing the pool's previous link."""
        previous = self.of_pool(link.pool_id)
        writes: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(
                        {
                            **items.broker_link_key(link.broker, link.account_id),
                            "kind": "brokerage-link",
                            "pool_id": link.pool_id,
                            "broker": link.broker,
                            "account_id": link.account_id,
                            "status": link.status,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(PK) OR pool_id = :pid",
                    "ExpressionAttributeValues": to_item({":pid": link.pool_id}),
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(
                        {
                            "PK": items.pool_pk(link.pool_id),
                            "SK": items.BROKERAGE,
                            "kind": "brokerage",
                            "broker": link.broker,
                            "account_id": link.account_id,
                            "linked_by": link.linked_by,
                            "linked_at": link.linked_at,
                            "status": link.status,
                        }
                    ),
                }
            },
        ]
        if previous and (previous.broker, previous.account_id) != (link.broker, link.account_id):
            writes.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": to_item(items.broker_link_key(previous.broker, previous.account_id)),
                        "ConditionExpression": "pool_id = :pid",
                        "ExpressionAttributeValues": to_item({":pid": link.pool_id}),
                    }
                }
            )
        try:
            self._db.transact_write_items(TransactItems=writes)
        except self._db.exceptions.TransactionCanceledException as exc:
            codes = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            if codes and codes[0] == "ConditionalCheckFailed":
                raise Conflict(
                    f"account {link.account_id} at {link.broker} is already linked to another pool",
                    field="account_id",
                    code="account_linked_elsewhere",
                ) from exc
            raise


class WebhookSecrets:
    """Each broker's active signing secrets from Secrets Manager, cached briefly
    so a rotation takes effect within a few minutes."""

    def __init__(self, client: Any, prefix: str, ttl_seconds: int = 300) -> None:
        self._sm = client
        self._prefix = prefix
        self._ttl_ns = ttl_seconds * 1_000_000_000
        self._cache: dict[str, tuple[int, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def for_broker(self, broker: str) -> tuple[str, ...]:
        with self._lock:
            hit = self._cache.get(broker)
            if hit and time.monotonic_ns() - hit[0] < self._ttl_ns:
                return hit[1]
        try:
            raw = self._sm.get_secret_value(SecretId=f"{self._prefix}{broker}")["SecretString"]
        except self._sm.exceptions.ResourceNotFoundException:
            raise NotFound(f"no broker named {broker!r} is set up", field="broker", code="unknown_broker") from None
        secrets = tuple(s for s in json.loads(raw).get("secrets", []) if isinstance(s, str) and s)
        with self._lock:
            self._cache[broker] = (time.monotonic_ns(), secrets)
        return secrets


class WebhookEvents:
    """The events table: one item per (broker, event id), written once on receipt."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    @staticmethod
    def key(broker: str, event_id: str) -> dict[str, Any]:
        return to_item({"PK": f"EVENT#{broker}#{event_id}", "SK": "EVENT"})

    @staticmethod
    def event_from_item(item: dict[str, Any]) -> StoredEvent:
        """From a DynamoDB-typed item, as GetItem and stream images give it."""
        i = from_item(item)
        return StoredEvent(
            broker=i["broker"],
            event_id=i["event_id"],
            type=i["type"],
            body=i["body"],
            received_at=i["received_at"],
            status=i["status"],
            reason=i.get("reason"),
            pool_id=i.get("pool_id"),
            entry_id=i.get("entry_id"),
        )

    def record(self, *, broker: str, event_id: str, type_: str, body: str, received_at: datetime) -> bool:
        """Store a new event; False if (broker, event id) was stored before."""
        try:
            self._db.put_item(
                TableName=self._table,
                Item={
                    **self.key(broker, event_id),
                    **to_item(
                        {
                            "kind": "webhook-event",
                            "broker": broker,
                            "event_id": event_id,
                            "type": type_,
                            "body": body,
                            "received_at": received_at.isoformat().replace("+00:00", "Z"),
                            "status": "received",
                        }
                    ),
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get(self, broker: str, event_id: str) -> StoredEvent | None:
        resp = self._db.get_item(TableName=self._table, Key=self.key(broker, event_id), ConsistentRead=True)
        return self.event_from_item(resp["Item"]) if "Item" in resp else None

    def settle(
        self, event: StoredEvent, *, status: str, pool_id: str | None, reason: str | None = None, entry_id: str | None = None
    ) -> None:
        """Record how an event ended: applied to a pool, or parked with its reason."""
        values = {
            ":s": status,
            ":r": reason or "",
            ":e": entry_id or "",
            ":g": items.pool_pk(pool_id or ""),
            ":k": f"{event.received_at}#{event.broker}#{event.event_id}",
            ":p": pool_id or "",
        }
        self._db.update_item(
            TableName=self._table,
            Key=self.key(event.broker, event.event_id),
            UpdateExpression="SET #s = :s, reason = :r, entry_id = :e, pool_id = :p, GSI1PK = :g, GSI1SK = :k",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=to_item(values),
        )

    def for_pool(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[StoredEvent]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :g",
            "ExpressionAttributeValues": to_item({":g": items.pool_pk(pool_id)}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = decode_cursor(cursor, pinned={"GSI1PK": items.pool_pk(pool_id)}, fields={"PK", "SK", "GSI1PK", "GSI1SK"})
        if start is not None:
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(**kwargs)
        keys = [{"PK": i["PK"], "SK": i["SK"]} for i in resp.get("Items", [])]
        found = {item["PK"]["S"]: self.event_from_item(item) for item in batch_get(self._db, self._table, keys)}
        events = [found[k["PK"]["S"]] for k in keys if k["PK"]["S"] in found]
        return Page(events, encode_cursor(resp.get("LastEvaluatedKey")))
