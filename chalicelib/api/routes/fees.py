"""Fees: a forward pool's management and performance fees, what it owes and is
accruing, and paying what it owes to the payee."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import FeesRequest, PayFeesRequest
from chalicelib.api.fee_schemas import AccruedOut, FeesOut
from chalicelib.api.http import Call, Reply
from chalicelib.api.schemas import EntryOut
from chalicelib.domain.fees import parse_fees

from .common import area, created

bp, api = area(__name__)


@api.route(
    "/pools/{pool_id}/fees",
    "PUT",
    summary="Set the pool's fees: management, performance above a high-water mark with a hurdle, crystallisation",
    body=FeesRequest,
    response=FeesOut,
    tag="fees",
)
def set_fees(call: Call, pool_id: str) -> FeesOut:
    b = call.body
    policy = parse_fees(
        management_rate=b.management_rate,
        performance_rate=b.performance_rate,
        hurdle_rate=b.hurdle_rate,
        crystallisation=b.crystallisation,
        payee=b.payee,
    )
    return FeesOut.of(wiring.dealing_service().set_fees(call.who, pool_id, policy))


@api.route("/pools/{pool_id}/fees", "GET", summary="The pool's fees and what it owes", response=FeesOut, tag="fees")
def get_fees(call: Call, pool_id: str) -> FeesOut:
    return FeesOut.of(wiring.pool_service().get_pool(call.who, pool_id))


@api.route(
    "/pools/{pool_id}/fees/accrued",
    "GET",
    summary="Fees payable, the management fee accrued since the last valuation, and each investor's performance fee",
    response=AccruedOut,
    tag="fees",
)
def accrued_fees(call: Call, pool_id: str) -> AccruedOut:
    pool, accrued = wiring.dealing_service().accrued_fees(call.who, pool_id)
    return AccruedOut.of(pool, accrued)


@api.route(
    "/pools/{pool_id}/fees/pay",
    "POST",
    summary="Pay fees payable to the payee from cash (all that cash allows, or an amount)",
    body=PayFeesRequest,
    response=EntryOut,
    status=201,
    tag="fees",
    idempotent=True,
)
def pay_fees(call: Call, pool_id: str) -> Reply:
    entry, replayed = wiring.dealing_service().pay_fees(
        call.who, pool_id, amount=call.body.amount, idempotency_key=call.header("Idempotency-Key")
    )
    return created(EntryOut.of(entry), replayed)
