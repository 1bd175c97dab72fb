"""Stream consumers: raw Lambda events in, Powertools batch processing, partial
batch failures out (the event source mapping retries only what failed)."""

from __future__ import annotations

import base64
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib import wiring
from chalicelib.adapters.brokerage import WebhookEvents
from chalicelib.adapters.ddb import from_item
from chalicelib.adapters.dynamodb import DynamoPoolRepository
from chalicelib.api.schemas import EntryOut, PoolOut
from chalicelib.domain.errors import InvalidInput
from chalicelib.observability import count, logger
from chalicelib.services.market import parse_tick

_webhook_batches = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _apply_webhook_record(record: DynamoDBRecord) -> None:
    if record.raw_event.get("eventName") != "INSERT":
        return  # our own status updates (MODIFY) come back on the stream too
    image = record.raw_event["dynamodb"]["NewImage"]
    event = WebhookEvents.event_from_item(image)
    outcome = wiring.brokerage_service().apply(event)
    count(f"WebhookEvents{outcome.capitalize()}")
    logger.info("webhook event handled", extra={"broker": event.broker, "event_id": event.event_id, "outcome": outcome})


def apply_webhook_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=_apply_webhook_record, processor=_webhook_batches, context=context
    )
    return dict(response)


def apply_market_ticks(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Kinesis market ticks. Conflation needs the whole batch at once, so this
    consumer decodes every record itself instead of per-record processing; it
    answers in the same partial-batch-failure shape.

    A malformed tick is reported as failed (never dropped silently): the
    mapping retries from it, then sends it to the dead-letter queue. The
    well-formed ticks are applied meanwhile; applying them again on a retry
    changes nothing.
    """
    records = event.get("Records", [])
    ticks, bad = [], []
    for record in records:
        kinesis = record["kinesis"]
        try:
            ticks.append(parse_tick(base64.b64decode(kinesis["data"])))
        except (InvalidInput, ValueError) as exc:
            logger.warning("malformed tick", extra={"sequence": kinesis["sequenceNumber"], "error": str(exc)})
            bad.append(kinesis["sequenceNumber"])
    try:
        outcome = wiring.market_data().apply(ticks)
    except Exception:
        logger.exception("revaluation failed; the batch will be retried")
        return {"batchItemFailures": [{"itemIdentifier": r["kinesis"]["sequenceNumber"]} for r in records[:1]]}
    count("TicksProcessed", outcome.ticks)
    count("TicksMalformed", len(bad))
    count("PoolsRevalued", outcome.pools_revalued)
    logger.debug(
        "ticks applied",
        extra={"ticks": outcome.ticks, "symbols": outcome.symbols_updated, "pools_revalued": outcome.pools_revalued},
    )
    return {"batchItemFailures": [{"itemIdentifier": seq} for seq in bad]}


_notify_batches = BatchProcessor(event_type=EventType.DynamoDBStreams)


def pool_change_message(record: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """What a pools-table stream record means to a subscriber of that pool, if anything."""
    body = record["dynamodb"]
    keys = {k: v["S"] for k, v in body["Keys"].items()}
    if not keys["PK"].startswith("POOL#") or "NewImage" not in body:
        return None
    pool_id = keys["PK"].removeprefix("POOL#")
    image = from_item(body["NewImage"])
    sk = keys["SK"]
    if sk == "STATE":
        pool = DynamoPoolRepository.pool_from_item(image)
        return pool_id, {"type": "pool.updated", "pool_id": pool_id, "data": PoolOut.of(pool).model_dump(mode="json")}
    if sk.startswith("LEDGER#") and record["eventName"] == "INSERT":
        entry = DynamoPoolRepository.entry_from_item(image)
        return pool_id, {"type": "activity.created", "pool_id": pool_id, "data": EntryOut.of(entry).model_dump(mode="json")}
    if sk.startswith("INVESTOR#"):
        inv = DynamoPoolRepository.investor_from_item(image)
        data = {
            "id": inv.id,
            "name": inv.name,
            "status": inv.status.value,
            "units": str(inv.units),
            "contributed": str(inv.contributed),
            "withdrawn": str(inv.withdrawn),
            "paid_out": str(inv.paid_out),
        }
        return pool_id, {"type": "investor.updated", "pool_id": pool_id, "data": data}
    return None


def _notify_record(record: DynamoDBRecord) -> None:
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
    response = process_partial_response(event=event, record_handler=_notify_record, processor=_notify_batches, context=context)
    return dict(response)


_alert_batches = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _alert_record(record: DynamoDBRecord) -> None:
    raw = record.raw_event
    body = raw["dynamodb"]
    sk = body["Keys"]["SK"]["S"]
    if sk == "STATE" and "NewImage" in body and body["Keys"]["PK"]["S"].startswith("POOL#"):
        # Only a market revaluation (valued_at changed) can be a market move.
        before = body.get("OldImage", {}).get("valued_at", {}).get("S")
        after = body["NewImage"].get("valued_at", {}).get("S")
        if after and after != before:
            pool = DynamoPoolRepository.pool_from_item(from_item(body["NewImage"]))
            if wiring.alerts().on_market_move(pool):
                count("AlertsSent")
                logger.info("alert sent", extra={"pool_id": pool.id, "type": "nav_move"})
        return
    if raw.get("eventName") != "INSERT" or not sk.startswith("LEDGER#"):
        return
    entry = DynamoPoolRepository.entry_from_item(from_item(body["NewImage"]))
    if wiring.alerts().on_entry(entry):
        count("AlertsSent")
        logger.info("alert sent", extra={"pool_id": entry.pool_id, "entry_id": entry.id, "type": entry.type.value})


def send_alerts(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(event=event, record_handler=_alert_record, processor=_alert_batches, context=context)
    return dict(response)


_dead_letter_batches = BatchProcessor(event_type=EventType.SQS)


def _dead_letter_record(record: SQSRecord) -> None:
    count("DeadLetters")
    if wiring.alerts().on_dead_letter(record.message_id, record.body):
        count("AlertsSent")


def alert_dead_letters(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=_dead_letter_record, processor=_dead_letter_batches, context=context
    )
    return dict(response)


def reconcile_ledgers() -> dict[str, Any]:
    """The scheduled reconciliation. Fails the invocation (so the errors alarm
    fires) when finance could not be told about a drift."""
    report = wiring.reconciliation().run()
    count("PoolsReconciled", len(report.pools))
    count("PoolsDrifted", len(report.drifted))
    log = logger.error if report.drifted else logger.info
    log(
        "reconciliation finished",
        extra={
            "pools": len(report.pools),
            "entries": report.entries,
            "drifted": [p.pool_id for p in report.drifted],
            "unsettled": list(report.unsettled),
            "seconds": round(report.seconds, 3),
        },
    )
    if report.unreported:
        raise RuntimeError(f"drift found but finance could not be emailed about pools {', '.join(report.unreported)}")
    return {
        "pools": len(report.pools),
        "entries": report.entries,
        "drifted": [{"pool_id": p.pool_id, "name": p.name, "drift": [str(d) for d in p.drift]} for p in report.drifted],
        "unsettled": list(report.unsettled),
        "summary": report.summary(),
    }
