"""What each operation costs in AWS terms: every API route a manager's, finance's
and a broker's day calls, and each consumer, once, through the real app
against in-process moto. Per call: DynamoDB requests, how many of them wait on
each other (the critical path: the longest chain of requests each starting
after the one before ended), items read and written, other AWS requests, and
our own code's time (the call's time less the time inside the SDK and moto).

Request counts are what AWS would bill and wait on; moto's own time is left out
of "our code", so that column is what a Lambda would spend outside its awaits.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.report import Result, fake_aws_environment

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5
# Read and written per DynamoDB request: items a request names or answers.
_WRITES_ONE = {"PutItem", "UpdateItem", "DeleteItem"}


@dataclass
class Call:
    """The AWS requests one operation made."""

    spans: list[tuple[float, float]] = field(default_factory=list)  # DynamoDB requests' start and end
    dynamodb: int = 0
    other: int = 0
    read: int = 0
    written: int = 0
    aws_seconds: float = 0.0

    def critical_path(self) -> int:
        """The longest chain of requests each starting after the previous ended."""
        chain: list[tuple[float, int]] = []  # (end, length of the longest chain ending there)
        for start, end in sorted(self.spans):
            before = max((n for done, n in chain if done <= start), default=0)
            chain.append((end, before + 1))
        return max((n for _, n in chain), default=0)


class Meter:
    """botocore event hooks on the default session: every request, its items, its time."""

    def __init__(self) -> None:
        self.call: Call | None = None
        self._lock = threading.Lock()

    def params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        context["bench_started"] = time.perf_counter()
        context["bench_written"] = _written(model.name, params)
        context["bench_reads"] = model.name == "TransactGetItems" and len(params.get("TransactItems", []))

    def answered(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        started = context.get("bench_started")
        call = self.call
        if started is None or call is None:
            return
        ended = time.perf_counter()
        with self._lock:
            call.aws_seconds += ended - started
            if model.service_model.service_name != "dynamodb":
                call.other += 1
                return
            call.dynamodb += 1
            call.spans.append((started, ended))
            call.written += int(context.get("bench_written") or 0)
            call.read += _read(model.name, parsed) + int(context.get("bench_reads") or 0)

    @contextmanager
    def measuring(self) -> Iterator[Call]:
        call = Call()
        self.call = call
        try:
            yield call
        finally:
            self.call = None


def _written(operation: str, params: dict[str, Any]) -> int:
    if operation in _WRITES_ONE:
        return 1
    if operation == "TransactWriteItems":
        return sum(1 for action in params.get("TransactItems", []) if "ConditionCheck" not in action)
    if operation == "BatchWriteItem":
        return sum(len(requests) for requests in params.get("RequestItems", {}).values())
    return 0


def _read(operation: str, parsed: dict[str, Any]) -> int:
    if operation in ("Query", "Scan"):
        return int(parsed.get("Count", 0))
    if operation == "GetItem":
        return 1 if parsed.get("Item") else 0
    if operation == "BatchGetItem":
        return sum(len(found) for found in parsed.get("Responses", {}).values())
    return 0


@dataclass
class Row:
    name: str
    calls: list[Call]
    wall: list[float]

    def cells(self) -> list[str]:
        warm = self.calls[-1]  # the counts repeat; the last call is the warm one
        ours = statistics.median(w - c.aws_seconds for w, c in zip(self.wall, self.calls, strict=True)) * 1000
        return [
            self.name,
            str(warm.dynamodb),
            str(warm.critical_path()),
            str(warm.read),
            str(warm.written),
            str(warm.other),
            f"{ours:.1f} ms",
        ]


class Day:
    """A working day through the app: signed-in managers and finance, a broker's webhooks, the consumers."""

    def __init__(self, meter: Meter, repeats: int) -> None:
        from chalice.test import Client

        from app import app

        self.meter = meter
        self.repeats = repeats
        self.rows: list[Row] = []
        self._client_cm = Client(app, project_dir=str(ROOT))
        self.client = self._client_cm.__enter__()
        self.tokens: dict[str, str] = {}

    def close(self) -> None:
        self._client_cm.__exit__(None, None, None)

    def http(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        who: str | None = "manager",
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Any:
        h = {"Content-Type": "application/json", **(headers or {})}
        if who:
            h["Authorization"] = f"Bearer {self.tokens[who]}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        resp = self.client.http.request(method, path, headers=h, body=data)
        if resp.status_code >= 400:
            raise AssertionError(f"{method} {path}: {resp.status_code} {resp.body[:300]!r}")
        return resp.json_body

    def measure(self, name: str, action: Callable[[int], Any], repeats: int | None = None) -> Any:
        """``action(n)`` run ``repeats`` times (n counts up), each measured; returns the last answer."""
        calls, wall, answer = [], [], None
        for n in range(repeats or self.repeats):
            with self.meter.measuring() as call:
                started = time.perf_counter()
                answer = action(n)
                wall.append(time.perf_counter() - started)
            calls.append(call)
        self.rows.append(Row(name, calls, wall))
        return answer

    def route(
        self,
        method: str,
        template: str,
        path: str,
        body: Any = None,
        *,
        who: str = "manager",
    ) -> Any:
        """One route, measured; ``body`` is the body, or makes the nth call's body."""
        make: Callable[[int], Any] = body if callable(body) else (lambda _n: body)
        name = f"{method} {template}" + ("" if who == "manager" else f" ({who})")
        return self.measure(name, lambda n: self.http(method, path, make(n), who=who))


def _sign_in(day: Day) -> None:
    from devstack.demo import DEMO_USERS
    from devstack.provision import DemoUser

    def signing_in(user: DemoUser) -> Callable[[int], Any]:
        return lambda _n: day.http("POST", "/auth/login", {"email": user.email, "password": user.password}, who=None)

    for role, user in zip(("manager", "manager2", "finance"), DEMO_USERS, strict=True):
        name = "POST /auth/login" if role == "manager" else f"POST /auth/login ({role})"
        day.tokens[role] = day.measure(name, signing_in(user), repeats=None if role == "manager" else 1)["access_token"]


def _pools_day(day: Day) -> None:
    from chalicelib.services.webhooks import sign

    pid = day.route("POST", "/pools", "/pools", lambda n: {"name": f"Fund {n}", "currency": "USD"})["id"]
    day.route("GET", "/pools", "/pools")
    day.route("GET", "/pools/{id}", f"/pools/{pid}")
    people = [
        day.http("POST", f"/pools/{pid}/investors", {"name": f"Holder {n}", "email": f"holder{n}@example.com"})["id"]
        for n in range(40)
    ]
    investor = day.route(
        "POST",
        "/pools/{id}/investors",
        f"/pools/{pid}/investors",
        lambda n: {"name": f"Added {n}", "email": f"added{n}@example.com"},
    )["id"]
    for n, someone in enumerate(people):
        day.http("POST", f"/pools/{pid}/contributions", {"investor_id": someone, "amount": f"{1000 + n}.00"})
    day.route("POST", "/pools/{id}/contributions", f"/pools/{pid}/contributions", {"investor_id": investor, "amount": "500.00"})
    day.route("POST", "/pools/{id}/withdrawals", f"/pools/{pid}/withdrawals", {"investor_id": investor, "amount": "10.00"})
    trade = {"symbol": "ACME", "side": "buy", "quantity": "10", "price": "20.00"}
    day.route("POST", "/pools/{id}/trades", f"/pools/{pid}/trades", trade)
    day.route("GET", "/pools/{id}/investors (first page)", f"/pools/{pid}/investors?limit=50")
    day.route("GET", "/pools/{id}/investors?q= (search)", f"/pools/{pid}/investors?q=holder+1")
    day.route("GET", "/pools/{id}/investors/{investor}", f"/pools/{pid}/investors/{investor}")
    day.route(
        "PATCH", "/pools/{id}/investors/{investor}", f"/pools/{pid}/investors/{investor}", lambda n: {"name": f"Renamed {n}"}
    )
    day.route("GET", "/pools/{id}/activity", f"/pools/{pid}/activity?limit=50")
    day.route("GET", "/pools/{id}/nav-history", f"/pools/{pid}/nav-history")
    preview = day.route("POST", "/pools/{id}/distributions/preview", f"/pools/{pid}/distributions/preview", {"amount": "41.00"})
    paid = day.route("POST", "/pools/{id}/distributions (41 investors)", f"/pools/{pid}/distributions", {"amount": "41.00"})
    assert preview["allocations"] and paid["id"]
    day.route("GET", "/pools/{id}/distributions/{entry}", f"/pools/{pid}/distributions/{paid['id']}")
    day.route("GET", "/pools/{id}/investors/{investor}/statement", f"/pools/{pid}/investors/{investor}/statement")
    day.route("GET", "/pools/{id}/investor-returns", f"/pools/{pid}/investor-returns")
    day.route("GET", "/pools/{id}/performance", f"/pools/{pid}/performance")
    entries = [day.http("POST", f"/pools/{pid}/trades", trade)["id"] for _ in range(day.repeats)]
    day.measure(
        "POST /pools/{id}/entries/{entry}/reverse",
        lambda n: day.http("POST", f"/pools/{pid}/entries/{entries[n]}/reverse", {"reason": "booked twice"}),
    )
    day.route("GET", "/firm", "/firm", who="finance")
    day.route("GET", "/approvals", "/approvals", who="finance")
    day.http("PUT", f"/pools/{pid}/brokerage", {"broker": "demo", "account_id": "ACC-OPS"})
    day.http("POST", f"/pools/{pid}/brokerage/approve", who="finance")

    def webhook(n: int) -> Any:
        event = {
            "id": f"evt_ops_{n}_{time.time_ns()}",
            "type": "trade.executed",
            "created": int(time.time()),
            "data": {
                "account_id": "ACC-OPS",
                "trade_id": f"T-{n}-{time.time_ns()}",
                "symbol": "ACME",
                "side": "buy",
                "quantity": "1",
                "price": "20.00",
                "fees": "0.00",
            },
        }
        body = json.dumps(event).encode()
        signature = sign("demo-webhook-secret", int(time.time()), body)
        return day.http("POST", "/webhooks/demo", who=None, raw=body, headers={"Pooldesk-Signature": signature})

    day.measure("POST /webhooks/{broker} (broker)", webhook)


def _consumers(day: Day) -> None:
    """Each consumer on a batch as AWS would hand it: the stream records the day wrote, and market ticks."""
    import boto3

    import app
    from bench.prices import kinesis_batch, symbol
    from devstack.scheduler import scheduled_event
    from devstack.streams import lambda_record, stream_arn, streams_client

    db = boto3.client("dynamodb", region_name="us-east-1")
    streams = streams_client("us-east-1")

    def records(table: str, limit: int) -> list[dict[str, Any]]:
        arn = stream_arn(db, table)
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        got = streams.get_records(ShardIterator=it, Limit=limit)["Records"]
        return [lambda_record(r, arn, "us-east-1") for r in got]

    pool_records = records(os.environ["POOLS_TABLE"], 100)
    day.measure("notify_pool_changes (100 stream records)", lambda _n: app.notify_pool_changes({"Records": pool_records}, None))
    day.measure("send_alerts (100 stream records)", lambda _n: app.send_alerts({"Records": pool_records}, None))
    event_records = records(os.environ["EVENTS_TABLE"], 10)
    day.measure(
        f"apply_webhook_events ({len(event_records)} stream records)",
        lambda _n: app.apply_webhook_events({"Records": event_records}, None),
    )

    def ticks(_n: int) -> Any:
        return app.apply_market_ticks(kinesis_batch(100, 10, time.time()), None)

    day.measure("apply_market_ticks (100 ticks, 10 symbols)", ticks)
    day.route("GET", "/prices/{symbol}", f"/prices/{symbol(0)}")
    day.measure(
        "reconcile_ledgers (every pool)", lambda _n: app.reconcile_ledgers(scheduled_event("reconcile_ledgers"), None), repeats=1
    )


def run(*, repeats: int = REPEATS) -> Result:
    result = Result(
        key="operations",
        title="What each operation costs",
        what=(
            "Every API route of a manager's, finance's and a broker's day, and each consumer, through the app "
            "against in-process moto (the pool holds 41 investors when it distributes). DynamoDB requests, the "
            "critical path (the longest chain of requests each waiting on the one before), items read and "
            f"written, other AWS requests (Cognito, SES, the WebSocket API), and our own code's time: the median of "
            f"{repeats} calls' time less the time inside the SDK and moto."
        ),
        columns=["operation", "DynamoDB requests", "critical path", "items read", "items written", "other AWS", "our code"],
    )
    with _stage() as meter:
        day = Day(meter, repeats)
        try:
            _sign_in(day)
            _pools_day(day)
            _consumers(day)
        finally:
            day.close()
        result.rows = [row.cells() for row in day.rows]
    result.notes.append(
        "The critical path equals the requests wherever an operation's reads and writes follow one another; "
        "it is lower only where requests run concurrently."
    )
    return result


@contextmanager
def _stage() -> Iterator[Meter]:
    """In-process moto with every table, Cognito's demo logins, SES and the demo broker's
    secret, as the integration tests have them."""
    fake_aws_environment(ALERT_SENDER="alerts@pooldesk.example", APP_URL="https://pooldesk.example")
    import boto3
    from moto import mock_aws

    from chalicelib import wiring
    from chalicelib.resources import WEBHOOK_SECRET_PREFIX
    from chalicelib.services.people_ports import Standing
    from devstack import moto_patches
    from devstack.demo import DEMO_USERS
    from devstack.provision import provision_alert_mail, provision_cognito, provision_tables, provision_webhook_secrets

    moto_patches.install()
    meter = Meter()
    with mock_aws():
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        os.environ.update(provision_tables(boto3.client("dynamodb", region_name="us-east-1"), prefix="ops-"))
        os.environ.update(provision_alert_mail(boto3.client("ses", region_name="us-east-1"), "alerts@pooldesk.example"))
        ids = provision_cognito(boto3.client("cognito-idp", region_name="us-east-1"), DEMO_USERS)
        provision_webhook_secrets(
            boto3.client("secretsmanager", region_name="us-east-1"), WEBHOOK_SECRET_PREFIX, {"demo": ["demo-webhook-secret"]}
        )
        os.environ.update(COGNITO_USER_POOL_ID=ids.user_pool_id, COGNITO_CLIENT_ID=ids.client_id)
        # Before any client is made: a client copies the session's hooks when it is made.
        boto3.DEFAULT_SESSION.events.register("provide-client-params", meter.params)
        boto3.DEFAULT_SESSION.events.register("after-call", meter.answered)
        wiring.reset()
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        for user in DEMO_USERS:
            attrs = idp.admin_get_user(UserPoolId=ids.user_pool_id, Username=user.email)["UserAttributes"]
            sub = next(a["Value"] for a in attrs if a["Name"] == "sub")
            wiring.account_records().set_standing(sub, Standing(mfa_exempt=True))
        try:
            yield meter
        finally:
            wiring.reset()
            boto3.DEFAULT_SESSION = None
