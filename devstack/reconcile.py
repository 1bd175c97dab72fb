"""Reconcile the running local stack now (``make reconcile``).

Calls the app's scheduled ``reconcile_ledgers`` function with the event its
nightly EventBridge rule sends, against the stack ``make run`` started: every
pool's ledger is refolded and compared with its stored balances, drift is
emailed to finance (see ``make mail``), and the report is printed. Exits 1 if
anything drifted.

    python -m devstack.reconcile [--aws http://127.0.0.1:4566] [--api http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import os
import sys

import boto3
import requests

from devstack.__main__ import ALERT_SENDER, REGION, configure_environment
from devstack.demo import DEMO_USERS
from devstack.pollers import LambdaContext
from devstack.provision import provision_alert_mail, provision_cognito, provision_tables
from devstack.scheduler import scheduled_event


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devstack.reconcile", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--aws", default=f"http://127.0.0.1:{os.environ.get('POOLDESK_AWS_PORT', '4566')}")
    p.add_argument("--api", default=f"http://127.0.0.1:{os.environ.get('POOLDESK_API_PORT', '8000')}")
    p.add_argument("--ws", default=f"ws://127.0.0.1:{os.environ.get('POOLDESK_WS_PORT', '8001')}")
    args = p.parse_args(argv)
    try:
        requests.get(f"{args.aws}/moto-api/", timeout=5)
    except requests.ConnectionError:
        print(f"Nothing answers at {args.aws}: start the stack with `make run` first.", file=sys.stderr)
        return 2
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "devstack")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "devstack")
    os.environ["AWS_ENDPOINT_URL"] = args.aws
    # Each of these finds what the running stack provisioned (and creates nothing that exists).
    names = {
        **provision_tables(boto3.client("dynamodb", region_name=REGION)),
        **provision_alert_mail(boto3.client("ses", region_name=REGION), ALERT_SENDER),
    }
    ids = provision_cognito(boto3.client("cognito-idp", region_name=REGION), DEMO_USERS)
    configure_environment(args.aws, ids.user_pool_id, ids.client_id, names, args.ws)
    os.environ["APP_URL"] = args.api

    import app
    from chalicelib.observability import logger

    logger.setLevel("CRITICAL")  # the summary below says what the function's log line would

    outcome = app.reconcile_ledgers(scheduled_event("reconcile_ledgers"), LambdaContext("reconcile_ledgers"))
    print(outcome["summary"])
    if outcome["drifted"]:
        print("Finance has been emailed about each pool that drifted (`make mail` shows the messages).")
    return 1 if outcome["drifted"] else 0


if __name__ == "__main__":
    sys.exit(main())
