"""A large withdrawal on the running stack reaches finance's inbox (moto's SES)."""

from __future__ import annotations

from devstack.demo import DEMO_USERS
from devstack.launch import Stack
from tests.support.stack import login, wait_for_mail

MANAGER = DEMO_USERS[0]


def test_a_large_withdrawal_is_emailed_to_finance(stack: Stack) -> None:
    s = login(stack.api, MANAGER.email, MANAGER.password)
    pid = s.post(f"{stack.api}/pools", json={"name": "Inbox Fund", "currency": "EUR"}, timeout=10).json()["id"]
    inv = s.post(f"{stack.api}/pools/{pid}/investors", json={"name": "Vera"}, timeout=10).json()["id"]
    s.post(f"{stack.api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "1000.00"}, timeout=10)
    s.post(f"{stack.api}/pools/{pid}/withdrawals", json={"investor_id": inv, "amount": "400.00"}, timeout=10)
    found = wait_for_mail(stack, "Large withdrawal from Inbox Fund: 400.00 EUR")
    assert len(found) == 1
    assert found[0]["destinations"]["ToAddresses"] == ["finance@example.com"]
    assert f"{stack.api}/#/pools/{pid}" in found[0]["body"]  # opens the pool in the web app


def test_a_poison_tick_ends_in_the_dead_letter_queue_and_finance_is_told(stack: Stack) -> None:
    import boto3

    kinesis = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url=stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )
    kinesis.put_record(StreamName="pooldesk-market-data", PartitionKey="BAD", Data=b"this is not a tick")
    found = wait_for_mail(stack, "A record could not be processed by apply_market_ticks")
    assert found, "the poison tick was neither retried into the DLQ nor reported"
