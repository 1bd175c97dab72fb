"""Stream consumers: raw Lambda events in, Powertools batch processing, partial
batch failures out (the event source mapping retries only what failed)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from chalicelib import wiring
from chalicelib.adapters.brokerage import WebhookEvents

logger = Logger(service="pooldesk")
_webhook_batches = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _apply_webhook_record(record: DynamoDBRecord) -> None:
    if record.raw_event.get("eventName") != "INSERT":
        return  # our own status updates (MODIFY) come back on the stream too
    image = record.raw_event["dynamodb"]["NewImage"]
    event = WebhookEvents.from_item(image)
    outcome = wiring.brokerage_service().apply(event)
    logger.info("webhook event handled", extra={"broker": event.broker, "event_id": event.event_id, "outcome": outcome})


def apply_webhook_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=_apply_webhook_record, processor=_webhook_batches, context=context
    )
    return dict(response)
