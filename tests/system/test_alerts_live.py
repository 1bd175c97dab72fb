"""A large withdrawal on the running stack reaches finance's inbox (moto's SES)."""

from __future__ import annotations

import time

from devstack.demo import DEMO_USERS
from devstack.mail import sent_mail

from .conftest import Stack, login

MANAGER = DEMO_USERS[0]


def test_a_large_withdrawal_is_emailed_to_finance(stack: Stack) -> None:
    s = login(stack.api, MANAGER.email, MANAGER.password)
    pid = s.post(f"{stack.api}/pools", json={"name": "Inbox Fund", "currency": "EUR"}, timeout=10).json()["id"]
    inv = s.post(f"{stack.api}/pools/{pid}/investors", json={"name": "Vera"}, timeout=10).json()["id"]
    s.post(f"{stack.api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "1000.00"}, timeout=10)
    s.post(f"{stack.api}/pools/{pid}/withdrawals", json={"investor_id": inv, "amount": "400.00"}, timeout=10)
    subject = "Large withdrawal from Inbox Fund: 400.00 EUR"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = [m for m in sent_mail(stack.aws) if m.get("subject") == subject]
        if found:
            break
        time.sleep(0.3)
    assert len(found) == 1
    assert found[0]["destinations"]["ToAddresses"] == ["finance@example.com"]
    assert f"{stack.api}/pools/{pid}" in found[0]["body"]


def test_a_poison_tick_ends_in_the_dead_letter_queue_and_finance_is_told(stack: Stack) -> None:
    import boto3

    kinesis = boto3.client(
        "kinesis", region_name="us-east-1", endpoint_url=stack.aws, aws_access_key_id="x", aws_secret_access_key="x"
    )
    kinesis.put_record(StreamName="pooldesk-market-data", PartitionKey="BAD", Data=b"this is not a tick")
    subject = "A record could not be processed by apply_market_ticks"
    deadline = time.monotonic() + 30
    found: list[dict[str, object]] = []
    while time.monotonic() < deadline and not found:
        found = [m for m in sent_mail(stack.aws) if m.get("subject") == subject]
        time.sleep(0.3)
    assert found, "the poison tick was neither retried into the DLQ nor reported"
