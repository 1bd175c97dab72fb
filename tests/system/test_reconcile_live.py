"""`make reconcile` against the running local stack, with the demo feed moving prices."""

from __future__ import annotations

import boto3

from devstack.demo import DEMO_USERS
from devstack.launch import Stack
from tests.support.stack import login, wait_for_mail


def test_make_reconcile_finds_every_unit_and_cent_then_reports_a_hand_edit(stack: Stack) -> None:
    ok = stack.reconcile()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "every unit and cent reconciles" in ok.stdout

    manager = DEMO_USERS[0]
    session = login(stack.api, manager.email, manager.password)
    pid = session.post(f"{stack.api}/pools", json={"name": "Hand Edited Fund", "currency": "USD", "unit_price": "1.00"}).json()[
        "id"
    ]
    db = boto3.client(
        "dynamodb", region_name="us-east-1", endpoint_url=stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )

    def edit(delta: str) -> None:
        db.update_item(
            TableName="pooldesk-pools",
            Key={"PK": {"S": f"POOL#{pid}"}, "SK": {"S": "STATE"}},
            UpdateExpression="ADD cash :d",
            ExpressionAttributeValues={":d": {"N": delta}},
        )

    edit("12.34")
    try:
        drifted = stack.reconcile()
        assert drifted.returncode == 1, drifted.stdout + drifted.stderr
        assert "1 drifted" in drifted.stdout and "Hand Edited Fund" in drifted.stdout
        assert "cash: stored 12.34, ledger says 0.00 (difference +12.34)" in drifted.stdout
        assert wait_for_mail(stack, "Reconciliation: Hand Edited Fund does not match its ledger")
    finally:
        edit("-12.34")  # leave the shared stack reconciled for the tests after this one
    assert stack.reconcile().returncode == 0
