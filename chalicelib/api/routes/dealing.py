"""Forward dealing: orders wait for their dealing day; a valuation struck from the
day's prices is proposed by the manager and approved by finance (never the
proposer), and only then do the day's orders settle."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import OrderRequest, ProposeValuationRequest, RejectValuationRequest
from chalicelib.api.dealing_schemas import OrderList, OrderOut, ValuationList, ValuationOut
from chalicelib.api.http import Call, Reply
from chalicelib.api.params import optional_text, page_limit
from chalicelib.services.dealing import DealingService

from .common import area, created

bp, api = area(__name__)


def dealing() -> DealingService:
    return wiring.dealing_service()


@api.route(
    "/pools/{pool_id}/orders",
    "POST",
    summary="Place a subscription or redemption; it deals at its dealing day's approved NAV",
    body=OrderRequest,
    response=OrderOut,
    status=201,
    tag="dealing",
    idempotent=True,
)
def place_order(call: Call, pool_id: str) -> Reply:
    b = call.body
    order, replayed = dealing().place_order(
        call.who,
        pool_id,
        investor_id=b.investor_id,
        type_=b.type,
        amount=b.amount,
        units=b.units,
        dealing_date=b.dealing_date,
        idempotency_key=call.header("Idempotency-Key"),
    )
    return created(OrderOut.of(order), replayed)


@api.route(
    "/pools/{pool_id}/orders",
    "GET",
    summary="Orders in queue order (oldest first); ?status=pending|settled|cancelled|carried",
    response=OrderList,
    query=("limit", "cursor", "status"),
    tag="dealing",
)
def list_orders(call: Call, pool_id: str) -> OrderList:
    page = dealing().list_orders(
        call.who,
        pool_id,
        status=optional_text(call.query.get("status")),
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
    )
    return OrderList.of(page, OrderOut.of)


@api.route("/pools/{pool_id}/orders/{order_id}", "GET", summary="One order", response=OrderOut, tag="dealing")
def get_order(call: Call, pool_id: str, order_id: str) -> OrderOut:
    return OrderOut.of(dealing().get_order(call.who, pool_id, order_id))


@api.route(
    "/pools/{pool_id}/orders/{order_id}",
    "DELETE",
    summary="Cancel a pending order (refused once a valuation that settles it is proposed)",
    response=OrderOut,
    tag="dealing",
)
def cancel_order(call: Call, pool_id: str, order_id: str) -> OrderOut:
    return OrderOut.of(dealing().cancel_order(call.who, pool_id, order_id))


@api.route(
    "/pools/{pool_id}/valuations",
    "POST",
    summary="Propose the NAV for a dealing day, struck from frozen prices, with every order's settlement",
    body=ProposeValuationRequest,
    response=ValuationOut,
    status=201,
    tag="dealing",
    idempotent=True,
)
def propose_valuation(call: Call, pool_id: str) -> Reply:
    valuation, replayed = dealing().propose(
        call.who, pool_id, dealing_date=call.body.dealing_date, idempotency_key=call.header("Idempotency-Key")
    )
    return created(ValuationOut.of(valuation), replayed)


@api.route(
    "/pools/{pool_id}/valuations",
    "GET",
    summary="Valuations newest first: the official NAVs (status=locked), and those proposed or rejected",
    response=ValuationList,
    query=("limit", "cursor", "status"),
    tag="dealing",
)
def list_valuations(call: Call, pool_id: str) -> ValuationList:
    page = dealing().list_valuations(
        call.who,
        pool_id,
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
        status=optional_text(call.query.get("status")),
    )
    return ValuationList.of(page, ValuationOut.of)


@api.route(
    "/pools/{pool_id}/valuations/{valuation_id}",
    "GET",
    summary="A valuation with its prices and every order's settlement",
    response=ValuationOut,
    tag="dealing",
)
def get_valuation(call: Call, pool_id: str, valuation_id: str) -> ValuationOut:
    return ValuationOut.of(dealing().get_valuation(call.who, pool_id, valuation_id))


@api.route(
    "/pools/{pool_id}/valuations/{valuation_id}/approve",
    "POST",
    summary="Finance approves (never the proposer): the NAV is locked and every order of the day settles at it",
    response=ValuationOut,
    tag="dealing",
    idempotent=True,
)
def approve_valuation(call: Call, pool_id: str, valuation_id: str) -> ValuationOut:
    return ValuationOut.of(dealing().approve(call.who, pool_id, valuation_id, idempotency_key=call.header("Idempotency-Key")))


@api.route(
    "/pools/{pool_id}/valuations/{valuation_id}/reject",
    "POST",
    summary="Reject a proposed valuation, saying why; its orders wait for the next proposal",
    body=RejectValuationRequest,
    response=ValuationOut,
    tag="dealing",
)
def reject_valuation(call: Call, pool_id: str, valuation_id: str) -> ValuationOut:
    return ValuationOut.of(dealing().reject(call.who, pool_id, valuation_id, reason=call.body.reason))
