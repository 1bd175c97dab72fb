from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from chalice.test import Client

from chalicelib import wiring
from chalicelib.resources import WEBHOOK_SECRET_PREFIX
from chalicelib.services.people_ports import Standing
from devstack.demo import DEMO_USERS
from devstack.provision import CognitoIds, provision_alert_mail, provision_cognito, provision_tables, provision_webhook_secrets
from tests.support.api import FINANCE, MANAGER, MANAGER2, Api, add_investor, contribute, make_pool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cognito(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[CognitoIds]:
    names = provision_tables(boto3.client("dynamodb", region_name="us-east-1"), prefix="test-")
    names.update(provision_alert_mail(boto3.client("ses", region_name="us-east-1"), "alerts@pooldesk.example"))
    ids = provision_cognito(boto3.client("cognito-idp", region_name="us-east-1"), DEMO_USERS)
    provision_webhook_secrets(
        boto3.client("secretsmanager", region_name="us-east-1"),
        WEBHOOK_SECRET_PREFIX,
        {"demo": ["demo-webhook-secret"], "rotating": ["new-secret", "old-secret"]},
    )
    for var, name in names.items():
        monkeypatch.setenv(var, name)
    monkeypatch.setenv("COGNITO_USER_POOL_ID", ids.user_pool_id)
    monkeypatch.setenv("COGNITO_CLIENT_ID", ids.client_id)
    monkeypatch.setenv("WEBSOCKET_URL", "ws://127.0.0.1:8001")
    monkeypatch.setenv("ALERT_SENDER", "alerts@pooldesk.example")
    monkeypatch.setenv("APP_URL", "https://pooldesk.example")
    monkeypatch.delenv("COGNITO_JWKS_URL", raising=False)
    wiring.reset()
    # As the local stack does: the demo staff sign in with passwords alone (invited staff need TOTP).
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    for user in DEMO_USERS:
        attrs = idp.admin_get_user(UserPoolId=ids.user_pool_id, Username=user.email)["UserAttributes"]
        sub = next(a["Value"] for a in attrs if a["Name"] == "sub")
        wiring.account_records().set_standing(sub, Standing(mfa_exempt=True))
    yield ids
    wiring.reset()


@pytest.fixture
def api(cognito: CognitoIds) -> Iterator[Api]:
    from app import app

    with Client(app, project_dir=str(ROOT)) as client:
        tokens = {}
        for role, user in (("manager", MANAGER), ("manager2", MANAGER2), ("finance", FINANCE)):
            resp = client.http.post(
                "/auth/login",
                headers={"Content-Type": "application/json"},
                body=json.dumps({"email": user.email, "password": user.password}).encode(),
            )
            assert resp.status_code == 200, resp.body
            tokens[role] = resp.json_body["access_token"]
        yield Api(client, tokens)


@pytest.fixture
def linked(api: Api) -> dict[str, str]:
    pid = make_pool(api)["id"]
    inv = add_investor(api, pid, "Alice")
    contribute(api, pid, inv["id"], "1000.00")
    resp = api.request("PUT", f"/pools/{pid}/brokerage", {"broker": "demo", "account_id": "ACC-1"})
    assert resp.status_code == 200, resp.body
    approved = api.post(f"/pools/{pid}/brokerage/approve", as_user="finance")  # a link needs finance's approval
    assert approved.status_code == 200, approved.body
    return {"pool_id": pid}
