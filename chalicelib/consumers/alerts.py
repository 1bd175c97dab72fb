"""The pools table's stream: email finance about large withdrawals, distributions and
market moves, once per cause; investors with a portal login about their own settled
orders and payouts; and finance about every record a consumer dead-lettered."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib import wiring
from chalicelib.domain.model import EntryType
from chalicelib.observability import count, logger
from chalicelib.services.ports import EntryAppended, PoolChanged

_changes = BatchProcessor(event_type=EventType.DynamoDBStreams)
_dead_letters = BatchProcessor(event_type=EventType.SQS)


def _alert(record: DynamoDBRecord) -> None:
    found = wiring.pool_change_of(record.raw_event)
    if found is None:
        return
    _, change = found
    # Only a market revaluation can be a market move; only a new entry can be a movement.
    if isinstance(change, PoolChanged) and change.revalued:
        if wiring.alerts().on_market_move(change.pool):
            count("AlertsSent")
            logger.info("alert sent", extra={"pool_id": change.pool.id, "type": "nav_move"})
    elif isinstance(change, EntryAppended):
        entry = change.entry
        if entry.type is EntryType.STATEMENTS_SENT:
            sent = wiring.statements().send_all(entry)
            count("StatementsSent", sent)
            logger.info("statements sent", extra={"pool_id": entry.pool_id, "entry_id": entry.id, "sent": sent})
            return
        if wiring.alerts().on_entry(entry):
            count("AlertsSent")
            logger.info("alert sent", extra={"pool_id": entry.pool_id, "entry_id": entry.id, "type": entry.type.value})
        # Investors with a portal login hear of their own settlements and payouts.
        told = wiring.notices().on_entry(entry)
        if told:
            count("InvestorEmailsSent", told)
            logger.info("investors emailed", extra={"pool_id": entry.pool_id, "entry_id": entry.id, "sent": told})


def send_alerts(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=_alert, processor=_changes, context=context))


def _dead_letter(record: SQSRecord) -> None:
    count("DeadLetters")
    if wiring.alerts().on_dead_letter(record.message_id, record.body):
        count("AlertsSent")


def alert_dead_letters(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=_dead_letter, processor=_dead_letters, context=context))
