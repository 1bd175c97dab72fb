"""The API through chalice.test's gateway (no server), signed in, JSON in and out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalice.test import Client

from devstack.demo import DEMO_USERS


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


def error(resp: Any) -> dict[str, Any]:
    """The {code, message, field} of an error answer (which carries nothing else)."""
    body = resp.json_body
    assert set(body) == {"error"}, body
    return body["error"]


def make_pool(api: Api, name: str = "Growth Fund", currency: str = "USD", unit_price: str = "1.00", **kw: Any) -> dict[str, Any]:
    resp = api.post("/pools", {"name": name, "currency": currency, "unit_price": unit_price}, **kw)
    assert resp.status_code == 201, resp.body
    return resp.json_body


def add_investor(api: Api, pool_id: str, name: str, **kw: Any) -> dict[str, Any]:
    resp = api.post(f"/pools/{pool_id}/investors", {"name": name, "email": f"{name.lower()}@example.com"}, **kw)
    assert resp.status_code == 201, resp.body
    return resp.json_body


def contribute(api: Api, pool_id: str, investor_id: str, amount: str, **kw: Any) -> Any:
    return api.post(f"/pools/{pool_id}/contributions", {"investor_id": investor_id, "amount": amount}, **kw)


# The demo users the test stacks provision (devstack.demo), by role.
MANAGER, MANAGER2, FINANCE = DEMO_USERS
