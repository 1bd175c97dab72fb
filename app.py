"""Pooldesk's REST API: thin Chalice routes over the pool use cases.

Nothing here touches AWS at import time; clients are built on first use
(chalicelib/wiring.py), so ``chalice package`` and CDK synth can import it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from chalice.app import Chalice, CloudWatchEvent, Cron, Response, WebsocketEvent

from chalicelib import observability, wiring
from chalicelib.api import openapi, streams
from chalicelib.api.http import MAX_BODY_BYTES, Api, Call, Reply
from chalicelib.api.schemas import (
    AddInvestorRequest,
    AlertSettingsOut,
    AlertSettingsRequest,
    BrokerageOut,
    ConfigResponse,
    ContributionRequest,
    CreatePoolRequest,
    DistributionOut,
    DistributionPreviewOut,
    DistributionPreviewRequest,
    DistributionRequest,
    EntryList,
    EntryOut,
    InvestorList,
    InvestorOut,
    LinkBrokerageRequest,
    LoginRequest,
    MeResponse,
    NavHistory,
    NavPointOut,
    PoolList,
    PoolOut,
    PoolSummaryOut,
    PreviewShareOut,
    PriceOut,
    RefreshRequest,
    SentAlertList,
    SentAlertOut,
    StatementLineOut,
    StatementOut,
    TokensResponse,
    TradeRequest,
    UpdatePoolRequest,
    WebhookAccepted,
    WebhookEventList,
    WebhookEventOut,
    WithdrawalRequest,
)
from chalicelib.config import settings
from chalicelib.domain.errors import DomainError, InvalidInput, NotFound
from chalicelib.domain.model import Pool
from chalicelib.services.access import Principal
from chalicelib.services.pools import PoolService, Receipt, page_limit
from chalicelib.services.ports import Page, StoredEvent

# configure_logs=False: Chalice would otherwise set the "pooldesk" logger, which
# Powertools Logger shares, to ERROR and swallow every INFO line.
app = Chalice(app_name="pooldesk", configure_logs=False)
# Logs with the Lambda context and a correlation id, metrics and traces for every handler.
app.register_middleware(observability.observe, "all")


def _authenticate(token: str) -> Principal:
    return wiring.token_verifier().verify(token)


api = Api(app, _authenticate)


# The business metric each kind of ledger entry made through the API counts towards.
MOVEMENT_METRICS = {
    "contribution": "Contributions",
    "withdrawal": "Withdrawals",
    "distribution": "Distributions",
    "trade": "Trades",
}


def _receipt(receipt: Receipt) -> Reply:
    """201 for a new movement; 200 and a header when an Idempotency-Key replays the first result."""
    if not receipt.replayed:
        observability.count(MOVEMENT_METRICS[receipt.entry.type.value])
    body = (
        DistributionOut.with_allocations(receipt.entry, receipt.allocations)
        if receipt.entry.type.value == "distribution"
        else EntryOut.of(receipt.entry)
    )
    if receipt.replayed:
        return Reply(body, 200, {"Idempotent-Replayed": "true"})
    return Reply(body, 201)


# -- public ----------------------------------------------------------------------


@api.route(
    "/auth/login",
    "POST",
    summary="Sign in with email and password",
    body=LoginRequest,
    response=TokensResponse,
    auth=False,
    tag="auth",
)
def login(call: Call) -> TokensResponse:
    t = wiring.cognito_auth().login(call.body.email.strip(), call.body.password)
    return TokensResponse(
        access_token=t.access_token, id_token=t.id_token, refresh_token=t.refresh_token, expires_in=t.expires_in
    )


@api.route(
    "/auth/refresh",
    "POST",
    summary="Exchange a refresh token for new tokens",
    body=RefreshRequest,
    response=TokensResponse,
    auth=False,
    tag="auth",
)
def refresh(call: Call) -> TokensResponse:
    t = wiring.cognito_auth().refresh(call.body.refresh_token)
    return TokensResponse(
        access_token=t.access_token,
        id_token=t.id_token,
        refresh_token=t.refresh_token or call.body.refresh_token,
        expires_in=t.expires_in,
    )


@api.route("/config", "GET", summary="What a client needs to connect", response=ConfigResponse, auth=False, tag="meta")
def client_config(call: Call) -> ConfigResponse:
    s = settings()
    return ConfigResponse(region=s.region, user_pool_id=s.user_pool_id, client_id=s.client_id, websocket_url=s.websocket_url)


@api.route("/openapi.json", "GET", summary="This API's OpenAPI document", auth=False, tag="meta")
def openapi_document(call: Call) -> Reply:
    return Reply(openapi.build(api.routes))


@api.route("/me", "GET", summary="Who the token belongs to", response=MeResponse, tag="auth")
def me(call: Call) -> MeResponse:
    return MeResponse(user_id=call.who.user_id, email=call.who.email, role=call.who.role, groups=sorted(call.who.groups))


# -- pools -----------------------------------------------------------------------


def _pools() -> PoolService:
    return wiring.pool_service()


@api.route("/pools", "GET", summary="Pools you may see, newest first", response=PoolList, query=("limit", "cursor"))
def list_pools(call: Call) -> PoolList:
    svc = _pools()
    page = svc.list_pools(call.who, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor"))
    return PoolList(items=[_summary(svc, p) for p in page.items], next_cursor=page.next_cursor)


def _summary(svc: PoolService, pool: Pool) -> PoolSummaryOut:
    """A pool with today's opening NAV per unit, for 'change today'."""
    return PoolSummaryOut.with_day_open(pool, svc.day_opening(pool))


@api.route("/pools", "POST", summary="Create a pool", body=CreatePoolRequest, response=PoolOut, status=201)
def create_pool(call: Call) -> PoolOut:
    b = call.body
    return PoolOut.of(_pools().create_pool(call.who, name=b.name, currency=b.currency.upper(), unit_price=b.unit_price))


@api.route(
    "/pools/{pool_id}", "GET", summary="A pool with NAV, positions and today's opening NAV per unit", response=PoolSummaryOut
)
def get_pool(call: Call, pool_id: str) -> PoolSummaryOut:
    svc = _pools()
    return _summary(svc, svc.get_pool(call.who, pool_id))


@api.route("/pools/{pool_id}", "PATCH", summary="Rename, close or reopen a pool", body=UpdatePoolRequest, response=PoolOut)
def update_pool(call: Call, pool_id: str) -> PoolOut:
    return PoolOut.of(_pools().update_pool(call.who, pool_id, name=call.body.name, status=call.body.status))


# -- investors -------------------------------------------------------------------


@api.route(
    "/pools/{pool_id}/investors",
    "GET",
    summary="The pool's investors, paginated",
    response=InvestorList,
    query=("limit", "cursor", "q"),
    tag="investors",
)
def list_investors(call: Call, pool_id: str) -> InvestorList:
    pool, page = _pools().list_investors(
        call.who,
        pool_id,
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
        search=call.query.get("q"),
    )
    return InvestorList(items=[InvestorOut.of(i, pool) for i in page.items], next_cursor=page.next_cursor)


@api.route(
    "/pools/{pool_id}/investors",
    "POST",
    summary="Add an investor",
    body=AddInvestorRequest,
    response=InvestorOut,
    status=201,
    tag="investors",
)
def add_investor(call: Call, pool_id: str) -> InvestorOut:
    svc = _pools()
    investor = svc.add_investor(call.who, pool_id, name=call.body.name, email=call.body.email)
    return InvestorOut.of(investor, svc.get_pool(call.who, pool_id))


@api.route("/pools/{pool_id}/investors/{investor_id}", "GET", summary="One investor", response=InvestorOut, tag="investors")
def get_investor(call: Call, pool_id: str, investor_id: str) -> InvestorOut:
    svc = _pools()
    pool = svc.get_pool(call.who, pool_id)
    return InvestorOut.of(svc.get_investor(call.who, pool_id, investor_id), pool)


@api.route(
    "/pools/{pool_id}/investors/{investor_id}/statement",
    "GET",
    summary="An investor's statement: contributions, withdrawals and payouts, oldest first",
    response=StatementOut,
    tag="investors",
)
def investor_statement(call: Call, pool_id: str, investor_id: str) -> StatementOut:
    pool, investor, lines = _pools().statement(call.who, pool_id, investor_id)
    return StatementOut(
        pool=PoolOut.of(pool),
        investor=InvestorOut.of(investor, pool),
        lines=[
            StatementLineOut(
                entry_id=line.entry.id,
                type=line.entry.type.value,
                created_at=line.entry.created_at,
                amount=line.amount,
                units=line.units,
                nav_per_unit=line.entry.nav_per_unit,
                memo=line.entry.memo,
            )
            for line in lines
        ],
    )


@api.route(
    "/pools/{pool_id}/investors/{investor_id}",
    "DELETE",
    summary="Remove an investor holding no units (history is kept)",
    response=InvestorOut,
    tag="investors",
)
def remove_investor(call: Call, pool_id: str, investor_id: str) -> InvestorOut:
    svc = _pools()
    svc.remove_investor(call.who, pool_id, investor_id)
    return InvestorOut.of(svc.get_investor(call.who, pool_id, investor_id), svc.get_pool(call.who, pool_id))


# -- money movements -------------------------------------------------------------


@api.route(
    "/pools/{pool_id}/contributions",
    "POST",
    summary="Take a contribution; units are issued at NAV per unit",
    body=ContributionRequest,
    response=EntryOut,
    status=201,
    tag="money",
    idempotent=True,
)
def contribute(call: Call, pool_id: str) -> Reply:
    return _receipt(
        _pools().contribute(
            call.who,
            pool_id,
            investor_id=call.body.investor_id,
            amount=call.body.amount,
            idempotency_key=call.header("Idempotency-Key"),
        )
    )


@api.route(
    "/pools/{pool_id}/withdrawals",
    "POST",
    summary="Pay an investor out, by amount or by units",
    body=WithdrawalRequest,
    response=EntryOut,
    status=201,
    tag="money",
    idempotent=True,
)
def withdraw(call: Call, pool_id: str) -> Reply:
    return _receipt(
        _pools().withdraw(
            call.who,
            pool_id,
            investor_id=call.body.investor_id,
            amount=call.body.amount,
            units=call.body.units,
            idempotency_key=call.header("Idempotency-Key"),
        )
    )


@api.route(
    "/pools/{pool_id}/distributions",
    "POST",
    summary="Pay out cash pro rata by units",
    body=DistributionRequest,
    response=DistributionOut,
    status=201,
    tag="money",
    idempotent=True,
)
def distribute(call: Call, pool_id: str) -> Reply:
    return _receipt(
        _pools().distribute(
            call.who,
            pool_id,
            amount=call.body.amount,
            memo=call.body.memo,
            idempotency_key=call.header("Idempotency-Key"),
            preview_id=call.body.preview_id,
        )
    )


@api.route(
    "/pools/{pool_id}/distributions/preview",
    "POST",
    summary="Every investor's share of a distribution, as it would be paid now (nothing is paid)",
    body=DistributionPreviewRequest,
    response=DistributionPreviewOut,
    tag="money",
)
def preview_distribution(call: Call, pool_id: str) -> DistributionPreviewOut:
    preview = _pools().preview_distribution(call.who, pool_id, amount=call.body.amount)
    pool = preview.pool
    return DistributionPreviewOut(
        preview_id=preview.preview_id,
        amount=sum((a.amount for _, a in preview.shares), Decimal(0)),
        currency=pool.currency,
        nav_per_unit=pool.nav_per_unit,
        units=pool.units,
        allocations=[PreviewShareOut(investor_id=i.id, name=i.name, units=a.units, amount=a.amount) for i, a in preview.shares],
    )


@api.route(
    "/pools/{pool_id}/trades",
    "POST",
    summary="Record a trade (for managers without a broker feed)",
    body=TradeRequest,
    response=EntryOut,
    status=201,
    tag="money",
    idempotent=True,
)
def record_trade(call: Call, pool_id: str) -> Reply:
    b = call.body
    return _receipt(
        _pools().trade(
            call.who,
            pool_id,
            symbol=b.symbol,
            side=b.side,
            quantity=b.quantity,
            price=b.price,
            fees=b.fees,
            memo=b.memo,
            idempotency_key=call.header("Idempotency-Key"),
        )
    )


# -- history ---------------------------------------------------------------------


@api.route(
    "/pools/{pool_id}/activity",
    "GET",
    summary="The pool's ledger, newest first",
    response=EntryList,
    query=("limit", "cursor", "type", "investor_id"),
    tag="history",
)
def activity(call: Call, pool_id: str) -> EntryList:
    page = _pools().activity(
        call.who,
        pool_id,
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
        types=call.query.get("type"),
        investor_id=call.query.get("investor_id"),
    )
    return EntryList(items=[EntryOut.of(e) for e in page.items], next_cursor=page.next_cursor)


@api.route(
    "/pools/{pool_id}/distributions/{entry_id}",
    "GET",
    summary="A distribution with every investor's share",
    response=DistributionOut,
    tag="history",
)
def get_distribution(call: Call, pool_id: str, entry_id: str) -> DistributionOut:
    entry, shares = _pools().distribution(call.who, pool_id, entry_id)
    return DistributionOut.with_allocations(entry, shares)


# A chart's worth of points in one request.
NAV_HISTORY_MAX = 2000


@api.route(
    "/pools/{pool_id}/nav-history",
    "GET",
    summary="NAV and NAV per unit over time: the latest points, oldest first; the cursor pages back in time",
    response=NavHistory,
    query=("limit", "cursor"),
    tag="history",
    limit_max=NAV_HISTORY_MAX,
)
def nav_history(call: Call, pool_id: str) -> NavHistory:
    limit = page_limit(call.query.get("limit"), default=500, maximum=NAV_HISTORY_MAX)
    page = _pools().nav_history(call.who, pool_id, limit=limit, cursor=call.query.get("cursor"))
    return NavHistory(items=[NavPointOut.of(p) for p in page.items], next_cursor=page.next_cursor)


# -- brokerage -------------------------------------------------------------------


@api.route(
    "/pools/{pool_id}/brokerage",
    "PUT",
    summary="Link the pool to a brokerage account (one account, one pool)",
    body=LinkBrokerageRequest,
    response=BrokerageOut,
    tag="brokerage",
)
def link_brokerage(call: Call, pool_id: str) -> BrokerageOut:
    link = wiring.brokerage_service().link(call.who, pool_id, broker=call.body.broker, account_id=call.body.account_id)
    return BrokerageOut(**link.__dict__)


@api.route("/pools/{pool_id}/brokerage", "GET", summary="The pool's brokerage account", response=BrokerageOut, tag="brokerage")
def get_brokerage(call: Call, pool_id: str) -> BrokerageOut:
    link = wiring.brokerage_service().link_of(call.who, pool_id)
    if link is None:
        raise NotFound("this pool is not linked to a brokerage account", code="brokerage_not_linked")
    return BrokerageOut(**link.__dict__)


@api.route(
    "/pools/{pool_id}/webhook-events",
    "GET",
    summary="Brokerage events for this pool, applied or parked with their reason",
    response=WebhookEventList,
    query=("limit", "cursor"),
    tag="brokerage",
)
def pool_webhook_events(call: Call, pool_id: str) -> WebhookEventList:
    page = wiring.brokerage_service().events_for_pool(
        call.who, pool_id, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor")
    )
    return _event_list(page)


def _event_list(page: Page[StoredEvent]) -> WebhookEventList:
    items = [
        WebhookEventOut(
            broker=e.broker,
            event_id=e.event_id,
            type=e.type,
            status=e.status,  # type: ignore[arg-type]
            reason=e.reason or None,
            entry_id=e.entry_id or None,
            received_at=e.received_at,
        )
        for e in page.items
    ]
    return WebhookEventList(items=items, next_cursor=page.next_cursor)


@api.route(
    "/webhook-events/unlinked",
    "GET",
    summary="Finance: brokerage events parked because no pool is linked to their account",
    response=WebhookEventList,
    query=("limit", "cursor"),
    tag="brokerage",
)
def unlinked_webhook_events(call: Call) -> WebhookEventList:
    page = wiring.brokerage_service().unlinked_events(
        call.who, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor")
    )
    return _event_list(page)


@api.route(
    "/webhooks/{broker}",
    "POST",
    summary="Receive a signed brokerage event (see docs/webhooks.md)",
    response=WebhookAccepted,
    status=202,
    auth=False,
    tag="brokerage",
    also=((200, "Already received: an event id seen before is stored once and acknowledged again"),),
)
def receive_webhook(call: Call, broker: str) -> Reply:
    try:
        if len(call.raw_body) > MAX_BODY_BYTES:
            raise InvalidInput(f"request body is larger than {MAX_BODY_BYTES} bytes", code="body_too_large")
        new, event_id = wiring.brokerage_service().receive(broker, call.header("Pooldesk-Signature"), call.raw_body)
    except DomainError:
        observability.count("WebhooksRejected")
        raise
    observability.count("WebhooksAccepted" if new else "WebhooksDuplicate")
    if new:
        return Reply(WebhookAccepted(status="accepted", id=event_id), 202)
    return Reply(WebhookAccepted(status="duplicate", id=event_id), 200)


# -- stream consumers ------------------------------------------------------------


@app.lambda_function(name="apply_webhook_events")
def apply_webhook_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The events table's stream: apply each new event to its pool (partial batch failures reported)."""
    return streams.apply_webhook_events(event, context)


@app.lambda_function(name="apply_market_ticks")
def apply_market_ticks(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Market ticks from Kinesis: conflate per symbol, revalue each affected pool once per batch."""
    return streams.apply_market_ticks(event, context)


# -- market data -----------------------------------------------------------------


@api.route("/prices/{symbol}", "GET", summary="The latest market price received for a symbol", response=PriceOut, tag="market")
def latest_price(call: Call, symbol: str) -> PriceOut:
    point = wiring.market_data().latest(call.who, symbol)
    return PriceOut(symbol=point.symbol, price=point.price, ts=point.ts)


@app.lambda_function(name="notify_pool_changes")
def notify_pool_changes(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The pools table's stream: push pool, activity and investor changes to WebSocket subscribers."""
    return streams.notify_pool_changes(event, context)


# -- WebSocket -------------------------------------------------------------------

app.experimental_feature_flags.update(["WEBSOCKETS"])


@app.on_ws_connect()
def ws_connect(event: WebsocketEvent) -> Response:
    # No authorizer runs on $connect: the token is checked here.
    token = (event.to_dict().get("queryStringParameters") or {}).get("token")
    try:
        wiring.live_updates().connect(event.connection_id, token)
    except DomainError as exc:
        return Response(body=json.dumps({"error": {"code": exc.code, "message": exc.message}}), status_code=401)
    return Response(body="", status_code=200)


@app.on_ws_disconnect()
def ws_disconnect(event: WebsocketEvent) -> None:
    wiring.live_updates().disconnect(event.connection_id)


@app.on_ws_message()
def ws_message(event: WebsocketEvent) -> None:
    wiring.live_updates().receive(event.connection_id, event.body)


@app.lambda_function(name="send_alerts")
def send_alerts(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The pools table's stream: email finance about large withdrawals and distributions, once per cause."""
    return streams.send_alerts(event, context)


# -- alerts ----------------------------------------------------------------------


@api.route(
    "/pools/{pool_id}/alert-settings",
    "GET",
    summary="Who is emailed about this pool, and when",
    response=AlertSettingsOut,
    tag="alerts",
)
def get_alert_settings(call: Call, pool_id: str) -> AlertSettingsOut:
    _pools().get_pool(call.who, pool_id)
    s = wiring.alerts().settings_of(pool_id)
    return AlertSettingsOut(recipients=list(s.recipients), withdrawal_threshold=s.withdrawal_threshold)


@api.route(
    "/pools/{pool_id}/alert-settings",
    "PUT",
    summary="Set alert recipients and the withdrawal threshold",
    body=AlertSettingsRequest,
    response=AlertSettingsOut,
    tag="alerts",
)
def put_alert_settings(call: Call, pool_id: str) -> AlertSettingsOut:
    s = wiring.alerts().configure(call.who, pool_id, recipients=call.body.recipients, threshold=call.body.withdrawal_threshold)
    return AlertSettingsOut(recipients=list(s.recipients), withdrawal_threshold=s.withdrawal_threshold)


# 02:00 UTC, after the day's trading and before anyone reads the morning's figures.
RECONCILE_SCHEDULE = Cron(0, 2, "*", "?", "*", "*")


@app.schedule(RECONCILE_SCHEDULE, name="reconcile_ledgers", description="Refold every pool's ledger; email finance on drift")
def reconcile_ledgers(event: CloudWatchEvent) -> dict[str, Any]:
    """Nightly: every pool's stored balances against a fold of its ledger (also `make reconcile`)."""
    return streams.reconcile_ledgers()


@app.lambda_function(name="alert_dead_letters")
def alert_dead_letters(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS dead-letter queues: tell finance about every record a consumer gave up on."""
    return streams.alert_dead_letters(event, context)


@api.route(
    "/alerts",
    "GET",
    summary="Finance: the alert emails sent, newest first",
    response=SentAlertList,
    query=("limit", "cursor"),
    tag="alerts",
)
def sent_alerts(call: Call) -> SentAlertList:
    page = wiring.alerts().sent(call.who, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor"))
    return SentAlertList(
        items=[
            SentAlertOut(
                id=a.cause, subject=a.subject, text=a.text, recipients=list(a.recipients), pool_id=a.pool_id, sent_at=a.sent_at
            )
            for a in page.items
        ],
        next_cursor=page.next_cursor,
    )
