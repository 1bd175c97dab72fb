from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib import wiring
from chalicelib.resources import WEBHOOK_SECRET_PREFIX
from devstack.demo import DEMO_USERS
from devstack.provision import CognitoIds, provision_alert_mail, provision_cognito, provision_tables, provision_webhook_secrets

ROOT = Path(__file__).resolve().parents[2]
MANAGER, MANAGER2, FINANCE = DEMO_USERS


@dataclass
class Api:
    """chalice.test's client with JSON in and out and a signed-in user."""

    client: Client
    tokens: dict[str, str]

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        as_user: str | None = "manager",
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Any:
        h = {"Content-Type": "application/json", **(headers or {})}
        if as_user:
            h["Authorization"] = f"Bearer {self.tokens[as_user]}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        return self.client.http.request(method, path, headers=h, body=data)

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.request("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.request("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)


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
