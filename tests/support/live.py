"""The WebSocket handlers as API Gateway calls them."""

from __future__ import annotations

import json
from typing import Any

from app import ws_connect, ws_message

from .api import Api
from .events import ws_event


def connect(api: Api, connection_id: str, user: str = "manager") -> dict[str, Any]:
    """$connect with a fresh single-use ticket, as the web app opens its socket."""
    return ws_connect(ws_event("$connect", connection_id, ticket=ticket(api, user)), None)


def ticket(api: Api, user: str = "manager") -> str:
    resp = api.post("/auth/ws-ticket", as_user=user)
    assert resp.status_code == 201, resp.body
    return str(resp.json_body["ticket"])


def subscribe(connection_id: str, pool_id: str) -> None:
    ws_message(ws_event("$default", connection_id, body=json.dumps({"action": "subscribe", "pool_id": pool_id})), None)
