"""The events table's stream: apply each newly received brokerage event to its pool."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import wiring
from chalicelib.observability import count, logger

_batches = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _apply(record: DynamoDBRecord) -> None:
    if record.raw_event.get("eventName") != "INSERT":
        return  # our own status updates (MODIFY) come back on the stream too
    event = wiring.webhook_event_of(record.raw_event["dynamodb"]["NewImage"])
    outcome = wiring.brokerage_service().apply(event)
    count(f"WebhookEvents{outcome.capitalize()}")
    logger.info("webhook event handled", extra={"broker": event.broker, "event_id": event.event_id, "outcome": outcome})


def apply_webhook_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=_apply, processor=_batches, context=context))
