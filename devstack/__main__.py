"""Run Pooldesk on this machine: ``python -m devstack`` (what ``make run`` does).

Starts moto as the AWS endpoint, provisions the declared resources and demo
users, seeds demo pools, serves the API, runs the stream consumers as Lambda's
event source mappings would, prints the URL and the logins, and stops
everything on Ctrl-C (or SIGTERM), leaving no process behind.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import Any

import boto3

from chalicelib.resources import (
    MARKET_DATA_STREAM,
    QUEUE_CONSUMERS,
    STREAM_CONSUMERS,
    WEBHOOK_SECRET_PREFIX,
    KinesisStream,
)
from devstack.demo import DEMO_ACCOUNT, DEMO_BROKER, DEMO_BROKER_SECRET, DEMO_INVESTOR, DEMO_USERS, seed
from devstack.feed import MarketFeed
from devstack.pollers import QueuePoller, Reader, StreamPoller
from devstack.provision import (
    provision_alert_mail,
    provision_cognito,
    provision_kinesis,
    provision_queues,
    provision_tables,
    provision_webhook_secrets,
)
from devstack.scheduler import Schedule
from devstack.servers import PortInUse, Served, start_api, start_moto
from devstack.streams import KinesisReader, StreamReader, stream_arn, streams_client
from devstack.wsgateway import WebSocketGateway

REGION = "us-east-1"
ALERT_SENDER = "alerts@pooldesk.example"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m devstack", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only by default)")
    p.add_argument("--api-port", type=int, default=int(os.environ.get("POOLDESK_API_PORT", "8000")))
    p.add_argument("--aws-port", type=int, default=int(os.environ.get("POOLDESK_AWS_PORT", "4566")))
    p.add_argument("--ws-port", type=int, default=int(os.environ.get("POOLDESK_WS_PORT", "8001")))
    p.add_argument("--no-seed", action="store_true", help="start empty: no demo pools")
    p.add_argument("--no-feed", action="store_true", help="do not put random-walk market ticks on Kinesis")
    p.add_argument(
        "--no-streams",
        action="store_true",
        help="run no stream consumers (a benchmark writing straight to the table times reads, not the consumers' backlog)",
    )
    p.add_argument(
        "--reconcile-every",
        type=float,
        default=float(os.environ.get("POOLDESK_RECONCILE_EVERY", "3600")),
        help="seconds between scheduled reconciliations (nightly in AWS; `make reconcile` runs one now)",
    )
    return p.parse_args(argv)


def configure_environment(aws_url: str, user_pool_id: str, client_id: str, names: dict[str, str], ws_url: str) -> None:
    """What the app reads: only endpoints and names differ from production."""
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": aws_url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "COGNITO_USER_POOL_ID": user_pool_id,
            "COGNITO_CLIENT_ID": client_id,
            "COGNITO_JWKS_URL": f"{aws_url}/{user_pool_id}/.well-known/jwks.json",
            "WEBSOCKET_URL": ws_url,
            "ALERT_SENDER": ALERT_SENDER,
            "WEBSOCKET_MANAGEMENT_URL": ws_url.replace("ws://", "http://", 1),
            **names,
        }
    )
    os.environ.pop("AWS_PROFILE", None)
    # The demo feed applies several batches a second; keep the terminal for what matters.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    # CloudWatch reads metrics from Lambda's logs; locally they would only flood the terminal.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    # Powertools' Logger reads its level when it is made, which importing the app
    # has done by now: set it from the environment as it stands.
    from chalicelib.observability import logger

    logger.setLevel(os.environ["POWERTOOLS_LOG_LEVEL"].upper())


def user_subs(idp: Any, user_pool_id: str) -> dict[str, str]:
    subs = {}
    for user in [*DEMO_USERS, DEMO_INVESTOR]:
        attrs = idp.admin_get_user(UserPoolId=user_pool_id, Username=user.email)["UserAttributes"]
        subs[user.email] = next(a["Value"] for a in attrs if a["Name"] == "sub")
    return subs


def start_pollers(dynamodb: Any, kinesis: Any, sqs: Any, names: dict[str, str]) -> list[StreamPoller]:
    """One poller per declared stream consumer, with its mapping's settings."""
    import app

    pollers = []
    for consumer in STREAM_CONSUMERS:
        source = consumer.source
        reader: Reader
        if isinstance(source, KinesisStream):
            reader = KinesisReader(kinesis, names[source.env_var], REGION)
        else:
            reader = StreamReader(streams_client(REGION), stream_arn(dynamodb, names[source.env_var]), REGION)
        poller = StreamPoller(
            name=consumer.function,
            reader=reader,
            handler=getattr(app, consumer.function),
            region=REGION,
            batch_size=consumer.batch_size,
            max_retries=consumer.max_retries,
            sqs=sqs,
            dead_letter_url=names[consumer.dead_letter.env_var],
        )
        poller.start()
        pollers.append(poller)
    return pollers


def start_queue_pollers(sqs: Any, names: dict[str, str]) -> list[QueuePoller]:
    import app

    pollers = []
    for consumer in QUEUE_CONSUMERS:
        poller = QueuePoller(
            name=consumer.function,
            sqs=sqs,
            queue_urls=[names[q.env_var] for q in consumer.queues],
            handler=getattr(app, consumer.function),
            region=REGION,
            batch_size=consumer.batch_size,
        )
        poller.start()
        pollers.append(poller)
    return pollers


def start_gateway(host: str, port: int) -> WebSocketGateway:
    import app

    gateway = WebSocketGateway(host, port, connect=app.ws_connect, message=app.ws_message, disconnect=app.ws_disconnect)
    try:
        gateway.start()
    except OSError as exc:
        raise PortInUse(f"cannot listen on {host}:{port} for WebSockets: {exc.strerror}") from exc
    return gateway


def banner(api: str, aws: str, ws: str) -> str:
    logins = "\n".join(f"    {u.group:<9} {u.email:<24} {u.password}" for u in [*DEMO_USERS, DEMO_INVESTOR])
    return f"""
Pooldesk is running.

  Web app   {api}/               (sign in with a demo login below)
  API       {api}            (OpenAPI: {api}/openapi.json)
  AWS       {aws}            (moto: DynamoDB, Cognito, SQS, Kinesis, Secrets Manager)
  Live      {ws}/?ticket=<POST /auth/ws-ticket>   (WebSocket; send {{"action": "subscribe", "pool_id": ...}})

  Demo logins (the web app, or POST {api}/auth/login; a password alone signs them in):
{logins}
  The investor sees only their own holding, in the Keystone Forward Fund.

  Brokerage webhooks: POST {api}/webhooks/{DEMO_BROKER}, secret {DEMO_BROKER_SECRET!r};
  Harbor Growth Fund is linked to account {DEMO_ACCOUNT}. Send a signed sample with `make webhook`.

  Press Ctrl-C to stop.
"""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    served: list[Served] = []
    pollers: list[StreamPoller] = []
    feed: MarketFeed | None = None
    queue_pollers: list[QueuePoller] = []
    schedules: list[Schedule] = []
    stop = threading.Event()
    # Handle both explicitly: a shell may start us with SIGINT ignored (a
    # background job), and Ctrl-C must still stop everything.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        moto = start_moto(args.host, args.aws_port)
        served.append(moto)
        # Fake credentials before any client exists; boto3 reads AWS_ENDPOINT_URL itself.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "devstack")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "devstack")
        os.environ["AWS_ENDPOINT_URL"] = moto.url
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        idp = boto3.client("cognito-idp", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        kinesis = boto3.client("kinesis", region_name=REGION)
        names = {
            **provision_tables(dynamodb),
            **provision_queues(sqs),
            **provision_kinesis(kinesis),
            **provision_alert_mail(boto3.client("ses", region_name=REGION), ALERT_SENDER),
        }
        ids = provision_cognito(idp, [*DEMO_USERS, DEMO_INVESTOR])
        provision_webhook_secrets(
            boto3.client("secretsmanager", region_name=REGION), WEBHOOK_SECRET_PREFIX, {DEMO_BROKER: [DEMO_BROKER_SECRET]}
        )
        configure_environment(moto.url, ids.user_pool_id, ids.client_id, names, f"ws://{args.host}:{args.ws_port}")
        os.environ["APP_URL"] = f"http://{args.host}:{args.api_port}"

        from chalicelib import wiring
        from chalicelib.services.people_ports import Standing
        from chalicelib.services.ports import Principal

        wiring.reset()
        subs = user_subs(idp, ids.user_pool_id)
        # The published demo staff logins sign in with their passwords alone; staff the
        # local stack invites set up an authenticator, as on a deployed stage.
        for user in DEMO_USERS:
            wiring.account_records().set_standing(subs[user.email], Standing(mfa_exempt=True))
        if not args.no_seed:
            owners = {u.email: Principal(subs[u.email], u.email, frozenset({u.group})) for u in DEMO_USERS}
            seed(wiring.pool_service(), wiring.brokerage_service(), owners, (wiring.account_records(), subs[DEMO_INVESTOR.email]))

        # The browser app opens its WebSocket to the gateway: allow it in the page's CSP.
        api = start_api(args.host, args.api_port, connect_src=f"ws://{args.host}:{args.ws_port}")
        served.append(api)
        gateway = start_gateway(args.host, args.ws_port)
        pollers = [] if args.no_streams else start_pollers(dynamodb, kinesis, sqs, names)
        queue_pollers = start_queue_pollers(sqs, names)
        import app

        schedules = [Schedule("reconcile_ledgers", app.reconcile_ledgers, args.reconcile_every)]
        for schedule in schedules:
            schedule.start()
        if not args.no_feed:
            feed = MarketFeed(kinesis, names[MARKET_DATA_STREAM.env_var])
            feed.start()
    except PortInUse as exc:
        print(f"devstack: {exc}. Stop whatever uses that port or choose another (see --help).", file=sys.stderr)
        for s in reversed(served):
            s.stop()
        return 2

    print(banner(api.url, moto.url, gateway.url), flush=True)
    stop.wait()
    # A second Ctrl-C must not leave servers half-stopped.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("devstack: stopping", flush=True)
    if feed is not None:
        feed.stop()
    for schedule in schedules:
        schedule.stop()
    gateway.stop()
    for poller in pollers:
        poller.stop()
    for queue_poller in queue_pollers:
        queue_poller.stop()
    for s in reversed(served):
        s.stop()
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is stopped: leave without freeing moto's tables object by object,
    # which takes longer than a stop may wait once they hold a few hundred thousand items.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
