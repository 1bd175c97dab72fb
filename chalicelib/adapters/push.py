"""WebSocket connections in DynamoDB, and pushing to them through API Gateway's
management API (the local stack's gateway serves the same API)."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

from chalicelib.adapters.ddb import from_item, to_item
from chalicelib.services.ports import Principal

# API Gateway closes a WebSocket after 2 hours at most; keep records a little longer.
CONNECTION_TTL_SECONDS = 3 * 3600


class Connections:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def _expiry(self) -> int:
        return int(time.time()) + CONNECTION_TTL_SECONDS

    def open(self, connection_id: str, who: Principal) -> None:
        expiry = self._expiry()
        meta = {
            "PK": f"CONN#{connection_id}",
            "SK": "META",
            "user_id": who.user_id,
            "email": who.email,
            "groups": sorted(who.groups) or ["none"],
            "expires_at": expiry,
        }
        # USER#<sub> / CONN#<id>: the user's connections, so disabling them hangs every one up.
        mine = {"PK": f"USER#{who.user_id}", "SK": f"CONN#{connection_id}", "expires_at": expiry}
        self._db.transact_write_items(
            TransactItems=[{"Put": {"TableName": self._table, "Item": to_item(item)}} for item in (meta, mine)]
        )

    def of_user(self, user_id: str) -> list[str]:
        resp = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=to_item({":pk": f"USER#{user_id}"}),
        )
        return [i["SK"]["S"].removeprefix("CONN#") for i in resp.get("Items", [])]

    def principal(self, connection_id: str) -> Principal | None:
        resp = self._db.get_item(
            TableName=self._table, Key=to_item({"PK": f"CONN#{connection_id}", "SK": "META"}), ConsistentRead=True
        )
        if "Item" not in resp:
            return None
        item = from_item(resp["Item"])
        groups = frozenset(g for g in item["groups"] if g != "none")
        return Principal(user_id=item["user_id"], email=item.get("email", ""), groups=groups)

    def subscribe(self, connection_id: str, pool_id: str) -> None:
        expiry = self._expiry()
        self._db.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item({"PK": f"SUBS#{pool_id}", "SK": f"CONN#{connection_id}", "expires_at": expiry}),
                    }
                },
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item({"PK": f"CONN#{connection_id}", "SK": f"SUB#{pool_id}", "expires_at": expiry}),
                    }
                },
            ]
        )

    def subscribers(self, pool_id: str) -> list[str]:
        ids: list[str] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": to_item({":pk": f"SUBS#{pool_id}"}),
        }
        while True:
            resp = self._db.query(**kwargs)
            ids += [i["SK"]["S"].removeprefix("CONN#") for i in resp.get("Items", [])]
            if "LastEvaluatedKey" not in resp:
                return ids
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def close(self, connection_id: str) -> None:
        """Forget a connection and every subscription it had."""
        resp = self._db.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=to_item({":pk": f"CONN#{connection_id}"}),
        )
        for item in resp.get("Items", []):
            sk = item["SK"]["S"]
            if sk.startswith("SUB#"):
                self._db.delete_item(
                    TableName=self._table, Key=to_item({"PK": f"SUBS#{sk.removeprefix('SUB#')}", "SK": f"CONN#{connection_id}"})
                )
            if sk == "META":
                self._db.delete_item(
                    TableName=self._table, Key=to_item({"PK": f"USER#{item['user_id']['S']}", "SK": f"CONN#{connection_id}"})
                )
            self._db.delete_item(TableName=self._table, Key={"PK": item["PK"], "SK": item["SK"]})


class Pusher:
    """post_to_connection through the management API; False when the client is gone (410)."""

    def __init__(self, client: Any) -> None:
        self._api = client

    def send(self, connection_id: str, message: dict[str, Any]) -> bool:
        try:
            self._api.post_to_connection(ConnectionId=connection_id, Data=json.dumps(message).encode())
        except self._api.exceptions.GoneException:
            return False
        return True

    def hang_up(self, connection_id: str) -> None:
        """Close the connection from our side (a disabled login keeps no live feed)."""
        with contextlib.suppress(self._api.exceptions.GoneException):
            self._api.delete_connection(ConnectionId=connection_id)
