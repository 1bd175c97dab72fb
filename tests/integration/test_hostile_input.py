"""Hostile input, refused cleanly: a 4xx with a machine-readable code (and the
field, where one is to blame), never a 5xx, and nothing changed.

Forged claims and tokens signed by strangers are in test_tokens.py; every
route under another manager is in test_permissions.py; signatures in
test_webhooks.py. This file is the catalogue of shapes an attacker or a
broken client sends, each checked against a pool whose books must not move.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from chalicelib.api.http import MAX_BODY_BYTES
from tests.support.api import Api, add_investor, contribute, make_pool
from tests.support.tokens import claims, cognito_private_key
from tests.support.webhooks import SECRET, post_event, trade_event


@pytest.fixture
def target(api: Api) -> dict[str, str]:
    pid = make_pool(api, name="Target Fund")["id"]
    inv = add_investor(api, pid, "Alice")["id"]
    assert contribute(api, pid, inv, "500.00").status_code == 201
    assert api.request("PUT", f"/pools/{pid}/brokerage", {"broker": "demo", "account_id": "ACC-1"}).status_code == 200
    assert api.post(f"/pools/{pid}/brokerage/approve", as_user="finance").status_code == 200
    return {"pool_id": pid, "investor_id": inv}


def books(api: Api, pool_id: str) -> tuple[Any, Any, Any]:
    return (
        api.get(f"/pools/{pool_id}").json_body,
        api.get(f"/pools/{pool_id}/activity?limit=200").json_body,
        api.get(f"/pools/{pool_id}/investors").json_body,
    )


def refused(resp: Any, status: int, code: str, field: str | None = None) -> None:
    assert resp.status_code == status, resp.body
    error = json.loads(resp.body)["error"]
    assert error["code"] == code, error
    if field is not None:
        assert error["field"] == field, error
    assert error["message"]


# -- bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{" + b" " * MAX_BODY_BYTES + b"}", "body_too_large"),
        (b'{"amount": ' + b"[" * 5000 + b"]" * 5000 + b"}", "invalid_json"),  # deep nesting
        (b'{"amount": "1.00", "investor_id": "x", "amount": "9999.00"}', "invalid_json"),
        (b"\xff\xfe{}", "invalid_json"),  # not UTF-8
        (b'{"amount": NaN, "investor_id": "x"}', "invalid_json"),
        (b'{"amount": Infinity, "investor_id": "x"}', "invalid_json"),
        (b"[1, 2, 3]", "invalid_json"),
        (b"", "missing_body"),
    ],
    ids=["oversized", "deep", "duplicate-keys", "not-utf8", "nan", "infinity", "not-an-object", "empty"],
)
def test_malformed_bodies_are_400_and_move_nothing(api: Api, target: dict[str, str], raw: bytes, code: str) -> None:
    pid = target["pool_id"]
    before = books(api, pid)
    refused(api.request("POST", f"/pools/{pid}/contributions", raw=raw), 400, code)
    assert books(api, pid) == before


@pytest.mark.parametrize(
    "amount",
    [
        "-100.00",
        "0",
        "0.00",
        "1e6",
        "1E-2",
        "0x10",
        "1_000",
        "\uff11\uff12\uff13",  # fullwidth digits, which Python's Decimal would read as 123
        "\u0663",  # Arabic-Indic three
        "100.001",  # finer than the cent
        "9" * 39,
        "1" + "0" * 30 + ".00",
        "NaN",
        "Infinity",
        " ",
        "1.00\u200b",  # a zero-width space riding along
    ],
)
def test_amounts_that_are_not_plain_positive_decimals_are_refused_by_name(api: Api, target: dict[str, str], amount: str) -> None:
    pid = target["pool_id"]
    before = books(api, pid)
    resp = contribute(api, pid, target["investor_id"], amount)
    assert resp.status_code == 400, resp.body
    assert resp.json_body["error"]["field"] == "amount"
    assert books(api, pid) == before


@pytest.mark.parametrize("amount", [100, 100.5, True, None, ["1.00"], {"value": "1.00"}])
def test_amounts_that_are_not_strings_are_refused_by_name(api: Api, target: dict[str, str], amount: Any) -> None:
    pid = target["pool_id"]
    before = books(api, pid)
    resp = api.post(f"/pools/{pid}/contributions", {"investor_id": target["investor_id"], "amount": amount})
    refused(resp, 400, resp.json_body["error"]["code"], "amount")
    assert books(api, pid) == before


def test_a_huge_but_well_formed_withdrawal_is_refused_by_the_rules(api: Api, target: dict[str, str]) -> None:
    pid = target["pool_id"]
    before = books(api, pid)
    resp = api.post(f"/pools/{pid}/withdrawals", {"investor_id": target["investor_id"], "amount": "99999999999.99"})
    assert resp.status_code == 422 and resp.json_body["error"]["field"] in ("amount", "units")
    assert books(api, pid) == before


@pytest.mark.parametrize(
    "name",
    ["evil\u202egnp.exe", "tab\there\x00", "\u2066isolated\u2069", "   ", "x" * 121],
    ids=["rtl-override", "nul", "bidi-isolate", "blank", "too-long"],
)
def test_names_that_would_deceive_a_reader_are_refused(api: Api, target: dict[str, str], name: str) -> None:
    pid = target["pool_id"]
    before = books(api, pid)
    resp = api.post(f"/pools/{pid}/investors", {"name": name, "email": "x@example.com"})
    assert resp.status_code == 400 and resp.json_body["error"]["field"] == "name", resp.body
    assert books(api, pid) == before


def test_unknown_fields_and_query_parameters_are_named_not_ignored(api: Api, target: dict[str, str]) -> None:
    pid = target["pool_id"]
    body = {"investor_id": target["investor_id"], "amount": "1.00", "units": "999"}
    refused(api.post(f"/pools/{pid}/contributions", body), 400, "unknown_field", "units")
    refused(api.get(f"/pools/{pid}/activity?typ=contribution"), 400, "unknown_parameter", "typ")


# -- webhooks -----------------------------------------------------------------------------


def test_forged_stale_altered_and_replayed_webhooks_move_nothing(api: Api, target: dict[str, str]) -> None:
    pid = target["pool_id"]
    before = books(api, pid)
    forged = post_event(api, trade_event("evt-h1"), secret="guessed-secret")
    refused(forged, 401, "invalid_signature", "Pooldesk-Signature")
    stale = post_event(api, trade_event("evt-h2"), offset=-3600)  # a captured request, sent again an hour later
    refused(stale, 401, "stale_signature", "Pooldesk-Signature")
    from chalicelib.services.webhooks import sign

    body = json.dumps(trade_event("evt-h3")).encode()
    header = sign(SECRET, int(time.time()), body)
    altered = body.replace(b'"10"', b'"10000"')
    resp = api.request("POST", "/webhooks/demo", raw=altered, as_user=None, headers={"Pooldesk-Signature": header})
    refused(resp, 401, "invalid_signature")
    assert books(api, pid) == before

    first = post_event(api, trade_event("evt-h4", qty="1"))
    again = post_event(api, trade_event("evt-h4", qty="1"))  # replayed within the window: stored once
    assert first.status_code == 202 and again.status_code == 200
    assert again.json_body == {"status": "duplicate", "id": "evt-h4"}


# -- tokens --------------------------------------------------------------------------------


def test_expired_and_tampered_tokens_are_401_and_move_nothing(api: Api, target: dict[str, str], cognito: Any) -> None:
    import jwt

    pid = target["pool_id"]
    before = books(api, pid)
    body = {"investor_id": target["investor_id"], "amount": "1.00"}
    expired = jwt.encode(
        claims(cognito, exp=int(time.time()) - 60), cognito_private_key(), algorithm="RS256", headers={"kid": "dummy"}
    )
    refused(
        api.post(f"/pools/{pid}/contributions", body, as_user=None, headers={"Authorization": f"Bearer {expired}"}),
        401,
        "token_expired",
    )
    # Promote ourselves to finance by editing the payload of a real token: the signature no longer matches.
    head, payload, signature = api.tokens["manager"].split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded["cognito:groups"] = ["managers", "finance"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    tampered = f"{head}.{forged_payload}.{signature}"
    resp = api.post(f"/pools/{pid}/contributions", body, as_user=None, headers={"Authorization": f"Bearer {tampered}"})
    refused(resp, 401, "invalid_token")
    assert books(api, pid) == before


# -- tenancy --------------------------------------------------------------------------------


def test_another_tenants_ids_reach_nothing(api: Api, target: dict[str, str]) -> None:
    """manager2 cannot touch manager's pool, nor smuggle manager's investor into a pool of their own."""
    pid, alice = target["pool_id"], target["investor_id"]
    before = books(api, pid)
    body = {"investor_id": alice, "amount": "1.00"}
    refused(api.post(f"/pools/{pid}/withdrawals", body, as_user="manager2"), 404, "pool_not_found")
    theirs = make_pool(api, name="Other Tenant Fund", as_user="manager2")["id"]
    refused(api.post(f"/pools/{theirs}/contributions", body, as_user="manager2"), 404, "investor_not_found", "investor_id")
    assert books(api, pid) == before
