"""Event source mappings for the local stack: poll a DynamoDB stream and invoke
the consumer with Lambda-shaped batches, the way Lambda does with
ReportBatchItemFailures on:

* a batch that reports failures is retried from its first failed record
  (the records before it are done);
* a batch that raises is retried whole, and once its retries are spent it is
  split in two and each half delivered on its own (BisectBatchOnFunctionError),
  until the record that fails is alone;
* a record that still fails after ``max_retries`` retries goes to the
  dead-letter queue with the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("devstack.pollers")

Handler = Callable[[dict[str, Any], Any], Any]


class Reader(Protocol):
    arn: str

    def read(self, limit: int = 100) -> list[dict[str, Any]]:
        """New records, shaped as Lambda delivers them."""
        ...


def sequence_number(record: dict[str, Any]) -> str:
    """The id Lambda's partial batch responses use, for either kind of stream."""
    if "kinesis" in record:
        return str(record["kinesis"]["sequenceNumber"])
    return str(record["dynamodb"]["SequenceNumber"])


@dataclass
class LambdaContext:
    function_name: str
    aws_request_id: str = "devstack"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:devstack"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 300_000


class StreamPoller(threading.Thread):
    def __init__(
        self,
        *,
        name: str,
        reader: Reader,
        handler: Handler,
        region: str,
        batch_size: int,
        max_retries: int,
        sqs: Any,
        dead_letter_url: str,
        interval: float = 0.2,
    ) -> None:
        super().__init__(name=f"poller-{name}", daemon=True)
        self._fn = name
        self._reader = reader
        self._handler = handler
        self._region = region
        self._batch_size = batch_size
        self._max_retries = max_retries
        self._sqs = sqs
        self._dlq = dead_letter_url
        self._interval = interval
        self._halt = threading.Event()
        self.delivered = 0
        self.dead_lettered = 0

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                batch = self._reader.read(self._batch_size)
            except Exception:  # the endpoint going away at shutdown, or a moto hiccup
                log.exception("reading the %s stream failed", self._fn)
                self._halt.wait(1)
                continue
            if not batch:
                self._halt.wait(self._interval)
                continue
            self.deliver(batch)

    def deliver(self, batch: list[dict[str, Any]]) -> None:
        retries = 0
        while batch and not self._halt.is_set():
            raised, failed = self._invoke(batch)
            if not raised and not failed:
                self.delivered += len(batch)
                return
            if not raised:
                # Records before the first reported failure are done; retry from it.
                first = next((i for i, r in enumerate(batch) if sequence_number(r) in failed), 0)
                self.delivered += first
                batch = batch[first:]
            retries += 1
            if retries <= self._max_retries:
                self._halt.wait(min(2.0, 0.05 * 2**retries))
                continue
            if raised and len(batch) > 1:
                middle = len(batch) // 2
                self.deliver(batch[:middle])
                self.deliver(batch[middle:])
                return
            self._dead_letter(batch[0], reason=f"failed after {self._max_retries} retries")
            batch, retries = batch[1:], 0

    def _invoke(self, batch: list[dict[str, Any]]) -> tuple[bool, set[str]]:
        """Run the handler: (raised?, sequence numbers it reported as failed)."""
        try:
            result = self._handler({"Records": batch}, LambdaContext(self._fn))
        except Exception:
            log.exception("%s raised; the batch will be retried", self._fn)
            return True, set()
        return False, {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}

    def _dead_letter(self, record: dict[str, Any], *, reason: str) -> None:
        self.dead_lettered += 1
        log.error("%s: record %s sent to the dead-letter queue (%s)", self._fn, sequence_number(record), reason)
        self._sqs.send_message(
            QueueUrl=self._dlq,
            MessageBody=json.dumps({"function": self._fn, "reason": reason, "record": record, "at": int(time.time())}),
        )


class QueuePoller(threading.Thread):
    """An SQS event source: receive, invoke with Lambda's SQS shape, delete what succeeded."""

    def __init__(
        self,
        *,
        name: str,
        sqs: Any,
        queue_urls: list[str],
        handler: Handler,
        region: str,
        batch_size: int = 10,
        interval: float = 0.5,
    ) -> None:
        super().__init__(name=f"queue-{name}", daemon=True)
        self._fn = name
        self._sqs = sqs
        self._urls = queue_urls
        self._handler = handler
        self._region = region
        self._batch_size = batch_size
        self._interval = interval
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)

    def run(self) -> None:
        while not self._halt.wait(self._interval):
            for url in self._urls:
                try:
                    self.poll(url)
                except Exception:
                    log.exception("polling %s failed", url)

    def poll(self, url: str) -> None:
        messages = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=self._batch_size).get("Messages", [])
        if not messages:
            return
        arn = f"arn:aws:sqs:{self._region}:000000000000:{url.rsplit('/', 1)[-1]}"
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": self._region,
            }
            for m in messages
        ]
        try:
            result = self._handler({"Records": records}, LambdaContext(self._fn))
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        except Exception:
            log.exception("%s raised; the messages stay on the queue", self._fn)
            return
        for m in messages:
            if m["MessageId"] not in failed:  # failures become visible again and are retried
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
