"""Each function's role (infrastructure/access.py) allows exactly what its code
does in AWS: every call a function makes while doing its work is declared, and
everything declared is used.

Each function is run against moto through a representative share of its work,
with every botocore call recorded and attributed to the function running.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from app import (
    alert_dead_letters,
    apply_market_ticks,
    apply_webhook_events,
    notify_pool_changes,
    reconcile_ledgers,
    send_alerts,
    ws_connect,
    ws_disconnect,
    ws_message,
)
from chalicelib import wiring
from chalicelib.resources import TABLES
from devstack.demo import DEMO_USERS
from devstack.scheduler import scheduled_event
from infrastructure.access import FUNCTION_ACCESS, FunctionAccess, chalice_functions
from tests.support.api import Api, add_investor, contribute, make_pool
from tests.support.events import TableStream as Stream
from tests.support.events import ws_event
from tests.support.people import sign_in_first_time
from tests.support.webhooks import post_event, trade_event

Need = tuple[str, ...]

# Calls that need no IAM permission: Cognito's public-client sign-in, every step of it.
UNSIGNED = {
    ("cognito-idp", op)
    for op in (
        "InitiateAuth",
        "RespondToAuthChallenge",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "GlobalSignOut",
        "GetUser",
    )
}
READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}


def table_named(name: str) -> str:
    for table in TABLES:
        if os.environ[table.env_var] == name:
            return table.logical_id
    raise AssertionError(f"a call to a table nobody declared: {name}")


def needs_of_call(service: str, operation: str, params: dict[str, Any]) -> set[Need]:
    """What IAM would have to allow for this one call."""
    if (service, operation) in UNSIGNED:
        return set()
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            found: set[Need] = set()
            for item in params["TransactItems"]:
                ((kind, body),) = item.items()
                found.add(("table", table_named(body["TableName"]), "read" if kind == "ConditionCheck" else "write"))
            return found
        level = "read" if operation in READS else "write" if operation in WRITES else operation
        names = params["RequestItems"] if "RequestItems" in params else [params["TableName"]]
        return {("table", table_named(name), level) for name in names}
    known = {
        ("secretsmanager", "GetSecretValue"): ("webhook_secrets",),
        ("ses", "SendEmail"): ("send_email",),
        ("cognito-idp", "ListUsersInGroup"): ("finance_directory",),
        ("cognito-idp", "ListUsers"): ("user_directory",),
        ("cognito-idp", "AdminCreateUser"): ("manage_users",),
        ("cognito-idp", "AdminAddUserToGroup"): ("manage_users",),
        ("cognito-idp", "AdminGetUser"): ("manage_users",),
        ("cognito-idp", "AdminListGroupsForUser"): ("manage_users",),
        ("cognito-idp", "AdminDisableUser"): ("manage_users",),
        ("cognito-idp", "AdminEnableUser"): ("manage_users",),
        ("cognito-idp", "AdminUserGlobalSignOut"): ("manage_users",),
        ("apigatewaymanagementapi", "PostToConnection"): ("push",),
        ("apigatewaymanagementapi", "DeleteConnection"): ("push",),
    }
    return {known.get((service, operation), ("undeclared", service, operation))}


def declared_needs(access: FunctionAccess) -> set[Need]:
    needs: set[Need] = set()
    for table, level in access.tables:
        if level in ("read", "read_write"):
            needs.add(("table", table.logical_id, "read"))
        if level in ("write", "read_write"):
            needs.add(("table", table.logical_id, "write"))
    for flag in ("webhook_secrets", "send_email", "finance_directory", "user_directory", "manage_users", "push"):
        if getattr(access, flag):
            needs.add((flag,))
    return needs


class Recorder:
    def __init__(self) -> None:
        self.acting: str | None = None
        self.needs: dict[str, set[Need]] = {}
        self.gone: set[str] = set()  # connections API Gateway answers 410 Gone for (moto never does)

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self.acting is not None:
            found = needs_of_call(model.service_model.service_name, model.name, params)
            self.needs.setdefault(self.acting, set()).update(found)

    def answer_gone(self, params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]] | None:
        if params["url_path"].rsplit("/", 1)[-1] not in self.gone:
            return None
        http = SimpleNamespace(status_code=410, headers={})
        return http, {"Error": {"Code": "GoneException", "Message": "gone"}, "ResponseMetadata": {"HTTPStatusCode": 410}}

    @contextmanager
    def acting_as(self, function: str) -> Iterator[None]:
        wiring.reset()  # each function runs in its own Lambda, with nothing cached from another
        self.acting = function
        try:
            yield
        finally:
            self.acting = None


@pytest.fixture
def recorder(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    # The real push client, against moto's management API, as in AWS.
    monkeypatch.setenv("WEBSOCKET_MANAGEMENT_URL", "https://abc123.execute-api.us-east-1.amazonaws.com/api")
    recording = Recorder()
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    boto3.DEFAULT_SESSION.events.register("before-parameter-build", recording)
    boto3.DEFAULT_SESSION.events.register("before-call.apigatewaymanagementapi.PostToConnection", recording.answer_gone)
    wiring.reset()  # clients are built again, from the session that records
    yield recording
    wiring.reset()
    boto3.DEFAULT_SESSION = None


def test_every_function_is_declared() -> None:
    assert sorted(FUNCTION_ACCESS) == sorted(chalice_functions())


def test_each_role_allows_exactly_what_its_function_does(api: Api, recorder: Recorder) -> None:
    manager = DEMO_USERS[0]
    pools = Stream("test-pooldesk-pools")
    events = Stream("test-pooldesk-events")

    with recorder.acting_as("APIHandler"):
        login = api.post("/auth/login", {"email": manager.email, "password": manager.password}, as_user=None)
        assert login.status_code == 200
        pid = make_pool(api, name="Least Privilege Fund")["id"]
        alice, bob = add_investor(api, pid, "Alice")["id"], add_investor(api, pid, "Bob")["id"]
        for investor, amount in ((alice, "900.00"), (bob, "100.00")):
            assert contribute(api, pid, investor, amount).status_code == 201
        assert api.post(f"/pools/{pid}/withdrawals", {"investor_id": alice, "amount": "300.00"}).status_code == 201
        trade = {"symbol": "ACME", "side": "buy", "quantity": "2", "price": "50"}
        assert api.post(f"/pools/{pid}/trades", trade).status_code == 201
        assert api.post(f"/pools/{pid}/distributions", {"amount": "10.00"}).status_code == 201
        assert api.request("PUT", f"/pools/{pid}/brokerage", {"broker": "demo", "account_id": "ACC-1"}).status_code == 200
        assert api.post(f"/pools/{pid}/brokerage/approve", as_user="finance").status_code == 200
        assert post_event(api, trade_event("evt-lp-1", qty="1")).status_code == 202
        # An account no pool is linked to: parked, and finance is emailed.
        fee = {"account_id": "NOBODY", "amount": "1.00", "description": "custody"}
        assert post_event(api, {"id": "evt-lp-2", "type": "fee.charged", "created": 1, "data": fee}).status_code == 202
        for path in (
            "/me",
            "/pools",
            f"/pools/{pid}",
            f"/pools/{pid}/investors?q=ali",
            f"/pools/{pid}/investors/{alice}/statement",
            f"/pools/{pid}/activity",
            f"/pools/{pid}/nav-history",
            f"/pools/{pid}/webhook-events",
            f"/pools/{pid}/alert-settings",
        ):
            assert api.get(path).status_code == 200, path
        assert api.get("/alerts", as_user="finance").status_code == 200
        invitation = {"email": "new.colleague@example.com", "role": "finance"}
        assert api.post("/staff/invitations", invitation, as_user="finance").status_code == 201
        invited = api.post(f"/pools/{pid}/investors/{alice}/invite")
        assert invited.status_code == 201, invited.body
        investor = sign_in_first_time(api, "alice@example.com")
        assert api.get("/me/holdings", as_user=None, headers=investor).status_code == 200
        assert api.get("/staff", as_user="finance").status_code == 200
        tickets = [api.post("/auth/ws-ticket").json_body["ticket"] for _ in range(2)]
        tickets.append(api.post("/auth/ws-ticket", as_user=None, headers=investor).json_body["ticket"])

    arrived = events.batch()  # read as the event source mapping would, not as the function
    with recorder.acting_as("ApplyWebhookEvents"):
        assert apply_webhook_events(arrived, None) == {"batchItemFailures": []}

    for connection, ticket in zip(("conn-1", "conn-gone", "conn-investor"), tickets, strict=True):
        with recorder.acting_as("WebsocketConnect"):
            assert ws_connect(ws_event("$connect", connection, ticket=ticket), None)["statusCode"] == 200
        with recorder.acting_as("WebsocketMessage"):
            ws_message(ws_event("$default", connection, body=json.dumps({"action": "subscribe", "pool_id": pid})), None)
    with recorder.acting_as("WebsocketMessage"):
        ws_message(ws_event("$default", "conn-1", body="not json"), None)
    recorder.gone.add("conn-gone")  # the browser went away without a $disconnect

    tick = {"symbol": "ACME", "price": "55.00", "ts": int(time.time())}
    data = base64.b64encode(json.dumps(tick).encode()).decode()
    with recorder.acting_as("ApplyMarketTicks"):
        record = {"kinesis": {"data": data, "sequenceNumber": "1", "partitionKey": "ACME"}}
        assert apply_market_ticks({"Records": [record]}, None) == {"batchItemFailures": []}

    changes = pools.batch()
    with recorder.acting_as("NotifyPoolChanges"):
        assert notify_pool_changes(changes, None) == {"batchItemFailures": []}
    with recorder.acting_as("SendAlerts"):
        assert send_alerts(changes, None) == {"batchItemFailures": []}

    letter = {"function": "apply_market_ticks", "reason": "failed after 3 retries", "record": {}}
    sqs = {"messageId": "m-1", "receiptHandle": "r", "body": json.dumps(letter), "attributes": {}, "messageAttributes": {}}
    with recorder.acting_as("AlertDeadLetters"):
        assert alert_dead_letters({"Records": [{**sqs, "eventSource": "aws:sqs"}]}, None) == {"batchItemFailures": []}

    with recorder.acting_as("APIHandler"):  # finance disables the investor: their connection is hung up
        assert api.post(f"/staff/{invited.json_body['user_id']}/disable", as_user="finance").status_code == 200

    with recorder.acting_as("WebsocketDisconnect"):
        ws_disconnect(ws_event("$disconnect", "conn-1"), None)

    # A hand edit the ledger does not explain: the nightly run finds it and emails finance.
    boto3.client("dynamodb").update_item(
        TableName=os.environ["POOLS_TABLE"],
        Key={"PK": {"S": f"POOL#{pid}"}, "SK": {"S": "STATE"}},
        UpdateExpression="ADD cash :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    with recorder.acting_as("ReconcileLedgers"):
        outcome = reconcile_ledgers(scheduled_event("reconcile_ledgers"), None)
        assert [p["pool_id"] for p in outcome["drifted"]] == [pid]

    for function, access in FUNCTION_ACCESS.items():
        done, declared = recorder.needs.get(function, set()), declared_needs(access)
        assert done - declared == set(), f"{function} does more than its role allows"
        assert declared - done == set(), f"{function}'s role allows more than it does"
