"""EventBridge's part locally: call the app's scheduled functions with the event
a schedule rule delivers (``make run`` runs the reconciliation this way)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib.observability import logger
from devstack.pollers import LambdaContext

REGION = "us-east-1"


def scheduled_event(rule: str) -> dict[str, Any]:
    """What an EventBridge schedule rule sends its target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/{rule}"],
        "detail": {},
    }


class Schedule(threading.Thread):
    """Call ``handler`` every ``every`` seconds until stopped; a failure is logged
    (as Lambda would log it) and the next run still happens."""

    def __init__(self, name: str, handler: Callable[[dict[str, Any], Any], Any], every: float) -> None:
        super().__init__(name=f"schedule-{name}", daemon=True)
        self.rule, self.handler, self.every = name, handler, every
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            try:
                self.handler(scheduled_event(self.rule), LambdaContext(self.rule))
            except Exception:
                logger.exception("scheduled function failed", extra={"function": self.rule})

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
