"""The local stack's event source mapping behaves like Lambda's with
ReportBatchItemFailures: retry from the first failure, bounded, then DLQ."""

from __future__ import annotations

import json
from typing import Any

from devstack.pollers import StreamPoller


def record(n: int) -> dict[str, Any]:
    return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": f"{n:05d}"}}


class Sqs:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_message(self, QueueUrl: str, MessageBody: str) -> None:
        self.sent.append(json.loads(MessageBody))


def poller(handler: Any, sqs: Sqs, retries: int = 2) -> StreamPoller:
    return StreamPoller(
        name="fn",
        reader=None,  # type: ignore[arg-type]  # deliver() never reads the stream
        handler=handler,
        region="us-east-1",
        batch_size=10,
        max_retries=retries,
        sqs=sqs,
        dead_letter_url="dlq",
        interval=0,
    )


def test_a_batch_that_succeeds_is_delivered_once() -> None:
    seen: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append([r["dynamodb"]["SequenceNumber"] for r in event["Records"]])
        return {"batchItemFailures": []}

    p = poller(handler, Sqs())
    p.deliver([record(1), record(2)])
    assert seen == [["00001", "00002"]] and p.delivered == 2


def test_a_partial_failure_is_retried_from_the_first_failed_record() -> None:
    calls: list[list[str]] = []
    failed_once = {"00002"}

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        ids = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        calls.append(ids)
        failures = [i for i in ids if i in failed_once]
        failed_once.clear()
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failures]}

    sqs = Sqs()
    p = poller(handler, sqs)
    p.deliver([record(1), record(2), record(3)])
    assert calls == [["00001", "00002", "00003"], ["00002", "00003"]]
    assert sqs.sent == [] and p.delivered == 3


def test_a_poison_record_goes_to_the_dead_letter_queue_and_the_rest_goes_on() -> None:
    calls: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        ids = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        calls.append(ids)
        if "00002" in ids:
            raise RuntimeError("poison")
        return {"batchItemFailures": []}

    sqs = Sqs()
    p = poller(handler, sqs, retries=2)
    p.deliver([record(1), record(2), record(3), record(4)])
    # The handler raises for any batch holding 00002: the batch is bisected until
    # 00002 is alone, and only it is dead-lettered.
    assert [m["record"]["dynamodb"]["SequenceNumber"] for m in sqs.sent] == ["00002"]
    assert sqs.sent[0]["function"] == "fn" and "retries" in sqs.sent[0]["reason"]
    delivered = {i for batch in calls for i in batch if "00002" not in batch}
    assert delivered == {"00001", "00003", "00004"}
    assert p.dead_lettered == 1 and p.delivered == 3


def test_a_record_reported_failed_past_its_retries_is_dead_lettered_alone() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        ids = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in ids if i == "00001"]}

    sqs = Sqs()
    p = poller(handler, sqs, retries=1)
    p.deliver([record(1), record(2)])
    assert [m["record"]["dynamodb"]["SequenceNumber"] for m in sqs.sent] == ["00001"]
    assert p.delivered == 1
