"""Send a correctly signed sample brokerage event to the local stack:
``make webhook`` or ``python -m devstack.webhook --type dividend``.

It is what a brokerage integration does: JSON body, ``Pooldesk-Signature:
t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from typing import Any

import requests

from chalicelib.services.webhooks import sign
from devstack.demo import DEMO_ACCOUNT, DEMO_BROKER, DEMO_BROKER_SECRET


def sample(kind: str, account: str) -> dict[str, Any]:
    event_id = f"evt_{uuid.uuid4().hex[:16]}"
    data: dict[str, Any]
    if kind == "trade":
        data = {
            "account_id": account,
            "trade_id": f"T-{event_id[4:12]}",
            "symbol": "AAPL",
            "side": "buy",
            "quantity": "5",
            "price": "191.40",
            "fees": "1.00",
        }
        return {"id": event_id, "type": "trade.executed", "created": int(time.time()), "data": data}
    if kind == "dividend":
        data = {"account_id": account, "symbol": "MSFT", "amount": "24.90"}
        return {"id": event_id, "type": "dividend.received", "created": int(time.time()), "data": data}
    data = {"account_id": account, "amount": "3.50", "description": "Custody fee"}
    return {"id": event_id, "type": "fee.charged", "created": int(time.time()), "data": data}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devstack.webhook", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--api", default="http://127.0.0.1:8000")
    p.add_argument("--type", choices=["trade", "dividend", "fee"], default="trade")
    p.add_argument("--account", default=DEMO_ACCOUNT)
    p.add_argument("--broker", default=DEMO_BROKER)
    p.add_argument("--secret", default=DEMO_BROKER_SECRET)
    args = p.parse_args(argv)
    body = json.dumps(sample(args.type, args.account)).encode()
    headers = {"Content-Type": "application/json", "Pooldesk-Signature": sign(args.secret, int(time.time()), body)}
    print(f"POST {args.api}/webhooks/{args.broker}\nPooldesk-Signature: {headers['Pooldesk-Signature']}\n{body.decode()}\n")
    try:
        resp = requests.post(f"{args.api}/webhooks/{args.broker}", data=body, headers=headers, timeout=10)
    except requests.ConnectionError:
        print(f"Nothing answers at {args.api}: start the stack with `make run` first.", file=sys.stderr)
        return 2
    print(f"{resp.status_code} {resp.text}")
    return 0 if resp.status_code in (200, 202) else 1


if __name__ == "__main__":
    sys.exit(main())
