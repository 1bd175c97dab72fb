"""What Pooldesk keeps about each login, in the pools table under ``PK = ACCOUNT#<sub>``:

=====================================  ==========================================
SK                                     item
=====================================  ==========================================
``STANDING``                           disabled, and when it signed out everywhere
``MEMBER#<pool id>#<investor id>``     a link to an investor record
``PREFERENCES``                        which emails an investor wants
=====================================  ==========================================

A link is also written under its pool (``POOL#<pool id>`` / ``LOGIN#<investor id>``)
so a pool's investor list shows who has a login with one query. Single-use
WebSocket tickets live in the connections table (they expire by TTL).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from chalicelib.adapters.attributes import parse_timestamp, timestamp
from chalicelib.adapters.ddb import from_item, to_item
from chalicelib.adapters.pool_items import key, pool_pk
from chalicelib.services.people_ports import EmailPreferences, Membership, Standing
from chalicelib.services.ports import Tokens

STANDING, PREFERENCES, MEMBER, LOGIN = "STANDING", "PREFERENCES", "MEMBER#", "LOGIN#"


def account_pk(user_id: str) -> str:
    return f"ACCOUNT#{user_id}"


class DynamoAccountRecords:
    """A login's standing is read at every request, so each container keeps it for a second
    (``standing_ttl_seconds``): a burst of requests costs one read, and a login disabled or
    signed out elsewhere is refused within that second (at once here: writes go through)."""

    def __init__(self, client: Any, table: str, *, standing_ttl_seconds: float = 1.0) -> None:
        self._db = client
        self._table = table
        self._ttl_ns = int(standing_ttl_seconds * 1_000_000_000)
        self._standings: dict[str, tuple[int, Standing]] = {}
        self._lock = threading.Lock()

    def standing(self, user_id: str) -> Standing:
        now = time.monotonic_ns()
        with self._lock:
            hit = self._standings.get(user_id)
        if hit is not None and now - hit[0] < self._ttl_ns:
            return hit[1]
        found = self._read_standing(user_id)
        with self._lock:
            if len(self._standings) > 10_000:  # a container's memory is bounded, whatever the traffic
                self._standings.clear()
            self._standings[user_id] = (now, found)
        return found

    def _read_standing(self, user_id: str) -> Standing:
        # Eventually consistent is enough: the cache above already allows a second.
        resp = self._db.get_item(TableName=self._table, Key=key(account_pk(user_id), STANDING))
        if "Item" not in resp:
            return Standing()
        item = from_item(resp["Item"])
        out = item.get("signed_out_at")
        return Standing(
            disabled=bool(item.get("disabled")),
            signed_out_at=parse_timestamp(out) if out else None,
            mfa_exempt=bool(item.get("mfa_exempt")),
            mfa_enrolled=bool(item.get("mfa_enrolled")),
        )

    def set_standing(self, user_id: str, standing: Standing) -> None:
        values: dict[str, Any] = {
            "PK": account_pk(user_id),
            "SK": STANDING,
            "disabled": standing.disabled,
            "mfa_exempt": standing.mfa_exempt,
            "mfa_enrolled": standing.mfa_enrolled,
        }
        if standing.signed_out_at is not None:
            values["signed_out_at"] = timestamp(standing.signed_out_at)
        self._db.put_item(TableName=self._table, Item=to_item(values))
        with self._lock:
            self._standings[user_id] = (time.monotonic_ns(), standing)

    def link(self, membership: Membership) -> None:
        m = membership
        at = timestamp(m.linked_at)
        self._db.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item(
                            {
                                "PK": account_pk(m.user_id),
                                "SK": f"{MEMBER}{m.pool_id}#{m.investor_id}",
                                "pool_id": m.pool_id,
                                "investor_id": m.investor_id,
                                "linked_at": at,
                            }
                        ),
                    }
                },
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item(
                            {"PK": pool_pk(m.pool_id), "SK": f"{LOGIN}{m.investor_id}", "user_id": m.user_id, "linked_at": at}
                        ),
                    }
                },
            ]
        )

    def memberships(self, user_id: str) -> list[Membership]:
        return [
            Membership(user_id, item["pool_id"], item["investor_id"], parse_timestamp(item["linked_at"]))
            for item in self._query(account_pk(user_id), MEMBER)
        ]

    def linked_logins(self, pool_id: str) -> dict[str, str]:
        return {item["SK"].removeprefix(LOGIN): item["user_id"] for item in self._query(pool_pk(pool_id), LOGIN)}

    def preferences(self, user_id: str) -> EmailPreferences:
        resp = self._db.get_item(TableName=self._table, Key=key(account_pk(user_id), PREFERENCES))
        if "Item" not in resp:
            return EmailPreferences()
        item = from_item(resp["Item"])
        return EmailPreferences(
            order_settled=bool(item.get("order_settled", True)),
            distribution_paid=bool(item.get("distribution_paid", True)),
            statement_ready=bool(item.get("statement_ready", True)),
        )

    def save_preferences(self, user_id: str, preferences: EmailPreferences) -> None:
        p = preferences
        self._db.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": account_pk(user_id),
                    "SK": PREFERENCES,
                    "order_settled": p.order_settled,
                    "distribution_paid": p.distribution_paid,
                    "statement_ready": p.statement_ready,
                }
            ),
        )

    def _query(self, pk: str, prefix: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": to_item({":pk": pk, ":prefix": prefix}),
        }
        while True:
            resp = self._db.query(**kwargs)
            found += [from_item(i) for i in resp.get("Items", [])]
            if "LastEvaluatedKey" not in resp:
                return found
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


class DynamoTickets:
    """``PK = TICKET#<sha-256 of the ticket>``: the ticket itself is never stored."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def issue(self, digest: str, user_id: str, email: str, groups: frozenset[str], expires_at: datetime) -> None:
        self._db.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": f"TICKET#{digest}",
                    "SK": "TICKET",
                    "user_id": user_id,
                    "email": email,
                    "groups": sorted(groups) or ["none"],
                    "valid_until": timestamp(expires_at),
                    # TTL removes it later; validity is checked against valid_until, not TTL's lag.
                    "expires_at": int(time.time()) + 3600,
                }
            ),
        )

    def redeem(self, digest: str) -> tuple[str, str, frozenset[str], datetime] | None:
        # Deleting returns the item to exactly one caller: a ticket opens one connection.
        resp = self._db.delete_item(TableName=self._table, Key=key(f"TICKET#{digest}", "TICKET"), ReturnValues="ALL_OLD")
        if "Attributes" not in resp:
            return None
        item = from_item(resp["Attributes"])
        groups = frozenset(g for g in item["groups"] if g != "none")
        return item["user_id"], item.get("email", ""), groups, parse_timestamp(item["valid_until"])


class DynamoHeldSignIns:
    """``PK = HELD#<sha-256 of the handle>`` in the connections table (TTL removes it later)."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def hold(self, digest: str, tokens: Tokens, expires_at: datetime) -> None:
        values: dict[str, Any] = {
            "PK": f"HELD#{digest}",
            "SK": "HELD",
            "access_token": tokens.access_token,
            "id_token": tokens.id_token,
            "expires_in": tokens.expires_in,
            "valid_until": timestamp(expires_at),
            "expires_at": int(time.time()) + 3600,
        }
        if tokens.refresh_token:
            values["refresh_token"] = tokens.refresh_token
        self._db.put_item(TableName=self._table, Item=to_item(values))

    def held(self, digest: str) -> tuple[Tokens, datetime] | None:
        resp = self._db.get_item(TableName=self._table, Key=key(f"HELD#{digest}", "HELD"), ConsistentRead=True)
        if "Item" not in resp:
            return None
        item = from_item(resp["Item"])
        tokens = Tokens(
            access_token=item["access_token"],
            id_token=item["id_token"],
            refresh_token=item.get("refresh_token"),
            expires_in=int(item["expires_in"]),
        )
        return tokens, parse_timestamp(item["valid_until"])

    def release(self, digest: str) -> None:
        self._db.delete_item(TableName=self._table, Key=key(f"HELD#{digest}", "HELD"))
