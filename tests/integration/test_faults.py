"""Faults injected where AWS would raise them, each ending in the same three
checks: the books reconcile, nothing was applied twice, and the failure was
visible (an error answer, a failed batch item, a log line, a metric).

DynamoDB's errors are injected under boto3 (a ``before-send`` hook answering
as DynamoDB would), so the SDK's own retries and our error handling run for
real; the other faults replace one call of one collaborator.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from app import apply_market_ticks, apply_webhook_events, send_alerts
from chalicelib import wiring
from chalicelib.services.reconciliation import Reconciliation
from tests.support.api import Api, add_investor, contribute, make_pool
from tests.support.events import EVENTS, TableStream, kinesis_batch, sent_emails
from tests.support.events import TableStream as Stream
from tests.support.live import connect, subscribe
from tests.support.webhooks import post_event, trade_event


class _Body(io.BytesIO):
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.read()


class DynamoFaults:
    """Answer chosen DynamoDB calls with an AWS error, ``times`` times.

    ``landed=False``: DynamoDB refused; the request never reached the table.
    ``landed=True``: the write was applied but its answer was lost and replaced
    by the error (a timeout after the commit), so the SDK or our code retries
    something that already happened.
    """

    def __init__(self) -> None:
        self.rules: list[dict[str, Any]] = []
        self.answered: list[str] = []
        self.client = wiring.dynamodb()
        # Ahead of moto's own before-send handler, which serves the request in-process.
        self.client.meta.events.register_first("before-send.dynamodb", self._send)

    def fail(self, operation: str, code: str, *, times: int, landed: bool = False, extra: dict[str, Any] | None = None) -> None:
        self.rules.append({"operation": operation, "code": code, "times": times, "landed": landed, "extra": extra or {}})

    def clear(self) -> None:
        self.rules.clear()

    def _send(self, request: Any, **_: Any) -> AWSResponse | None:
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]
        for rule in self.rules:
            if rule["operation"] == operation and rule["times"] > 0:
                rule["times"] -= 1
                self.answered.append(f"{operation}:{rule['code']}")
                if not rule["landed"]:
                    request.url = "https://refused.invalid/"  # moto serves nothing it does not recognise
                error = {"__type": f"com.amazonaws.dynamodb.v20120810#{rule['code']}", "message": "injected", **rule["extra"]}
                body = json.dumps(error)
                return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0"}, _Body(body.encode()))
        return None


@pytest.fixture
def faults(api: Api) -> DynamoFaults:
    return DynamoFaults()


@pytest.fixture
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The SDK's retry back-offs, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", slept.append)
    return slept


def reconciled() -> bool:
    told: list[str] = []
    report = Reconciliation(wiring.pool_service().repo, lambda pool, result: told.append(pool.id)).run()
    assert not report.unsettled
    return not report.drifted and not told


def entries(api: Api, pool_id: str, type_: str) -> list[dict[str, Any]]:
    items = api.get(f"/pools/{pool_id}/activity?limit=200").json_body["items"]
    return [e for e in items if e["type"] == type_]


@pytest.fixture
def fund(api: Api) -> dict[str, str]:
    pid = make_pool(api, name="Faulty Fund")["id"]
    a = add_investor(api, pid, "Alice")["id"]
    assert contribute(api, pid, a, "1000.00").status_code == 201
    return {"pool_id": pid, "a": a}


# -- DynamoDB under a command ------------------------------------------------------------


def test_a_throttled_transaction_is_retried_by_the_sdk_and_lands_once(
    api: Api, fund: dict[str, str], faults: DynamoFaults, backoffs: list[float]
) -> None:
    faults.fail("TransactWriteItems", "ProvisionedThroughputExceededException", times=2)
    resp = contribute(api, fund["pool_id"], fund["a"], "250.00")
    assert resp.status_code == 201, resp.json_body
    assert faults.answered == ["TransactWriteItems:ProvisionedThroughputExceededException"] * 2
    assert len(backoffs) == 2  # the SDK backed off twice, then the write landed
    assert api.get(f"/pools/{fund['pool_id']}").json_body["cash"] == "1250.00"
    assert len(entries(api, fund["pool_id"], "contribution")) == 2
    assert reconciled()


def test_a_write_whose_answer_is_lost_after_it_landed_is_counted_once(
    api: Api, fund: dict[str, str], faults: DynamoFaults, backoffs: list[float]
) -> None:
    """The SDK retries the transaction; the retry's version check fails because the
    first attempt moved the pool; the command finds its own entry, not a rival's."""
    faults.fail("TransactWriteItems", "ProvisionedThroughputExceededException", times=1, landed=True)
    resp = contribute(api, fund["pool_id"], fund["a"], "250.00")
    assert resp.status_code == 201, resp.json_body
    assert api.get(f"/pools/{fund['pool_id']}").json_body["cash"] == "1250.00"
    (first, _opening) = entries(api, fund["pool_id"], "contribution")
    assert resp.json_body["id"] == first["id"] and first["amount"] == "250.00"
    assert reconciled()


def test_a_distribution_whose_answer_is_lost_answers_with_the_shares_that_were_paid(
    api: Api, fund: dict[str, str], faults: DynamoFaults, backoffs: list[float]
) -> None:
    pid = fund["pool_id"]
    b = add_investor(api, pid, "Bob")["id"]
    assert contribute(api, pid, b, "3000.00").status_code == 201
    faults.fail("TransactWriteItems", "ProvisionedThroughputExceededException", times=1, landed=True)
    resp = api.post(f"/pools/{pid}/distributions", {"amount": "100.00"})
    assert resp.status_code == 201, resp.json_body
    shares = {s["investor_id"]: s["amount"] for s in resp.json_body["allocations"]}
    assert shares == {fund["a"]: "25.00", b: "75.00"}
    assert len(entries(api, pid, "distribution")) == 1
    paid = {i: api.get(f"/pools/{pid}/investors/{i}").json_body["paid_out"] for i in (fund["a"], b)}
    assert paid == shares
    assert reconciled()


def test_throttling_past_every_retry_is_a_503_that_moves_nothing_and_is_safe_to_retry(
    api: Api, fund: dict[str, str], faults: DynamoFaults, backoffs: list[float], capfd: pytest.CaptureFixture[str]
) -> None:
    pid = fund["pool_id"]
    faults.fail("TransactWriteItems", "ProvisionedThroughputExceededException", times=100)
    body = {"investor_id": fund["a"], "amount": "300.00"}
    key = {"Idempotency-Key": "withdraw-during-a-storm"}
    refused = api.post(f"/pools/{pid}/withdrawals", body, headers=key)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.json_body["error"]["code"] == "busy"
    assert "nothing was changed" in refused.json_body["error"]["message"]
    assert len(faults.answered) == len(backoffs) + 1  # every attempt the SDK made was refused, after a back-off
    assert '"Throttled"' in capfd.readouterr().out  # the metric, for the dashboard and the 5xx alarm
    faults.clear()
    assert api.get(f"/pools/{pid}").json_body["cash"] == "1000.00"

    assert api.post(f"/pools/{pid}/withdrawals", body, headers=key).status_code == 201
    replay = api.post(f"/pools/{pid}/withdrawals", body, headers=key)
    assert replay.status_code == 200 and replay.headers.get("Idempotent-Replayed") == "true"
    assert api.get(f"/pools/{pid}").json_body["cash"] == "700.00"
    assert len(entries(api, pid, "withdrawal")) == 1
    assert reconciled()


def test_a_transaction_cancelled_mid_command_is_decided_again_and_lands_once(
    api: Api, fund: dict[str, str], faults: DynamoFaults
) -> None:
    reasons = {"CancellationReasons": [{"Code": "TransactionConflict", "Message": "injected"}] + [{"Code": "None"}] * 3}
    faults.fail("TransactWriteItems", "TransactionCanceledException", times=3, extra=reasons)
    resp = api.post(f"/pools/{fund['pool_id']}/distributions", {"amount": "10.00"})
    assert resp.status_code == 201, resp.json_body
    assert len(faults.answered) == 3
    assert len(entries(api, fund["pool_id"], "distribution")) == 1
    investor = api.get(f"/pools/{fund['pool_id']}/investors/{fund['a']}").json_body
    assert investor["paid_out"] == "10.00"
    assert reconciled()


# -- stream consumers ------------------------------------------------------------------------


@pytest.fixture
def acme_holders(api: Api) -> list[str]:
    pools = []
    for n in range(4):
        pid = make_pool(api, name=f"Holder {n}")["id"]
        inv = add_investor(api, pid, "Alice")["id"]
        contribute(api, pid, inv, "1000.00")
        api.post(f"/pools/{pid}/trades", {"symbol": "ACME", "side": "buy", "quantity": "5", "price": "100"})
        pools.append(pid)
    return sorted(pools)


def test_a_prices_consumer_crash_after_half_the_pools_is_finished_by_the_redelivery(
    api: Api, acme_holders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = wiring.market_data().repo
    real: Callable[..., set[str]] = repo.revalue_many
    done: list[str] = []

    def crash_after_two(revaluations: Sequence[Any]) -> set[str]:
        # The first transaction is written, then the function dies before the next.
        refused = real(revaluations[:2])
        done.extend(r.pool.id for r in revaluations[:2])
        raise ConnectionError(f"injected: the function died mid-batch ({refused or 'none'} refused)")

    batch = kinesis_batch({"symbol": "ACME", "price": "120.00", "ts": 5000})
    monkeypatch.setattr(repo, "revalue_many", crash_after_two)
    failed = apply_market_ticks(batch, None)["batchItemFailures"]
    assert failed == [{"itemIdentifier": batch["Records"][0]["kinesis"]["sequenceNumber"]}]  # retried from here
    assert done == acme_holders[:2]
    monkeypatch.setattr(repo, "revalue_many", real)

    assert apply_market_ticks(batch, None) == {"batchItemFailures": []}  # Lambda's retry of the same batch
    navs = {pid: api.get(f"/pools/{pid}").json_body["nav"] for pid in acme_holders}
    assert navs == dict.fromkeys(acme_holders, "1100.00")  # 500 cash + 5 x 120, every pool
    for pid in acme_holders:
        history = api.get(f"/pools/{pid}/nav-history").json_body["items"]
        assert [p["nav"] for p in history].count("1100.00") == 1  # one market point, not two
    assert reconciled()


def test_a_redelivered_kinesis_batch_changes_nothing(api: Api, acme_holders: list[str]) -> None:
    batch = kinesis_batch(
        {"symbol": "ACME", "price": "101.00", "ts": 6000},
        {"symbol": "ACME", "price": "99.00", "ts": 6001},
    )
    assert apply_market_ticks(batch, None) == {"batchItemFailures": []}
    before = [api.get(f"/pools/{pid}").json_body for pid in acme_holders]
    history = [api.get(f"/pools/{pid}/nav-history").json_body for pid in acme_holders]
    assert apply_market_ticks(batch, None) == {"batchItemFailures": []}
    assert [api.get(f"/pools/{pid}").json_body for pid in acme_holders] == before
    assert [api.get(f"/pools/{pid}/nav-history").json_body for pid in acme_holders] == history
    assert reconciled()


def test_a_webhook_consumer_crash_after_half_a_batch_applies_every_event_once(
    api: Api,
    linked: dict[str, str],
) -> None:
    stream = TableStream(EVENTS)
    for n in range(4):
        assert post_event(api, trade_event(f"evt-half-{n}", qty="1")).status_code == 202
    batch = stream.batch()
    service = wiring.brokerage_service()
    real = service.apply
    calls: list[str] = []

    def dies_on_third(event: Any) -> str:
        calls.append(event.event_id)
        if len(calls) == 3:
            raise ConnectionError("injected: the function died after writing half the batch")
        return real(event)

    service.apply = dies_on_third  # type: ignore[method-assign]
    result = apply_webhook_events(batch, None)
    # Powertools reports the failed record; Lambda (bisecting, retrying) redelivers from it.
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == [batch["Records"][2]["dynamodb"]["SequenceNumber"]]
    service.apply = real  # type: ignore[method-assign]
    assert apply_webhook_events(batch, None) == {"batchItemFailures": []}  # the whole batch again
    trades = entries(api, linked["pool_id"], "trade")
    assert len(trades) == 4  # two applied before the crash, two after, none twice
    assert api.get(f"/pools/{linked['pool_id']}").json_body["positions"][0]["quantity"] == "4.000000"
    assert reconciled()


# -- pushes and email ---------------------------------------------------------------------------


def test_a_connection_gone_mid_fan_out_is_forgotten_and_the_others_still_get_the_message(
    api: Api, fund: dict[str, str], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from app import notify_pool_changes
    from chalicelib.adapters.memory_people import RecordingPusher
    from tests.support.events import TableStream as PoolsStream

    pusher = RecordingPusher()
    wiring.live_updates().pusher = pusher
    for connection in ("first", "gone-away", "last"):
        assert connect(api, connection)["statusCode"] == 200
        subscribe(connection, fund["pool_id"])
    pusher.sent.clear()
    pusher.gone.add("gone-away")  # the browser vanished without a $disconnect
    stream = PoolsStream()
    stream.batch()
    assert contribute(api, fund["pool_id"], fund["a"], "5.00").status_code == 201
    assert notify_pool_changes(stream.batch(), None) == {"batchItemFailures": []}
    got = {c: [m["type"] for m in pusher.sent.get(c, [])] for c in ("first", "gone-away", "last")}
    assert got["first"] == got["last"] and "activity.created" in got["first"] and got["gone-away"] == []
    assert '"PushesGone"' in capfd.readouterr().out
    # Forgotten: the next change is not even attempted for it.
    assert contribute(api, fund["pool_id"], fund["a"], "5.00").status_code == 201
    pusher.gone.clear()
    assert notify_pool_changes(stream.batch(), None) == {"batchItemFailures": []}
    assert pusher.sent.get("gone-away") is None
    assert reconciled()


def test_ses_refusing_an_alert_fails_the_record_and_the_retry_sends_it_once(
    api: Api, fund: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    stream = Stream("test-pooldesk-pools")
    stream.batch()
    assert api.post(f"/pools/{fund['pool_id']}/distributions", {"amount": "20.00"}).status_code == 201
    batch = stream.batch()
    ses = wiring.alerts().mailer._ses  # type: ignore[attr-defined] # the real SES client, refusing as SES does
    real = ses.send_email

    def refused(**kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "injected: sending paused"}}, "SendEmail")

    monkeypatch.setattr(ses, "send_email", refused)
    failed = send_alerts(batch, None)["batchItemFailures"]
    assert len(failed) == 1 and sent_emails() == []  # visible: the record fails, and is retried, then dead-lettered
    monkeypatch.setattr(ses, "send_email", real)
    assert send_alerts(batch, None) == {"batchItemFailures": []}
    assert send_alerts(batch, None) == {"batchItemFailures": []}  # and a redelivery after success sends nothing
    assert [m.subject for m in sent_emails()] == ["Distribution paid from Faulty Fund: 20.00 USD"]
    assert reconciled()
