"""Finance alerts by email (SES in moto), once per cause."""

from __future__ import annotations

import html
import json
import time
from typing import Any

import pytest

from app import apply_webhook_events, send_alerts
from chalicelib import wiring
from chalicelib.services.webhooks import sign
from tests.support.api import MANAGER, Api, add_investor, contribute, error, make_pool
from tests.support.events import TableStream as Stream
from tests.support.events import sent_emails


@pytest.fixture
def funded(api: Api) -> dict[str, str]:
    pid = make_pool(api, name="Alert Fund")["id"]
    a = add_investor(api, pid, "Alice")
    b = add_investor(api, pid, "Bob")
    contribute(api, pid, a["id"], "900.00")
    contribute(api, pid, b["id"], "100.00")
    return {"pool_id": pid, "a": a["id"], "b": b["id"]}


def test_a_large_withdrawal_emails_finance_once(api: Api, funded: dict[str, str]) -> None:
    stream = Stream("test-pooldesk-pools")
    stream.batch()
    api.post(f"/pools/{funded['pool_id']}/withdrawals", {"investor_id": funded["a"], "amount": "99.00"})  # 9.9%
    api.post(f"/pools/{funded['pool_id']}/withdrawals", {"investor_id": funded["a"], "amount": "200.00"})  # 22%
    batch = stream.batch()
    assert send_alerts(batch, None) == {"batchItemFailures": []}
    assert send_alerts(batch, None) == {"batchItemFailures": []}  # redelivered: nothing more
    mails = sent_emails()
    assert len(mails) == 1
    mail = mails[0]
    assert mail.destinations["ToAddresses"] == ["finance@example.com"]
    assert mail.subject == "Large withdrawal from Alert Fund: 200.00 USD"
    assert f"https://pooldesk.example/#/pools/{funded['pool_id']}" in mail.body
    # Who, by name and email, not by id alone.
    assert "Investor: Alice <alice@example.com>" in html.unescape(mail.body)
    assert f"Recorded by {MANAGER.name} <{MANAGER.email}>" in html.unescape(mail.body)


def test_a_manager_adds_recipients_but_cannot_take_finance_off_or_raise_its_threshold(api: Api, funded: dict[str, str]) -> None:
    """A manager could once remove finance and set the threshold to 100%: finance's own
    recipients and threshold are finance's to set, and apply whatever the manager sets."""
    pid = funded["pool_id"]
    resp = api.request(
        "PUT",
        f"/pools/{pid}/alert-settings",
        {"recipients": ["cfo@example.com", "ops@example.com"], "withdrawal_threshold": "1.00"},
    )
    assert resp.status_code == 200, resp.body
    shown = api.get(f"/pools/{pid}/alert-settings", as_user="finance").json_body
    assert (shown["recipients"], shown["finance_recipients"]) == (["cfo@example.com", "ops@example.com"], ["finance@example.com"])
    assert (shown["withdrawal_threshold"], shown["effective_withdrawal_threshold"]) == ("1.00", "0.10")
    stream = Stream("test-pooldesk-pools")
    stream.batch()
    api.post(f"/pools/{pid}/distributions", {"amount": "50.00", "memo": "Q4"})
    api.post(f"/pools/{pid}/withdrawals", {"investor_id": funded["a"], "amount": "200.00"})  # 21% of NAV
    send_alerts(stream.batch(), None)
    mails = sent_emails()
    assert [m.subject for m in mails] == [
        "Distribution paid from Alert Fund: 50.00 USD",
        "Large withdrawal from Alert Fund: 200.00 USD",
    ]
    assert mails[0].destinations["ToAddresses"] == ["finance@example.com", "cfo@example.com", "ops@example.com"]
    assert "to 2 investors" in mails[0].body


def test_finance_sets_its_own_recipients_and_the_threshold_every_pool_is_held_to(api: Api, funded: dict[str, str]) -> None:
    oversight = {"recipients": ["risk@example.com"], "withdrawal_threshold": "0.05"}
    refused = api.request("PUT", "/alerts/oversight", oversight)
    assert (refused.status_code, error(refused)["code"]) == (403, "forbidden")
    set_ = api.request("PUT", "/alerts/oversight", oversight, as_user="finance")
    assert set_.json_body == {**oversight, "finance_recipients": None, "effective_withdrawal_threshold": None}
    assert api.get("/alerts/oversight").json_body["recipients"] == ["risk@example.com"]  # managers may read it
    pid = funded["pool_id"]
    stream = Stream("test-pooldesk-pools")
    stream.batch()
    api.post(f"/pools/{pid}/withdrawals", {"investor_id": funded["b"], "amount": "60.00"})  # 6% of NAV: over finance's 5%
    send_alerts(stream.batch(), None)
    (mail,) = sent_emails()
    assert (mail.subject, mail.destinations["ToAddresses"]) == (
        "Large withdrawal from Alert Fund: 60.00 USD",
        ["risk@example.com"],
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [({"recipients": ["not-an-email"]}, "recipients"), ({"withdrawal_threshold": "1.5"}, "withdrawal_threshold")],
)
def test_bad_alert_settings_are_refused(api: Api, funded: dict[str, str], body: dict[str, Any], field: str) -> None:
    resp = api.request("PUT", f"/pools/{funded['pool_id']}/alert-settings", body)
    assert resp.status_code == 400 and error(resp)["field"] == field
    assert api.request("PUT", f"/pools/{funded['pool_id']}/alert-settings", {}, as_user="finance").status_code == 403


def test_a_parked_webhook_event_emails_finance(api: Api) -> None:
    stream = Stream("test-pooldesk-events")
    event = {
        "id": "evt-parked",
        "type": "fee.charged",
        "created": 1,
        "data": {"account_id": "NOBODY", "amount": "1.00", "description": "custody"},
    }
    body = json.dumps(event).encode()
    api.request(
        "POST",
        "/webhooks/demo",
        raw=body,
        as_user=None,
        headers={"Pooldesk-Signature": sign("demo-webhook-secret", int(time.time()), body)},
    )
    batch = stream.batch()
    apply_webhook_events(batch, None)
    apply_webhook_events(batch, None)
    mails = sent_emails()
    assert [m.subject for m in mails] == ["Brokerage event parked: fee.charged from demo"]
    assert "NOBODY" in mails[0].body


def test_an_email_that_fails_is_sent_by_the_retry(api: Api, funded: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    stream = Stream("test-pooldesk-pools")
    stream.batch()
    api.post(f"/pools/{funded['pool_id']}/distributions", {"amount": "10.00"})
    batch = stream.batch()
    mailer = wiring.alerts().mailer
    real = mailer.send

    def refuse(email: Any) -> None:
        raise ConnectionError("injected: SES refused")

    monkeypatch.setattr(mailer, "send", refuse)
    failed = send_alerts(batch, None)["batchItemFailures"]
    assert len(failed) == 1 and sent_emails() == []
    monkeypatch.setattr(mailer, "send", real)
    send_alerts(batch, None)
    assert len(sent_emails()) == 1


def test_a_dead_letter_is_emailed_to_finance_once(api: Api) -> None:
    from app import alert_dead_letters

    letter = {
        "function": "apply_market_ticks",
        "reason": "failed after 3 retries",
        "record": {"kinesis": {"sequenceNumber": "42"}},
    }
    event = {
        "Records": [
            {
                "messageId": "m-1",
                "receiptHandle": "r",
                "body": json.dumps(letter),
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:pooldesk-market-ticks-dlq",
                "awsRegion": "us-east-1",
            }
        ]
    }
    assert alert_dead_letters(event, None) == {"batchItemFailures": []}
    assert alert_dead_letters(event, None) == {"batchItemFailures": []}
    mails = sent_emails()
    assert [m.subject for m in mails] == ["A record could not be processed by apply_market_ticks"]
    assert "&quot;sequenceNumber&quot;: &quot;42&quot;" in mails[0].body  # moto keeps the HTML part


def test_a_nav_per_unit_move_over_5_percent_in_a_day_alerts_once(api: Api) -> None:
    import base64

    from app import apply_market_ticks

    pools = {}
    for name, symbol in (("Mover", "MOVR"), ("Steady", "STDY")):
        pid = make_pool(api, name=name)["id"]
        inv = add_investor(api, pid, "Ann")
        contribute(api, pid, inv["id"], "1000.00")
        api.post(f"/pools/{pid}/trades", {"symbol": symbol, "side": "buy", "quantity": "10", "price": "50"})
        pools[name] = pid
    stream = Stream("test-pooldesk-pools")
    stream.batch()

    def tick(symbol: str, price: str, ts: int) -> None:
        data = base64.b64encode(json.dumps({"symbol": symbol, "price": price, "ts": ts}).encode()).decode()
        apply_market_ticks({"Records": [{"kinesis": {"data": data, "sequenceNumber": str(ts)}}]}, None)

    tick("MOVR", "56.00", 100)  # NAV 500 + 560: +6.0%
    tick("STDY", "53.00", 100)  # +3.0%: no alert
    tick("MOVR", "58.00", 101)  # +8.0%, same day: already told
    assert send_alerts(stream.batch(), None) == {"batchItemFailures": []}
    assert [m.subject for m in sent_emails()] == ["Mover: NAV per unit up 6.00% today"]


def test_a_distribution_is_not_mistaken_for_the_market_falling(api: Api) -> None:
    import base64

    from app import apply_market_ticks

    pid = make_pool(api, name="Payer")["id"]
    inv = add_investor(api, pid, "Pam")
    contribute(api, pid, inv["id"], "1000.00")
    api.post(f"/pools/{pid}/trades", {"symbol": "PAYR", "side": "buy", "quantity": "10", "price": "50"})
    stream = Stream("test-pooldesk-pools")

    def tick(price: str, ts: int) -> None:
        data = base64.b64encode(json.dumps({"symbol": "PAYR", "price": price, "ts": ts}).encode()).decode()
        apply_market_ticks({"Records": [{"kinesis": {"data": data, "sequenceNumber": str(ts)}}]}, None)

    tick("50.50", 1)  # +0.5%: opens the day at 1.000000
    send_alerts(stream.batch(), None)
    api.post(f"/pools/{pid}/distributions", {"amount": "200.00"})  # NAV per unit falls ~20%
    send_alerts(stream.batch(), None)
    tick("51.00", 2)  # the market is up, not down
    batch = stream.batch()
    send_alerts(batch, None)
    send_alerts(batch, None)
    assert [m.subject for m in sent_emails()] == ["Distribution paid from Payer: 200.00 USD"]


def test_finance_sees_every_alert_sent_in_the_alert_log(api: Api, funded: dict[str, str]) -> None:
    stream = Stream("test-pooldesk-pools")
    stream.batch()
    api.post(f"/pools/{funded['pool_id']}/distributions", {"amount": "10.00", "memo": "Q4"})
    batch = stream.batch()
    send_alerts(batch, None)
    send_alerts(batch, None)  # redelivered: still one alert in the log
    log = api.get("/alerts", as_user="finance").json_body
    assert len(log["items"]) == 1
    alert = log["items"][0]
    assert alert["pool_id"] == funded["pool_id"] and alert["recipients"] == ["finance@example.com"]
    assert alert["subject"] == sent_emails()[0].subject
    assert api.get("/alerts").status_code == 403  # managers have no alert log


def test_the_alert_log_pages_newest_first(api: Api, funded: dict[str, str]) -> None:
    stream = Stream("test-pooldesk-pools")
    stream.batch()
    for memo in ("first", "second"):
        api.post(f"/pools/{funded['pool_id']}/distributions", {"amount": "1.00", "memo": memo})
    send_alerts(stream.batch(), None)
    first = api.get("/alerts?limit=1", as_user="finance").json_body
    second = api.get(f"/alerts?limit=1&cursor={first['next_cursor']}", as_user="finance").json_body
    texts = [first["items"][0]["text"], second["items"][0]["text"]]
    assert "second" in texts[0] and "first" in texts[1]
    bad = api.get("/alerts?cursor=bm9wZQ", as_user="finance")
    assert bad.status_code == 400
