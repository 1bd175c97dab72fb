"""An instant pool's withdrawal requests as items of the pools table: ``REQUEST#<id>``
in the pool's partition (ids sort by arrival), written with the pool's commits."""

from __future__ import annotations

from chalicelib.adapters.attributes import MONEY, TEXT, TIME, UNITS, Choice, Item, Shape
from chalicelib.adapters.pool_items import key, pool_pk
from chalicelib.domain.withdrawal_requests import RequestStatus, WithdrawalRequest

REQUESTS = "REQUEST#"


def request_sk(request_id: str) -> str:
    return f"{REQUESTS}{request_id}"


REQUEST: Shape[WithdrawalRequest] = Shape(
    WithdrawalRequest,
    {
        "id": TEXT,
        "pool_id": TEXT,
        "investor_id": TEXT,
        "investor_name": TEXT,
        "amount": MONEY,
        "units": UNITS,
        "requested_at": TIME,
        "requested_by": TEXT,
        "status": Choice(RequestStatus),
        "decided_at": TIME,
        "decided_by_name": TEXT,
        "reason": TEXT,
        "entry_id": TEXT,
        "approval_id": TEXT,
    },
    {},
)


def request_item(request: WithdrawalRequest, currency: str) -> Item:
    return {
        **key(pool_pk(request.pool_id), request_sk(request.id)),
        "kind": {"S": "withdrawal-request"},
        "currency": {"S": currency},
        **REQUEST.attributes(request, currency),
    }


def request_of(item: Item) -> WithdrawalRequest:
    return REQUEST.entity(item)
