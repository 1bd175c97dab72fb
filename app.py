"""Pooldesk's Lambda functions: the REST API (one blueprint per area, in
chalicelib/api/routes/), the WebSocket handlers, and the stream, queue and
scheduled consumers (chalicelib/consumers/).

Nothing here touches AWS at import time; clients are built on first use
(chalicelib/wiring.py), so ``chalice package`` and CDK synth can import it.
Every function imports this module on its cold start, so each consumer's
code is imported inside its handler: a function loads only what it runs
(tests/unit/test_cold_start.py keeps it so).
"""

from __future__ import annotations

import json
from typing import Any

from chalice.app import CloudWatchEvent, Cron, Response, WebsocketEvent

from chalicelib import observability, wiring
from chalicelib.domain.errors import DomainError
from chalicelib.lazy_api import LazyApiChalice

# configure_logs=False: Chalice would otherwise set the "pooldesk" logger, which
# Powertools Logger shares, to ERROR and swallow every INFO line.
# The REST API's blueprints (chalicelib/api/routes/) are registered on the first
# read of app.routes (chalicelib/lazy_api.py): no other function loads them.
app = LazyApiChalice(app_name="pooldesk", configure_logs=False)
# Logs with the Lambda context and a correlation id, metrics and traces for every handler.
app.register_middleware(observability.observe, "all")


def __getattr__(name: str) -> Any:
    # ``app.routes``, every REST route as declared (for /openapi.json, CloudFront's
    # API paths and tests), is loaded only when asked for, like the API itself.
    if name == "routes":
        from chalicelib.api.routes import ROUTES

        return ROUTES
    raise AttributeError(name)


# -- stream and queue consumers -----------------------------------------------------


@app.lambda_function(name="apply_webhook_events")
def apply_webhook_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The events table's stream: apply each new event to its pool (partial batch failures reported)."""
    from chalicelib.consumers import webhook_events

    return webhook_events.apply_webhook_events(event, context)


@app.lambda_function(name="apply_market_ticks")
def apply_market_ticks(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Market ticks from Kinesis: conflate per symbol, revalue each affected pool once per batch."""
    from chalicelib.consumers import market_ticks

    return market_ticks.apply_market_ticks(event, context)


@app.lambda_function(name="notify_pool_changes")
def notify_pool_changes(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The pools table's stream: push pool, activity and investor changes to WebSocket subscribers."""
    from chalicelib.consumers import pool_changes

    return pool_changes.notify_pool_changes(event, context)


@app.lambda_function(name="send_alerts")
def send_alerts(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The pools table's stream: email finance about large withdrawals and distributions, once per cause."""
    from chalicelib.consumers import alerts

    return alerts.send_alerts(event, context)


@app.lambda_function(name="alert_dead_letters")
def alert_dead_letters(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS dead-letter queues: tell finance about every record a consumer gave up on."""
    from chalicelib.consumers import alerts

    return alerts.alert_dead_letters(event, context)


# 02:00 UTC, after the day's trading and before anyone reads the morning's figures.
RECONCILE_SCHEDULE = Cron(0, 2, "*", "?", "*", "*")


@app.schedule(RECONCILE_SCHEDULE, name="reconcile_ledgers", description="Refold every pool's ledger; email finance on drift")
def reconcile_ledgers(event: CloudWatchEvent) -> dict[str, Any]:
    """Nightly: every pool's stored balances against a fold of its ledger (also `make reconcile`)."""
    from chalicelib.consumers import reconcile

    return reconcile.reconcile_ledgers()


# -- WebSocket ---------------------------------------------------------------------

app.experimental_feature_flags.update(["WEBSOCKETS"])


@app.on_ws_connect()
def ws_connect(event: WebsocketEvent) -> Response:
    # No authorizer runs on $connect: the single-use ticket is checked here.
    ticket = (event.to_dict().get("queryStringParameters") or {}).get("ticket")
    try:
        wiring.live_updates().connect(event.connection_id, ticket)
    except DomainError as exc:
        return Response(body=json.dumps({"error": {"code": exc.code, "message": exc.message}}), status_code=401)
    return Response(body="", status_code=200)


@app.on_ws_disconnect()
def ws_disconnect(event: WebsocketEvent) -> None:
    wiring.live_updates().disconnect(event.connection_id)


@app.on_ws_message()
def ws_message(event: WebsocketEvent) -> None:
    wiring.live_updates().receive(event.connection_id, event.body)
