"""Money movements: contributions, withdrawals, distributions (with a preview) and trades.

Each takes an Idempotency-Key: the same key and body answer the first result and move nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

from chalice.app import Response
from pydantic import BaseModel

from chalicelib import wiring
from chalicelib.api.bodies import (
    ContributionRequest,
    DistributionPreviewRequest,
    DistributionRequest,
    ReverseRequest,
    TradeRequest,
    WithdrawalRequest,
)
from chalicelib.api.dealing_schemas import ApprovalOut
from chalicelib.api.http import Call, Reply
from chalicelib.api.schemas import DistributionOut, DistributionPreviewOut, EntryOut
from chalicelib.domain.approvals import Approval
from chalicelib.services.commands import Receipt

from .common import area, pools, receipt

bp, api = area(__name__)


def movement(
    path: str, summary: str, body: type[BaseModel], response: type[BaseModel] = EntryOut, *, guarded: bool = False
) -> Callable[[Callable[..., Reply | BaseModel]], Callable[..., Response]]:
    """A route that moves money: POST, 201 with the ledger entry, an Idempotency-Key honoured;
    ``guarded``: 202 with the approval when the pool's finance must approve it first."""
    held = ApprovalOut if guarded else None
    return api.route(
        path, "POST", summary=summary, body=body, response=response, status=201, tag="money", idempotent=True, accepted=held
    )


def receipt_or_held(result: Receipt | Approval) -> Reply:
    """The movement's entry, or (four eyes) 202 and the approval it waits for: nothing moved."""
    if isinstance(result, Approval):
        return Reply(ApprovalOut.of(result), 202)
    return receipt(result)


@movement("/pools/{pool_id}/contributions", "Take a contribution; units are issued at NAV per unit", ContributionRequest)
def contribute(call: Call, pool_id: str) -> Reply:
    b = call.body
    return receipt(
        pools().contribute(
            call.who, pool_id, investor_id=b.investor_id, amount=b.amount, idempotency_key=call.header("Idempotency-Key")
        )
    )


@movement("/pools/{pool_id}/withdrawals", "Pay an investor out, by amount or by units", WithdrawalRequest, guarded=True)
def withdraw(call: Call, pool_id: str) -> Reply:
    b = call.body
    return receipt_or_held(
        wiring.approvals().withdraw(
            call.who,
            pool_id,
            investor_id=b.investor_id,
            amount=b.amount,
            units=b.units,
            idempotency_key=call.header("Idempotency-Key"),
        )
    )


@movement("/pools/{pool_id}/distributions", "Pay out cash pro rata by units", DistributionRequest, DistributionOut, guarded=True)
def distribute(call: Call, pool_id: str) -> Reply:
    b = call.body
    return receipt_or_held(
        wiring.approvals().distribute(
            call.who,
            pool_id,
            amount=b.amount,
            memo=b.memo,
            idempotency_key=call.header("Idempotency-Key"),
            preview_id=b.preview_id,
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
    return DistributionPreviewOut.of(pools().preview_distribution(call.who, pool_id, amount=call.body.amount))


@movement("/pools/{pool_id}/trades", "Record a trade (for managers without a broker feed)", TradeRequest)
def record_trade(call: Call, pool_id: str) -> Reply:
    b = call.body
    return receipt(
        pools().trade(
            call.who,
            pool_id,
            symbol=b.symbol,
            side=b.side,
            quantity=b.quantity,
            price=b.price,
            fees=b.fees,
            memo=b.memo,
            idempotency_key=call.header("Idempotency-Key"),
            trade_date=b.trade_date,
        )
    )


@movement(
    "/pools/{pool_id}/entries/{entry_id}/reverse",
    "Undo a wrong entry with a reversal entry (the ledger is never edited); the original names its reversal",
    ReverseRequest,
    guarded=True,
)
def reverse_entry(call: Call, pool_id: str, entry_id: str) -> Reply:
    return receipt_or_held(
        wiring.approvals().reverse(
            call.who, pool_id, entry_id, reason=call.body.reason, idempotency_key=call.header("Idempotency-Key")
        )
    )
