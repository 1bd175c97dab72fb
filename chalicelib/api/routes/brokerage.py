"""Brokerage accounts, their signed webhooks, and the events they posted."""

from __future__ import annotations

from chalicelib import observability, wiring
from chalicelib.api.bodies import LinkBrokerageRequest
from chalicelib.api.http import MAX_BODY_BYTES, Call, Reply
from chalicelib.api.params import page_limit
from chalicelib.api.service_schemas import BrokerageOut, WebhookAccepted, WebhookEventList, WebhookEventOut
from chalicelib.domain.errors import DomainError, InvalidInput, NotFound

from .common import area

bp, api = area(__name__)


@api.route(
    "/pools/{pool_id}/brokerage",
    "PUT",
    summary="Ask to link the pool to a brokerage account (one account, one pool): its events apply once finance approves",
    body=LinkBrokerageRequest,
    response=BrokerageOut,
    tag="brokerage",
)
def link_brokerage(call: Call, pool_id: str) -> BrokerageOut:
    return BrokerageOut.of(
        wiring.brokerage_service().link(call.who, pool_id, broker=call.body.broker, account_id=call.body.account_id)
    )


@api.route(
    "/pools/{pool_id}/brokerage/approve",
    "POST",
    summary="Finance approves the pool's pending brokerage link: the account's events apply to the pool from now on",
    response=BrokerageOut,
    tag="brokerage",
)
def approve_brokerage(call: Call, pool_id: str) -> BrokerageOut:
    return BrokerageOut.of(wiring.brokerage_service().approve_link(call.who, pool_id))


@api.route(
    "/pools/{pool_id}/brokerage/decline",
    "POST",
    summary="Finance declines the pool's pending brokerage link: the account is free again",
    response=BrokerageOut,
    tag="brokerage",
)
def decline_brokerage(call: Call, pool_id: str) -> BrokerageOut:
    return BrokerageOut.of(wiring.brokerage_service().decline_link(call.who, pool_id))


@api.route("/pools/{pool_id}/brokerage", "GET", summary="The pool's brokerage account", response=BrokerageOut, tag="brokerage")
def get_brokerage(call: Call, pool_id: str) -> BrokerageOut:
    link = wiring.brokerage_service().link_of(call.who, pool_id)
    if link is None:
        raise NotFound("this pool is not linked to a brokerage account", code="brokerage_not_linked")
    return BrokerageOut.of(link)


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
    return WebhookEventList.of(page, WebhookEventOut.of)


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
    return WebhookEventList.of(page, WebhookEventOut.of)


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
