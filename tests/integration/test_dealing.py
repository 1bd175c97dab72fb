"""A pool's dealing policy through the API: instant by default, forward when set;
a forward pool takes no instant contributions or withdrawals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import MANAGER, Api, add_investor, contribute, error, make_pool

WEEKLY = {
    "mode": "forward",
    "frequency": "weekly",
    "cutoff": {"time": "16:00", "timezone": "Europe/London"},
    "redemption_notice_days": 5,
    "gate": "0.10",
    "lockup_days": 90,
    "early_redemption_fee": "0.02",
}


def test_a_pool_deals_at_once_until_its_manager_sets_it_to_deal_forward(api: Api) -> None:
    pid = make_pool(api)["id"]
    alice = add_investor(api, pid, "Alice")["id"]
    assert api.get(f"/pools/{pid}/dealing", as_user="finance").json_body["mode"] == "instant"
    assert api.get(f"/pools/{pid}").json_body["indicative"] is False
    assert contribute(api, pid, alice, "1000.00").status_code == 201

    resp = api.request("PUT", f"/pools/{pid}/dealing", WEEKLY)
    assert resp.status_code == 200, resp.body
    body = resp.json_body
    assert {k: body[k] for k in WEEKLY} == WEEKLY
    assert body["summary"] == (
        "forward, weekly, cut-off 16:00 Europe/London, 5 days' notice, gate 10%, lock-up 90 days (early redemption fee 2%)"
    )
    assert api.get(f"/pools/{pid}/dealing").json_body == body  # as stored
    pool = api.get(f"/pools/{pid}").json_body
    assert (pool["dealing_mode"], pool["indicative"]) == ("forward", True)
    (changed,) = api.get(f"/pools/{pid}/activity?type=pool.dealing_set").json_body["items"]
    assert changed["memo"] == body["summary"]
    assert changed["actor_name"] == f"{MANAGER.name} <{MANAGER.email}>"

    # Money now moves only through orders, at a struck NAV.
    for path, move in (
        ("contributions", {"investor_id": alice, "amount": "10.00"}),
        ("withdrawals", {"investor_id": alice, "units": "1"}),
    ):
        refused = api.post(f"/pools/{pid}/{path}", move)
        assert refused.status_code == 409
        assert error(refused)["code"] == "forward_dealing"
        assert f"/pools/{pid}/orders" in error(refused)["message"]
    assert api.get(f"/pools/{pid}").json_body["units"] == "1000.000000"

    # And back to instant.
    assert api.request("PUT", f"/pools/{pid}/dealing", {"mode": "instant"}).json_body["mode"] == "instant"
    assert contribute(api, pid, alice, "10.00").status_code == 201


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"mode": "instant", "gate": "0.10"}, "mode", "invalid_mode"),
        ({"mode": "forward", "cutoff": {"time": "16:00", "timezone": "Mars/Olympus"}}, "cutoff.timezone", "invalid_cutoff"),
        ({"mode": "forward", "cutoff": {"time": "4pm", "timezone": "UTC"}}, "cutoff.time", "invalid_cutoff"),
        ({"mode": "forward", "gate": "1.5"}, "gate", "invalid_gate"),
        ({"mode": "forward", "early_redemption_fee": "1"}, "early_redemption_fee", "invalid_early_redemption_fee"),
        ({"mode": "forward", "lockup_days": -1}, "lockup_days", "invalid_field"),
        ({"mode": "sometimes"}, "mode", "invalid_field"),
        ({"mode": "forward", "gate": 0.1}, "gate", "invalid_type"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field_and_changes_nothing(
    api: Api, body: dict[str, Any], field: str, code: str
) -> None:
    pid = make_pool(api)["id"]
    resp = api.request("PUT", f"/pools/{pid}/dealing", body)
    assert resp.status_code == 400, resp.body
    assert (error(resp)["field"], error(resp)["code"]) == (field, code)
    assert api.get(f"/pools/{pid}/dealing").json_body["mode"] == "instant"


def test_only_the_pools_manager_sets_its_dealing(api: Api) -> None:
    pid = make_pool(api)["id"]
    assert api.request("PUT", f"/pools/{pid}/dealing", WEEKLY, as_user="finance").status_code == 403
    assert api.request("PUT", f"/pools/{pid}/dealing", WEEKLY, as_user="manager2").status_code == 404
    assert api.get(f"/pools/{pid}/dealing", as_user="manager2").status_code == 404
    assert api.request("PUT", f"/pools/{pid}/dealing", WEEKLY).status_code == 200
    again = api.request("PUT", f"/pools/{pid}/dealing", WEEKLY)
    assert again.status_code == 409 and error(again)["code"] == "dealing_unchanged"
