"""Two managers and a finance user: isolation, read-only finance, no existence leak."""

from __future__ import annotations

import pytest

from tests.support.api import Api, add_investor, contribute, error, make_pool


@pytest.fixture
def pool(api: Api) -> dict[str, str]:
    pid = make_pool(api, name="Manager One's Fund")["id"]
    inv = add_investor(api, pid, "Alice")
    assert contribute(api, pid, inv["id"], "500.00").status_code == 201
    return {"pool_id": pid, "investor_id": inv["id"]}


READS = [
    "/pools/{pool_id}",
    "/pools/{pool_id}/investors",
    "/pools/{pool_id}/investors/{investor_id}",
    "/pools/{pool_id}/activity",
    "/pools/{pool_id}/nav-history",
]
WRITES = [
    ("PATCH", "/pools/{pool_id}", {"name": "Mine now"}),
    ("POST", "/pools/{pool_id}/investors", {"name": "Mallory"}),
    ("DELETE", "/pools/{pool_id}/investors/{investor_id}", None),
    ("POST", "/pools/{pool_id}/contributions", {"investor_id": "{investor_id}", "amount": "1.00"}),
    ("POST", "/pools/{pool_id}/withdrawals", {"investor_id": "{investor_id}", "amount": "1.00"}),
    ("POST", "/pools/{pool_id}/distributions", {"amount": "1.00"}),
    ("POST", "/pools/{pool_id}/trades", {"symbol": "X", "side": "buy", "quantity": "1", "price": "1"}),
]


def fill(text: str, pool: dict[str, str]) -> str:
    return text.format(**pool)


@pytest.mark.parametrize("path", READS)
def test_another_manager_gets_404_for_every_read(api: Api, pool: dict[str, str], path: str) -> None:
    resp = api.get(fill(path, pool), as_user="manager2")
    assert resp.status_code == 404
    assert error(resp)["code"] == "pool_not_found"


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_another_manager_gets_404_for_every_write_and_nothing_changes(
    api: Api, pool: dict[str, str], method: str, path: str, body: dict[str, str] | None
) -> None:
    before = api.get(fill("/pools/{pool_id}", pool)).json_body
    data = {k: fill(v, pool) for k, v in body.items()} if body else None
    resp = api.request(method, fill(path, pool), data, as_user="manager2")
    assert resp.status_code == 404
    assert api.get(fill("/pools/{pool_id}", pool)).json_body == before


def test_a_missing_pool_and_another_managers_pool_look_the_same(api: Api, pool: dict[str, str]) -> None:
    theirs = api.get(fill("/pools/{pool_id}", pool), as_user="manager2")
    missing = api.get("/pools/pl_00000000000000000000000000", as_user="manager2")
    assert theirs.status_code == missing.status_code == 404
    assert error(theirs)["code"] == error(missing)["code"]


def test_managers_list_only_their_own_pools(api: Api, pool: dict[str, str]) -> None:
    other = make_pool(api, name="Manager Two's Fund", as_user="manager2")
    mine = [p["id"] for p in api.get("/pools").json_body["items"]]
    theirs = [p["id"] for p in api.get("/pools", as_user="manager2").json_body["items"]]
    assert mine == [pool["pool_id"]]
    assert theirs == [other["id"]]


@pytest.mark.parametrize("path", READS)
def test_finance_reads_every_pool(api: Api, pool: dict[str, str], path: str) -> None:
    assert api.get(fill(path, pool), as_user="finance").status_code == 200


def test_finance_lists_pools_of_every_manager(api: Api, pool: dict[str, str]) -> None:
    other = make_pool(api, name="Manager Two's Fund", as_user="manager2")
    listed = {p["id"] for p in api.get("/pools", as_user="finance").json_body["items"]}
    assert listed == {pool["pool_id"], other["id"]}


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_finance_moving_money_or_changing_pools_is_403(
    api: Api, pool: dict[str, str], method: str, path: str, body: dict[str, str] | None
) -> None:
    before = api.get(fill("/pools/{pool_id}", pool)).json_body
    data = {k: fill(v, pool) for k, v in body.items()} if body else None
    resp = api.request(method, fill(path, pool), data, as_user="finance")
    assert resp.status_code == 403
    assert error(resp)["code"] == "forbidden"
    assert api.get(fill("/pools/{pool_id}", pool)).json_body == before


def test_finance_cannot_create_pools(api: Api) -> None:
    resp = api.post("/pools", {"name": "Finance Fund", "currency": "USD"}, as_user="finance")
    assert resp.status_code == 403
