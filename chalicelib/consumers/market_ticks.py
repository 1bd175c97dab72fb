"""Market ticks from Kinesis: conflate per symbol, revalue each affected pool once per batch."""

from __future__ import annotations

import binascii
from typing import Any

from chalicelib import wiring
from chalicelib.domain.errors import InvalidInput
from chalicelib.observability import count, logger
from chalicelib.services.market import parse_tick
from chalicelib.services.market_ports import PricePoint


def read_ticks(records: list[dict[str, Any]]) -> tuple[list[PricePoint], list[str]]:
    """Every record's tick, and the sequence numbers of the malformed ones (logged)."""
    ticks, bad = [], []
    for record in records:
        kinesis = record["kinesis"]
        try:
            # a2b_base64 is what base64.b64decode calls, without its per-call wrapping (same rules).
            ticks.append(parse_tick(binascii.a2b_base64(kinesis["data"])))
        except (InvalidInput, ValueError) as exc:
            logger.warning("malformed tick", extra={"sequence": kinesis["sequenceNumber"], "error": str(exc)})
            bad.append(kinesis["sequenceNumber"])
    return ticks, bad


def apply_market_ticks(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Conflation needs the whole batch at once, so this consumer decodes every
    record itself instead of per-record processing; it answers in the same
    partial-batch-failure shape.

    A malformed tick is reported as failed (never dropped silently): the
    mapping retries from it, then sends it to the dead-letter queue. The
    well-formed ticks are applied meanwhile; applying them again on a retry
    changes nothing.
    """
    records = event.get("Records", [])
    ticks, bad = read_ticks(records)
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
