"""Four eyes through the API: a large withdrawal, a distribution or a reversal
that the pool's policy holds for finance moves nothing until finance (never the
requester) approves it; approval replays it once at the NAV of approval."""

from __future__ import annotations

from typing import Any

from app import send_alerts
from tests.support.api import Api, add_investor, contribute, error, make_pool
from tests.support.events import TableStream, sent_emails


def held_pool(api: Api, **policy: Any) -> tuple[str, str, str]:
    pid = make_pool(api, name="Checked Fund")["id"]
    alice, bob = (add_investor(api, pid, n)["id"] for n in ("Alice", "Bob"))
    contribute(api, pid, alice, "9000.00")
    contribute(api, pid, bob, "1000.00")
    resp = api.request("PUT", f"/pools/{pid}/approvals", policy)
    assert resp.status_code == 200, resp.body
    return pid, alice, bob


def test_a_large_withdrawal_waits_for_finance_and_then_pays_once_at_the_nav_of_approval(api: Api) -> None:
    pid, alice, bob = held_pool(api, withdrawal_over="0.10")
    policy = api.get(f"/pools/{pid}/approvals", as_user="finance").json_body
    assert policy == {
        "withdrawal_over": "0.10",
        "distributions": False,
        "reversals": False,
        "summary": "finance approves withdrawals of 10% of NAV or more",
    }
    # 999.99 is under 10% of 10,000.00: it pays at once.
    assert api.post(f"/pools/{pid}/withdrawals", {"investor_id": bob, "amount": "999.99"}).status_code == 201
    stream = TableStream("test-pooldesk-pools")
    stream.batch()
    body = {"investor_id": alice, "amount": "2000.00"}
    held = api.post(f"/pools/{pid}/withdrawals", body, headers={"Idempotency-Key": "big-1"})
    assert held.status_code == 202, held.body
    a = held.json_body
    assert (a["status"], a["operation"], a["request"]["amount"]) == ("awaiting_approval", "withdrawal", "2000.00")
    assert "is 22.2% of NAV" in a["why"]
    again = api.post(f"/pools/{pid}/withdrawals", body, headers={"Idempotency-Key": "big-1"})
    assert (again.status_code, again.json_body["approval_id"]) == (202, a["approval_id"])
    assert api.get(f"/pools/{pid}").json_body["cash"] == "9000.01"  # nothing moved
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    assert sent_emails()[-1].subject == "Checked Fund: a movement awaits your approval"

    inbox = api.get("/approvals?status=awaiting_approval", as_user="finance").json_body["items"]
    assert [x["approval_id"] for x in inbox] == [a["approval_id"]]
    assert api.get("/approvals", as_user="manager2").json_body["items"] == []  # not theirs
    mine = api.post(f"/approvals/{a['approval_id']}/approve")  # the requester is a manager: not finance
    assert (mine.status_code, error(mine)["code"]) == (403, "forbidden")

    ok = api.post(f"/approvals/{a['approval_id']}/approve", as_user="finance")
    assert ok.status_code == 200, ok.body
    approved = ok.json_body
    assert (approved["status"], approved["entry"]["type"], approved["entry"]["amount"]) == ("approved", "withdrawal", "2000.00")
    assert approved["entry_id"] == approved["entry"]["id"]
    assert approved["entry"]["investor_id"] == alice
    assert api.get(f"/pools/{pid}").json_body["cash"] == "7000.01"
    twice = api.post(f"/approvals/{a['approval_id']}/approve", as_user="finance")
    assert (twice.status_code, error(twice)["code"]) == (409, "approval_approved")
    assert api.get(f"/pools/{pid}").json_body["cash"] == "7000.01"
    steps = [e["type"] for e in api.get(f"/pools/{pid}/activity?limit=3").json_body["items"]]
    assert steps == ["approval.approved", "withdrawal", "approval.requested"]


def test_distributions_and_reversals_wait_and_a_rejection_moves_nothing(api: Api) -> None:
    pid, alice, _ = held_pool(api, distributions=True, reversals=True)
    held = api.post(f"/pools/{pid}/distributions", {"amount": "100.00"})
    assert held.status_code == 202, held.body
    no_reason = api.post(f"/approvals/{held.json_body['approval_id']}/reject", {"reason": " "}, as_user="finance")
    assert (no_reason.status_code, error(no_reason)["field"]) == (400, "reason")
    rejected = api.post(f"/approvals/{held.json_body['approval_id']}/reject", {"reason": "not this quarter"}, as_user="finance")
    assert (rejected.status_code, rejected.json_body["status"], rejected.json_body["reason"]) == (
        200,
        "rejected",
        "not this quarter",
    )
    assert api.get(f"/pools/{pid}").json_body["cash"] == "10000.00"
    late = api.post(f"/approvals/{held.json_body['approval_id']}/approve", as_user="finance")
    assert (late.status_code, error(late)["code"]) == (409, "approval_rejected")

    paid_in = api.get(f"/pools/{pid}/activity?type=contribution").json_body["items"][0]
    undo = api.post(f"/pools/{pid}/entries/{paid_in['id']}/reverse", {"reason": "wrong investor"})
    assert undo.status_code == 202, undo.body
    ok = api.post(f"/approvals/{undo.json_body['approval_id']}/approve", as_user="finance")
    assert ok.status_code == 200, ok.body
    assert (ok.json_body["entry"]["type"], ok.json_body["entry"]["reverses"]) == ("reversal", paid_in["id"])

    distributed = api.post(f"/pools/{pid}/distributions", {"amount": "90.00"}).json_body
    paid = api.post(f"/approvals/{distributed['approval_id']}/approve", as_user="finance").json_body
    assert (paid["entry"]["type"], paid["entry"]["amount"]) == ("distribution", "90.00")
    # Bob's contribution (the newest) was undone: Alice holds every unit, and is paid it all.
    assert api.get(f"/pools/{pid}/investors/{alice}").json_body["paid_out"] == "90.00"


def test_a_bad_policy_is_refused_and_only_the_manager_sets_it(api: Api) -> None:
    pid = make_pool(api)["id"]
    for body, field in (
        ({"withdrawal_over": "1.5"}, "withdrawal_over"),
        ({"withdrawal_over": "0"}, "withdrawal_over"),
        ({"withdrawal_over": 0.1}, "withdrawal_over"),
        ({"distributions": "yes"}, "distributions"),
    ):
        resp = api.request("PUT", f"/pools/{pid}/approvals", body)
        assert (resp.status_code, error(resp)["field"]) == (400, field), body
    assert api.request("PUT", f"/pools/{pid}/approvals", {"reversals": True}, as_user="finance").status_code == 403
    assert api.get(f"/pools/{pid}/approvals").json_body["summary"] == "no movement needs approval"
    assert api.get("/approvals/apr_nothing", as_user="finance").status_code == 404
    assert api.get("/approvals?status=maybe", as_user="finance").status_code == 400
