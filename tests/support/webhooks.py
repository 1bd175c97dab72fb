"""Signed brokerage webhooks, as a broker posts them."""

from __future__ import annotations

import json
import time
from typing import Any

from chalicelib.services.webhooks import sign

from .api import Api

SECRET = "demo-webhook-secret"


def post_event(
    api: Api,
    event: dict[str, Any],
    *,
    broker: str = "demo",
    secret: str = SECRET,
    offset: int = 0,
    header: str | None = None,
) -> Any:
    body = json.dumps(event).encode()
    signature = header if header is not None else sign(secret, int(time.time()) + offset, body)
    return api.request(
        "POST", f"/webhooks/{broker}", raw=body, as_user=None, headers={"Pooldesk-Signature": signature} if signature else {}
    )


def trade_event(
    event_id: str, account: str = "ACC-1", side: str = "buy", qty: str = "10", price: str = "20.00"
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "trade.executed",
        "created": 1764000000,
        "data": {
            "account_id": account,
            "trade_id": f"T-{event_id}",
            "symbol": "ACME",
            "side": side,
            "quantity": qty,
            "price": price,
            "fees": "1.00",
        },
    }
