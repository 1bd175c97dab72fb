"""Idempotency-Key: the same key and body replays the first result; nothing moves twice."""

from __future__ import annotations

import pytest

from tests.support.api import Api, add_investor, contribute, error, make_pool


@pytest.fixture
def funded(api: Api) -> dict[str, str]:
    pid = make_pool(api)["id"]
    a = add_investor(api, pid, "Alice")
    b = add_investor(api, pid, "Bob")
    contribute(api, pid, a["id"], "600.00")
    contribute(api, pid, b["id"], "400.00")
    return {"pool_id": pid, "a": a["id"], "b": b["id"]}


def test_replayed_contribution_returns_the_first_entry_and_moves_nothing(api: Api, funded: dict[str, str]) -> None:
    pid = funded["pool_id"]
    key = {"Idempotency-Key": "contrib-2026-11-24-001"}
    first = contribute(api, pid, funded["a"], "100.00", headers=key)
    cash = api.get(f"/pools/{pid}").json_body["cash"]
    second = contribute(api, pid, funded["a"], "100.00", headers=key)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.json_body == first.json_body
    assert api.get(f"/pools/{pid}").json_body["cash"] == cash == "1100.00"


def test_same_key_with_another_body_is_422_and_moves_nothing(api: Api, funded: dict[str, str]) -> None:
    pid = funded["pool_id"]
    key = {"Idempotency-Key": "k-1"}
    contribute(api, pid, funded["a"], "100.00", headers=key)
    resp = contribute(api, pid, funded["a"], "200.00", headers=key)
    assert resp.status_code == 422
    assert error(resp)["code"] == "idempotency_key_reused"
    assert api.get(f"/pools/{pid}").json_body["cash"] == "1100.00"


def test_keys_are_per_operation(api: Api, funded: dict[str, str]) -> None:
    pid = funded["pool_id"]
    key = {"Idempotency-Key": "shared"}
    contribute(api, pid, funded["a"], "100.00", headers=key)
    resp = api.post(f"/pools/{pid}/withdrawals", {"investor_id": funded["a"], "amount": "100.00"}, headers=key)
    assert resp.status_code == 422


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("withdrawals", {"investor_id": "{a}", "amount": "50.00"}),
        ("distributions", {"amount": "30.00", "memo": "payout"}),
        ("trades", {"symbol": "ACME", "side": "buy", "quantity": "2", "price": "10", "fees": "0.10"}),
    ],
)
def test_every_money_route_replays(api: Api, funded: dict[str, str], path: str, body: dict[str, str]) -> None:
    pid = funded["pool_id"]
    data = {k: v.format(**funded) for k, v in body.items()}
    key = {"Idempotency-Key": f"replay-{path}"}
    first = api.post(f"/pools/{pid}/{path}", data, headers=key)
    after_first = api.get(f"/pools/{pid}").json_body
    second = api.post(f"/pools/{pid}/{path}", data, headers=key)
    assert first.status_code == 201, first.body
    assert second.status_code == 200
    assert second.json_body == first.json_body
    after_second = api.get(f"/pools/{pid}").json_body
    assert after_second == after_first
    investors = api.get(f"/pools/{pid}/investors").json_body["items"]
    if path == "distributions":
        assert sorted(i["paid_out"] for i in investors) == ["12.00", "18.00"]


@pytest.mark.parametrize("bad", ["", "x" * 129, "has space", "semi;colon", "ünïcode"])
def test_malformed_keys_are_400(api: Api, funded: dict[str, str], bad: str) -> None:
    resp = contribute(api, funded["pool_id"], funded["a"], "1.00", headers={"Idempotency-Key": bad})
    assert resp.status_code == 400
    assert error(resp)["field"] == "Idempotency-Key"
