"""Schemathesis against /openapi.json on a running local stack: whatever it
sends, within the schema or not, no request is answered with a 5xx, every
answer matches the schema (status, content type, body, headers), requests
that break the schema are refused, and undeclared methods get 405.

One check is left out: ``positive_data_acceptance`` expects every schema-valid
request to succeed, but the accounting rules refuse well-formed requests by
design (more than the pool's cash, an unsupported currency, a cursor this API
never issued), with 400 or 422 and the field named.

Path ids are replaced, most of the time, by ids that exist, so bodies are
fuzzed against a real pool and investor rather than bouncing off a 404.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from devstack.demo import DEMO_USERS
from devstack.launch import Stack
from devstack.launch import launch as start_stack
from tests.support.stack import login


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # Its own stack: fuzzing creates pools and moves money, and the other system tests count on the demo data.
    running = start_stack(tmp_path_factory.mktemp("fuzz"), "--no-feed")
    yield running
    assert running.stop() == 0, running.log.read_text()


@pytest.fixture(scope="module")
def real_ids(fuzzed_stack: Stack) -> dict[str, Any]:
    manager = DEMO_USERS[0]
    session = login(fuzzed_stack.api, manager.email, manager.password)
    api = fuzzed_stack.api
    pool = session.post(f"{api}/pools", json={"name": "Fuzz Target", "currency": "USD", "unit_price": "1.00"}).json()
    investor = session.post(f"{api}/pools/{pool['id']}/investors", json={"name": "Fuzz", "email": "f@example.com"}).json()
    # Deep pockets: most fuzzed withdrawals and trades then fit, and reach the accounting rather than its refusals.
    session.post(f"{api}/pools/{pool['id']}/contributions", json={"investor_id": investor["id"], "amount": "1000000000.00"})
    paid = session.post(f"{api}/pools/{pool['id']}/distributions", json={"amount": "1.00"}).json()
    # Fuzzing how a pool deals or whether it is open happens on a pool of its own, so the
    # money routes keep meeting an open, instant pool (a closed or forward one refuses them).
    settings_pool = session.post(f"{api}/pools", json={"name": "Fuzz Settings", "currency": "USD", "unit_price": "1.00"}).json()
    return {
        "token": session.headers["Authorization"],
        "pool_id": pool["id"],
        "settings_pool_id": settings_pool["id"],
        "investor_id": investor["id"],
        "entry_id": paid["id"],
    }


@pytest.fixture(scope="module")
def api_schema(fuzzed_stack: Stack) -> Any:
    return schemathesis.openapi.from_url(f"{fuzzed_stack.api}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")
# How a pool deals, what finance approves first and whether it is open are fuzzed on a pool of their own, so
# the money routes keep meeting an open pool that moves money at once.
SETTINGS_ROUTES = {("PUT", "/pools/{pool_id}/dealing"), ("PUT", "/pools/{pool_id}/approvals"), ("PATCH", "/pools/{pool_id}")}
ANSWERS: list[tuple[str, int]] = []
CODES: list[tuple[str, int, str]] = []  # each refusal's code, for the guard's message


@schema.parametrize()
# Derandomized: the same requests every run, so a failure reproduces and CI never flakes.
@settings(max_examples=12, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_5xx_or_an_answer_off_the_schema(case: Any, real_ids: dict[str, Any], fuzzed_stack: Stack) -> None:
    # Real ids only where the case means to be valid: a case breaking the schema stays broken.
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    params = {} if negative else (case.path_parameters or {})
    for name in ("pool_id", "investor_id", "entry_id"):
        # Mostly the real id; now and then the generated one, to fuzz the lookups too.
        if name in params and zlib.crc32(str(params[name]).encode()) % 4 != 0:
            params[name] = real_ids[name]
    if "pool_id" in params and (case.operation.method.upper(), case.operation.path) in SETTINGS_ROUTES:
        params["pool_id"] = real_ids["settings_pool_id"]
    if case.operation.path == "/webhooks/{broker}" and not negative:
        params["broker"] = "demo"
    if (
        not negative
        and isinstance(case.body, dict)
        and "investor_id" in case.body
        and zlib.crc32(str(case.body["investor_id"]).encode()) % 4
    ):
        case.body["investor_id"] = real_ids["investor_id"]
    # A real token wherever the case carries one; a case testing a missing one keeps it missing.
    signed_in = {"Authorization": real_ids["token"]} if "Authorization" in (case.headers or {}) else None
    if case.operation.path == "/auth/logout":
        signed_in = None  # signing out everywhere would refuse the shared token for every case after it
    response = case.call_and_validate(
        base_url=fuzzed_stack.api,
        headers=signed_in,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
        timeout=30,
    )
    if case.method.upper() == case.operation.method.upper():  # not an undeclared-method probe
        ANSWERS.append((f"{case.method.upper()} {case.operation.path}", response.status_code))
        body = response.json() if "json" in response.headers.get("Content-Type", "") else None
        if response.status_code >= 400 and isinstance(body, dict) and isinstance(body.get("error"), dict):
            CODES.append((f"{case.method.upper()} {case.operation.path}", response.status_code, str(body["error"].get("code"))))


def test_the_fuzz_reached_past_sign_in_and_validation(fuzzed_stack: Stack) -> None:
    """Guard on the harness: most operations answered 2xx at least once, so the
    fuzz exercised the use cases, not only the token check."""
    answered_ok = {op for op, status in ANSWERS if status < 300}
    assert len({op for op, _ in ANSWERS}) >= 30
    must_have_worked = {
        "POST /pools",
        "PATCH /pools/{pool_id}",
        "POST /pools/{pool_id}/investors",
        "POST /pools/{pool_id}/contributions",
        "POST /pools/{pool_id}/withdrawals",
        "POST /pools/{pool_id}/distributions/preview",
        "GET /pools/{pool_id}/activity",
        "PUT /pools/{pool_id}/alert-settings",
    }
    missing = must_have_worked - answered_ok
    assert not missing, sorted({answer for answer in CODES if answer[0] in missing})


def test_the_fuzzed_books_still_reconcile(fuzzed_stack: Stack) -> None:
    done = fuzzed_stack.reconcile()
    assert done.returncode == 0, done.stdout + done.stderr
