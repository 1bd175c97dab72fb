"""Reconciliation: every pool's stored balances against a fold of its ledger,
run as the nightly schedule runs it, with finance emailed about drift."""

from __future__ import annotations

import os
from decimal import Decimal as D
from typing import Any

import boto3
import pytest

from app import reconcile_ledgers
from chalicelib import wiring
from chalicelib.adapters.pool_repository import DynamoPoolRepository
from chalicelib.services.reconciliation import Reconciliation
from devstack.scheduler import scheduled_event
from tests.support.api import Api, add_investor, contribute, make_pool
from tests.support.events import sent_emails


def nightly() -> dict[str, Any]:
    return dict(reconcile_ledgers(scheduled_event("reconcile_ledgers"), None))


def tamper(pool_id: str, sk: str, expression: str, values: dict[str, Any]) -> None:
    """A write that bypasses the ledger, as a bug or a hand edit in the console would."""
    boto3.client("dynamodb", region_name="us-east-1").update_item(
        TableName=os.environ["POOLS_TABLE"],
        Key={"PK": {"S": f"POOL#{pool_id}"}, "SK": {"S": sk}},
        UpdateExpression=expression,
        ExpressionAttributeValues=values,
    )


@pytest.fixture
def busy_pool(api: Api) -> dict[str, str]:
    """A pool that has seen every kind of money movement."""
    pid = make_pool(api, name="Reconciled Fund")["id"]
    a, b, c = (add_investor(api, pid, n)["id"] for n in ("Alice", "Bob", "Carol"))
    for investor, amount in ((a, "1000.00"), (b, "333.33"), (c, "50.00")):
        assert contribute(api, pid, investor, amount).status_code == 201
    assert api.post(f"/pools/{pid}/withdrawals", {"investor_id": b, "amount": "33.33"}).status_code == 201
    trade = {"symbol": "ACME", "side": "buy", "quantity": "3", "price": "101.25", "fees": "1.00"}
    assert api.post(f"/pools/{pid}/trades", trade).status_code == 201
    assert api.post(f"/pools/{pid}/distributions", {"amount": "10.01"}).status_code == 201
    held = api.get(f"/pools/{pid}/investors/{c}").json_body["units"]
    assert api.post(f"/pools/{pid}/withdrawals", {"investor_id": c, "units": held}).status_code == 201
    assert api.delete(f"/pools/{pid}/investors/{c}").status_code == 200
    return {"pool_id": pid, "a": a, "b": b, "c": c}


def test_a_pool_with_every_kind_of_movement_reconciles_and_nobody_is_emailed(api: Api, busy_pool: dict[str, str]) -> None:
    make_pool(api, name="Empty Fund")
    outcome = nightly()
    assert outcome["pools"] == 2
    assert outcome["entries"] >= 12
    assert outcome["drifted"] == [] and outcome["unsettled"] == []
    assert "every unit and cent reconciles" in outcome["summary"]
    assert sent_emails() == []


def test_cash_changed_behind_the_ledgers_back_is_found_and_finance_is_emailed_once(api: Api, busy_pool: dict[str, str]) -> None:
    pid = busy_pool["pool_id"]
    tamper(pid, "STATE", "ADD cash :d", {":d": {"N": "0.01"}})
    outcome = nightly()
    assert [p["pool_id"] for p in outcome["drifted"]] == [pid]
    (drift,) = outcome["drifted"][0]["drift"]
    assert drift.startswith("cash: stored ") and drift.endswith("(difference +0.01)")
    (mail,) = sent_emails()
    assert mail.destinations["ToAddresses"] == ["finance@example.com"]
    assert mail.subject == "Reconciliation: Reconciled Fund does not match its ledger"
    assert "difference +0.01" in mail.body

    nightly()  # the same drift on the same day: no second email
    assert len(sent_emails()) == 1
    tamper(pid, "STATE", "ADD units :d", {":d": {"N": "-1"}})
    nightly()  # a new difference is told at once
    assert len(sent_emails()) == 2
    assert "units: stored" in sent_emails()[1].body


@pytest.mark.parametrize(
    ("sk", "expression", "value", "figure"),
    [
        ("INVESTOR#{a}", "ADD #f :d", "1.5", "investor {a} units"),
        ("INVESTOR#{b}", "ADD #f :d", "0.01", "investor {b} paid out"),
        ("STATE", "SET #f.ACME.quantity = :d", "4", "position ACME quantity"),
    ],
    ids=["investor units", "investor paid out", "position quantity"],
)
def test_each_stored_figure_is_checked(
    api: Api, busy_pool: dict[str, str], sk: str, expression: str, value: str, figure: str
) -> None:
    pid = busy_pool["pool_id"]
    attribute = {"investor {a} units": "units", "investor {b} paid out": "paid_out"}.get(figure, "positions")
    boto3.client("dynamodb", region_name="us-east-1").update_item(
        TableName=os.environ["POOLS_TABLE"],
        Key={"PK": {"S": f"POOL#{pid}"}, "SK": {"S": sk.format(**busy_pool)}},
        UpdateExpression=expression,
        ExpressionAttributeNames={"#f": attribute},
        ExpressionAttributeValues={":d": {"N": value}},
    )
    (pool,) = nightly()["drifted"]
    assert [d.split(":")[0] for d in pool["drift"]] == [figure.format(**busy_pool)]


def test_a_command_landing_while_a_pool_is_read_is_not_mistaken_for_drift(api: Api, busy_pool: dict[str, str]) -> None:
    pid, a = busy_pool["pool_id"], busy_pool["a"]
    repo = wiring.pool_service().repo
    assert isinstance(repo, DynamoPoolRepository)
    real_movements = repo.movements
    landed: list[int] = []

    def ledger_read_mid_contribution(pool_id: str) -> list[Any]:
        entries = real_movements(pool_id)  # read before the contribution commits...
        if not landed:
            landed.append(contribute(api, pid, a, "25.00").status_code)  # ...the pool moves on
        return entries

    told: list[str] = []
    reconciliation = Reconciliation(repo, lambda pool, result: told.append(pool.id))
    repo.movements = ledger_read_mid_contribution  # type: ignore[method-assign]
    result = reconciliation.pool(pid)
    assert landed == [201]
    assert result.reconciled and told == []
    assert result.entries == len(real_movements(pid))  # the second, settled snapshot


def test_when_finance_cannot_be_emailed_the_run_fails_loudly_after_checking_every_pool(
    api: Api, busy_pool: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = busy_pool["pool_id"]
    other = make_pool(api, name="Second Fund")["id"]
    tamper(pid, "STATE", "ADD cash :d", {":d": {"N": "5"}})
    tamper(other, "STATE", "ADD cash :d", {":d": {"N": "7"}})

    def refuse(email: Any) -> None:
        raise ConnectionError("injected: SES refused the message")

    mailer = wiring.alerts().mailer
    monkeypatch.setattr(mailer, "send", refuse)
    with pytest.raises(RuntimeError, match="finance could not be emailed") as failure:
        nightly()
    assert pid in str(failure.value) and other in str(failure.value)
    # The claims were released: the next run (EventBridge retries a failed invocation) tells finance.
    monkeypatch.setattr(mailer, "send", type(mailer).send.__get__(mailer))
    nightly()
    assert sorted(m.subject for m in sent_emails()) == [
        "Reconciliation: Reconciled Fund does not match its ledger",
        "Reconciliation: Second Fund does not match its ledger",
    ]


def test_a_share_booked_twice_would_be_found(api: Api, busy_pool: dict[str, str]) -> None:
    """Paying an investor twice shows as paid out beyond what the ledger distributed."""
    pid, a = busy_pool["pool_id"], busy_pool["a"]
    repo = wiring.pool_service().repo
    paid = repo.paid_out(pid)
    assert sum(paid.values()) == D("10.01")
    tamper(pid, "INVESTOR#" + a, "ADD paid_out :d", {":d": {"N": str(paid[a])}})
    (pool,) = nightly()["drifted"]
    assert pool["drift"] == [f"investor {a} paid out: stored {paid[a] * 2}, ledger says {paid[a]} (difference +{paid[a]})"]
