"""Live updates over WebSockets: who may connect, what they subscribe to, and
pushing each change of a pool to its subscribers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib.domain.errors import DomainError, InvalidInput, Unauthorized

from .pools import PoolService
from .ports import ConnectionStore, Principal, Pusher


class LiveUpdates:
    def __init__(
        self, pools: PoolService, redeem: Callable[[str | None], Principal], connections: ConnectionStore, pusher: Pusher
    ) -> None:
        self.pools = pools
        self._redeem = redeem
        self.connections = connections
        self.pusher = pusher

    def connect(self, connection_id: str, ticket: str | None) -> Principal:
        """$connect: browsers cannot set headers, so a single-use ticket (POST /auth/ws-ticket)
        comes in the query string; a token there would be kept by access logs."""
        who = self._redeem(ticket)
        self.connections.open(connection_id, who)
        return who

    def hang_up(self, user_id: str) -> int:
        """Close every connection of a login (disabled by finance); returns how many."""
        mine = self.connections.of_user(user_id)
        for connection_id in mine:
            self.pusher.hang_up(connection_id)
            self.connections.close(connection_id)
        return len(mine)

    def disconnect(self, connection_id: str) -> None:
        self.connections.close(connection_id)

    def receive(self, connection_id: str, body: str) -> None:
        """$default: {"action": "subscribe", "pool_id": ...} or {"action": "ping"}."""
        try:
            reply = self._handle(connection_id, body)
        except DomainError as exc:
            reply = {"type": "error", "code": exc.code, "message": exc.message, "field": exc.field}
        if not self.pusher.send(connection_id, reply):
            self.connections.close(connection_id)

    def _handle(self, connection_id: str, body: str) -> dict[str, Any]:
        try:
            message = json.loads(body)
        except ValueError:
            raise InvalidInput("messages are JSON objects", code="invalid_json") from None
        if not isinstance(message, dict):
            raise InvalidInput("messages are JSON objects", code="invalid_json")
        action = message.get("action")
        if action == "ping":
            return {"type": "pong"}
        if action != "subscribe":
            raise InvalidInput('action must be "subscribe" or "ping"', field="action", code="unknown_action")
        pool_id = message.get("pool_id")
        if not isinstance(pool_id, str) or not pool_id:
            raise InvalidInput("pool_id is required", field="pool_id", code="missing_field")
        who = self.connections.principal(connection_id)
        if who is None:
            raise Unauthorized("connection expired; reconnect", code="connection_expired")
        self.pools.get_pool(who, pool_id)  # 404 for pools the user may not read
        self.connections.subscribe(connection_id, pool_id)
        return {"type": "subscribed", "pool_id": pool_id}

    def publish(self, pool_id: str, message: dict[str, Any]) -> tuple[int, int]:
        """Send to every subscriber of the pool; returns (sent, gone). Gone connections are removed."""
        sent = gone = 0
        for connection_id in self.connections.subscribers(pool_id):
            if self.pusher.send(connection_id, message):
                sent += 1
            else:
                gone += 1
                self.connections.close(connection_id)
        return sent, gone
