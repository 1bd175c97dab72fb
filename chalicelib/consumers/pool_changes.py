"""The pools table's stream: push each change of a pool to its WebSocket subscribers."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import wiring
from chalicelib.api.pushes import push_message
from chalicelib.observability import count, logger

_batches = BatchProcessor(event_type=EventType.DynamoDBStreams)


def pool_change_message(record: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """What a pools-table stream record means to a subscriber of that pool, if anything."""
    found = wiring.pool_change_of(record)
    if found is None:
        return None
    pool_id, change = found
    return pool_id, push_message(pool_id, change).model_dump(mode="json")


def _notify(record: DynamoDBRecord) -> None:
    found = pool_change_message(record.raw_event)
    if found is None:
        return
    pool_id, message = found
    sent, gone = wiring.live_updates().publish(pool_id, message)
    count("PushesSent", sent)
    count("PushesGone", gone)
    if sent or gone:
        logger.debug("pushed", extra={"type": message["type"], "pool_id": pool_id, "sent": sent, "gone": gone})


def notify_pool_changes(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=_notify, processor=_batches, context=context))
