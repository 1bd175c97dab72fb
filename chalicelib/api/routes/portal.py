"""The investor portal (/me/…): a signed-in investor's own holdings, their pools'
public figures, their own activity, statements and orders. What is not theirs
answers 404, however it is asked for."""

from __future__ import annotations

from dataclasses import replace

from chalicelib import wiring
from chalicelib.api.bodies import EmailPreferencesRequest, MyOrderRequest, WithdrawalRequestBody
from chalicelib.api.dealing_schemas import OrderList, OrderOut
from chalicelib.api.http import Call, Reply
from chalicelib.api.params import page_limit
from chalicelib.api.performance_schemas import PoolPerformanceOut
from chalicelib.api.portal_schemas import (
    EmailPreferencesOut,
    HoldingList,
    HoldingOut,
    MyActivityPage,
    MyEntryOut,
    MyPoolOut,
    WithdrawalRequestList,
    WithdrawalRequestOut,
)
from chalicelib.api.statement_schemas import StatementOut

from .common import area, created

bp, api = area(__name__)


@api.route(
    "/me/holdings",
    "GET",
    summary="Every pool the investor is in: units, value, share and returns",
    response=HoldingList,
    tag="portal",
)
def my_holdings(call: Call) -> HoldingList:
    return HoldingList(items=[HoldingOut.of(h) for h in wiring.portal().holdings(call.who)])


@api.route(
    "/me/pools/{pool_id}",
    "GET",
    summary="One holding, with the pool's public figures: NAV per unit, its daily history and returns",
    response=MyPoolOut,
    tag="portal",
)
def my_pool(call: Call, pool_id: str) -> MyPoolOut:
    holding, figures = wiring.portal().holding(call.who, pool_id)
    return MyPoolOut(holding=HoldingOut.of(holding), performance=PoolPerformanceOut.of(holding.pool, figures))


@api.route(
    "/me/pools/{pool_id}/activity",
    "GET",
    summary="The investor's own movements in the pool, newest first (a distribution shows their share)",
    response=MyActivityPage,
    query=("limit", "cursor"),
    tag="portal",
)
def my_activity(call: Call, pool_id: str) -> MyActivityPage:
    page = wiring.portal().activity(call.who, pool_id, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor"))
    return MyActivityPage.of(page, MyEntryOut.of)


@api.route(
    "/me/pools/{pool_id}/statement",
    "GET",
    summary="The investor's statement for a period (?from=&to=, by default since the pool opened)",
    response=StatementOut,
    query=("from", "to"),
    tag="portal",
)
def my_statement(call: Call, pool_id: str) -> StatementOut:
    q = call.query
    return StatementOut.of(wiring.portal().statement(call.who, pool_id, start=q.get("from"), end=q.get("to")))


@api.route(
    "/me/pools/{pool_id}/orders",
    "GET",
    summary="The investor's own orders, oldest first",
    response=OrderList,
    query=("limit", "cursor"),
    tag="portal",
)
def my_orders(call: Call, pool_id: str) -> OrderList:
    page = wiring.portal().orders(call.who, pool_id, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor"))
    return OrderList.of(page, OrderOut.of)


@api.route(
    "/me/pools/{pool_id}/orders",
    "POST",
    summary="The investor places their own subscription or redemption (a forward pool); it deals at the approved NAV",
    body=MyOrderRequest,
    response=OrderOut,
    status=201,
    tag="portal",
    idempotent=True,
)
def place_my_order(call: Call, pool_id: str) -> Reply:
    b = call.body
    order, replayed = wiring.portal().place_order(
        call.who,
        pool_id,
        type_=b.type,
        amount=b.amount,
        units=b.units,
        dealing_date=b.dealing_date,
        idempotency_key=call.header("Idempotency-Key"),
    )
    return created(OrderOut.of(order), replayed)


@api.route(
    "/me/pools/{pool_id}/orders/{order_id}",
    "DELETE",
    summary="The investor cancels their own pending order (refused once a proposed valuation holds it)",
    response=OrderOut,
    tag="portal",
)
def cancel_my_order(call: Call, pool_id: str, order_id: str) -> OrderOut:
    return OrderOut.of(wiring.portal().cancel_order(call.who, pool_id, order_id))


@api.route("/me/email-preferences", "GET", summary="Which emails the investor gets", response=EmailPreferencesOut, tag="portal")
def my_email_preferences(call: Call) -> EmailPreferencesOut:
    return EmailPreferencesOut.of(wiring.portal().preferences(call.who))


@api.route(
    "/me/email-preferences",
    "PUT",
    summary="Turn each kind of email on or off: order settled, distribution paid, statement ready",
    body=EmailPreferencesRequest,
    response=EmailPreferencesOut,
    tag="portal",
)
def set_my_email_preferences(call: Call) -> EmailPreferencesOut:
    portal = wiring.portal()
    current = portal.preferences(call.who)
    changes = {k: v for k, v in call.body.model_dump().items() if v is not None}
    return EmailPreferencesOut.of(portal.save_preferences(call.who, replace(current, **changes)))


@api.route(
    "/me/pools/{pool_id}/withdrawal-requests",
    "GET",
    summary="The investor's own withdrawal requests (a pool that deals at once), newest first",
    response=WithdrawalRequestList,
    query=("limit", "cursor"),
    tag="portal",
)
def my_withdrawal_requests(call: Call, pool_id: str) -> WithdrawalRequestList:
    page = wiring.portal().my_requests(
        call.who, pool_id, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor")
    )
    return WithdrawalRequestList.of(page, WithdrawalRequestOut.of)


@api.route(
    "/me/pools/{pool_id}/withdrawal-requests",
    "POST",
    summary="The investor asks to withdraw an amount or units (a pool that deals at once); the manager accepts or declines",
    body=WithdrawalRequestBody,
    response=WithdrawalRequestOut,
    status=201,
    tag="portal",
    idempotent=True,
)
def request_withdrawal(call: Call, pool_id: str) -> Reply:
    b = call.body
    req, replayed = wiring.portal().request_withdrawal(
        call.who, pool_id, amount=b.amount, units=b.units, idempotency_key=call.header("Idempotency-Key")
    )
    return created(WithdrawalRequestOut.of(req), replayed)


@api.route(
    "/me/pools/{pool_id}/withdrawal-requests/{request_id}",
    "DELETE",
    summary="The investor cancels their own request while it waits",
    response=WithdrawalRequestOut,
    tag="portal",
)
def cancel_my_withdrawal_request(call: Call, pool_id: str, request_id: str) -> WithdrawalRequestOut:
    return WithdrawalRequestOut.of(wiring.portal().cancel_request(call.who, pool_id, request_id))
