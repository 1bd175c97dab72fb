"""Logs, metrics and traces for every handler, with Powertools.

One Chalice middleware wraps every invocation (REST routes, WebSocket
handlers, stream and queue consumers):

* Logger: the Lambda context, cold start and a correlation id on every
  structured log line (API Gateway's request id, or the first record's id for
  a batch); state is cleared between invocations.
* Metrics: what the invocation counted is flushed once, as CloudWatch EMF on
  stdout, into the namespace POWERTOOLS_METRICS_NAMESPACE names.
* Tracer: an X-Ray segment per invocation, with boto3 calls as subsegments.
  Powertools enables it only inside Lambda, so tests and the local stack run
  the same code with tracing off. It is made on the first invocation, not at
  import: the X-Ray SDK is the largest thing any function loads (about 0.2 s),
  and `chalice package`, CDK synth and every import of app.py need none of it.

Tokens, passwords and webhook secrets are never logged: handlers log ids and
outcomes, never request bodies or headers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.utilities.jmespath_utils import query
from chalice.app import Request

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

SERVICE = "pooldesk"

logger = Logger(service=SERVICE)
# The stack names the namespace per stage; elsewhere the default keeps flushing valid.
metrics = Metrics(service=SERVICE, namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "Pooldesk")


@cache
def tracer() -> Tracer:
    """Powertools' Tracer, made once per container on first use (it imports the X-Ray SDK)."""
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


# Where each kind of event carries the id that ties its log lines together.
CORRELATION_ID_PATH = "requestContext.requestId || Records[0].eventID || Records[0].messageId"


def count(metric: str, value: int = 1) -> None:
    """Add to a business metric of this invocation (flushed when it ends)."""
    if value:
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=value)


def observe(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware (registered for every event type in app.py)."""
    if isinstance(event, Request):
        original, context = event.to_original_event(), event.lambda_context
    else:
        original, context = event.to_dict(), getattr(event, "context", None)

    def handler(_event: dict[str, Any], _context: Any) -> Any:
        # API Gateway's request id when there is one (Chalice's local gateway
        # has none), else Lambda's own, so every invocation's lines tie together.
        correlation_id = query(envelope=CORRELATION_ID_PATH, data=original) or getattr(context, "aws_request_id", None)
        logger.set_correlation_id(correlation_id)
        try:
            return get_response(event)
        finally:
            if metrics.metric_set:
                if is_metrics_disabled():
                    # Powertools' flush keeps a disabled set, which then grows without end and
                    # is printed anyway once a metric holds 100 values: drop it instead.
                    metrics.clear_metrics()
                else:
                    metrics.flush_metrics()

    wrapped = tracer().capture_lambda_handler(handler, capture_response=False)
    if context is not None:  # the local stack and tests may call a handler without one
        wrapped = logger.inject_lambda_context(wrapped, clear_state=True)
    return wrapped(original, context)
