"""A forward pool's orders and valuations, and the approvals a pool's movements
wait for, as items of the pools table (beside the pool's other items; the layout
is described in chalicelib/resources.py)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chalicelib.adapters.attributes import DAY, FLAG, INTEGER, MONEY, PER_UNIT, TEXT, TIME, UNITS, Choice, Codec, Item, Shape
from chalicelib.adapters.pool_items import key, pool_pk
from chalicelib.domain import money
from chalicelib.domain.approvals import Approval, ApprovalStatus
from chalicelib.domain.orders import Order, OrderStatus, OrderType
from chalicelib.domain.valuations import PricedPosition, Settlement, Valuation, ValuationStatus

ORDERS, VALUATIONS, SETTLEMENT_CHUNKS = "ORDER#", "VALUATION#", "VALSET#"
# A valuation's settlements are stored with it in chunks of this many orders (an item holds at most 400 KB).
SETTLEMENT_CHUNK = 1000


def order_sk(order_id: str) -> str:
    return f"{ORDERS}{order_id}"


def valuation_sk(valuation_id: str) -> str:
    return f"{VALUATIONS}{valuation_id}"


def settlement_chunk_sk(valuation_id: str, n: int) -> str:
    return f"{SETTLEMENT_CHUNKS}{valuation_id}#{n:05d}"


class _Texts(Codec[tuple[str, ...]]):
    def put(self, value: tuple[str, ...], currency: str) -> dict[str, Any]:
        return {"L": [{"S": v} for v in value]}

    def get(self, attr: dict[str, Any], currency: str) -> tuple[str, ...]:
        return tuple(v["S"] for v in attr["L"])


class _Priced(Codec[tuple[PricedPosition, ...]]):
    """The positions as struck: each with its frozen price and when the market printed it."""

    def put(self, value: tuple[PricedPosition, ...], currency: str) -> dict[str, Any]:
        rows = []
        for p in value:
            row = {"symbol": {"S": p.symbol}, "quantity": {"N": str(p.quantity)}, "price": {"N": str(p.price)}}
            row["market_value"] = {"N": str(p.market_value)}
            if p.priced_at is not None:
                row["priced_at"] = TIME.put(p.priced_at, currency)
            rows.append({"M": row})
        return {"L": rows}

    def get(self, attr: dict[str, Any], currency: str) -> tuple[PricedPosition, ...]:
        out = []
        for row in (r["M"] for r in attr["L"]):
            out.append(
                PricedPosition(
                    symbol=row["symbol"]["S"],
                    quantity=money.quantize_places(Decimal(row["quantity"]["N"]), money.QUANTITY_PLACES),
                    price=Decimal(row["price"]["N"]),
                    priced_at=TIME.get(row["priced_at"], currency) if "priced_at" in row else None,
                    market_value=money.quantize_money(Decimal(row["market_value"]["N"]), currency),
                )
            )
        return tuple(out)


ORDER: Shape[Order] = Shape(
    Order,
    {
        "id": TEXT,
        "pool_id": TEXT,
        "investor_id": TEXT,
        "type": Choice(OrderType),
        "received_at": TIME,
        "dealing_date": DAY,
        "amount": MONEY,
        "units": UNITS,
        "status": Choice(OrderStatus),
        "investor_name": TEXT,
        "placed_by": TEXT,
        "settled_amount": MONEY,
        "settled_units": UNITS,
        "fee": MONEY,
        "valuation_id": TEXT,
    },
    {"investor_name": "", "placed_by": "", "settled_amount": money.ZERO, "settled_units": money.ZERO, "fee": money.ZERO},
)


def _valuation(**fields: Any) -> Valuation:
    # Its settlements are stored in chunks beside it (settlements_of reads them).
    return Valuation(settlements=(), **fields)


VALUATION: Shape[Valuation] = Shape(
    _valuation,
    {
        "id": TEXT,
        "pool_id": TEXT,
        "dealing_date": DAY,
        "status": Choice(ValuationStatus),
        "cash": MONEY,
        "nav": MONEY,
        "units": UNITS,
        "unit_price": PER_UNIT,
        "positions": _Priced(),
        "warnings": _Texts(),
        "proposed_by": TEXT,
        "proposed_at": TIME,
        "decided_by": TEXT,
        "decided_at": TIME,
        "reason": TEXT,
        "settled": FLAG,
        "proposed_by_name": TEXT,
        "decided_by_name": TEXT,
        "fees_payable": MONEY,
        "management_fee": MONEY,
        "fee_days": INTEGER,
        "performance_accrued": MONEY,
        "crystallises": FLAG,
        "performance_crystallising": MONEY,
    },
    {
        "positions": (),
        "warnings": (),
        "settled": False,
        "fees_payable": money.ZERO,
        "management_fee": money.ZERO,
        "fee_days": 0,
        "performance_accrued": money.ZERO,
        "crystallises": False,
        "performance_crystallising": money.ZERO,
    },
)


def order_item(order: Order, currency: str) -> Item:
    return {
        **key(pool_pk(order.pool_id), order_sk(order.id)),
        "kind": {"S": "order"},
        "currency": {"S": currency},
        **ORDER.attributes(order, currency),
    }


def order_of(item: Item) -> Order:
    return ORDER.entity(item)


def valuation_item(valuation: Valuation, currency: str) -> Item:
    attributes = VALUATION.attributes(valuation, currency)
    return {
        **key(pool_pk(valuation.pool_id), valuation_sk(valuation.id)),
        "kind": {"S": "valuation"},
        "currency": {"S": currency},
        **attributes,
    }


def valuation_of(item: Item) -> Valuation:
    return VALUATION.entity(item)


def settlement_chunks(valuation: Valuation) -> list[Item]:
    chunks = []
    for n, start in enumerate(range(0, len(valuation.settlements), SETTLEMENT_CHUNK)):
        rows = [
            {
                "L": [
                    {"S": str(v)}
                    for v in (s.order_id, s.investor_id, s.type.value, s.amount, s.units, s.fee, s.fraction, s.performance_fee)
                ]
            }
            for s in valuation.settlements[start : start + SETTLEMENT_CHUNK]
        ]
        chunks.append(
            {
                **key(pool_pk(valuation.pool_id), settlement_chunk_sk(valuation.id, n)),
                "kind": {"S": "settlements"},
                "rows": {"L": rows},
            }
        )
    return chunks


def settlements_of(chunks: list[Item]) -> tuple[Settlement, ...]:
    out = []
    for chunk in chunks:
        for row in chunk["rows"]["L"]:
            order_id, investor_id, type_, amount, units, fee, fraction, *rest = (v["S"] for v in row["L"])
            out.append(
                Settlement(
                    order_id,
                    investor_id,
                    OrderType(type_),
                    Decimal(amount),
                    Decimal(units),
                    Decimal(fee),
                    Decimal(fraction),
                    Decimal(rest[0]) if rest else money.ZERO,  # stored before fees existed: none
                )
            )
    return tuple(out)


# -- four-eyes approvals -------------------------------------------------------------

APPROVALS, APPROVAL_INDEX = "APPROVAL#", "APPROVALS"


def approval_sk(approval_id: str) -> str:
    return f"{APPROVALS}{approval_id}"


class _Request(Codec[Mapping[str, str | None]]):
    """The original command's arguments, as given."""

    def put(self, value: Mapping[str, str | None], currency: str) -> dict[str, Any]:
        return {"M": {k: ({"NULL": True} if v is None else {"S": v}) for k, v in value.items()}}

    def get(self, attr: dict[str, Any], currency: str) -> Mapping[str, str | None]:
        return {k: (None if "NULL" in v else v["S"]) for k, v in attr["M"].items()}


APPROVAL: Shape[Approval] = Shape(
    Approval,
    {
        "id": TEXT,
        "pool_id": TEXT,
        "operation": TEXT,
        "request": _Request(),
        "why": TEXT,
        "requested_by": TEXT,
        "requested_at": TIME,
        "status": Choice(ApprovalStatus),
        "requested_by_name": TEXT,
        "requested_by_email": TEXT,
        "decided_by": TEXT,
        "decided_by_name": TEXT,
        "decided_at": TIME,
        "reason": TEXT,
        "entry_id": TEXT,
    },
    {"requested_by_email": ""},
)


def approval_item(approval: Approval, currency: str) -> Item:
    return {
        **key(pool_pk(approval.pool_id), approval_sk(approval.id)),
        "kind": {"S": "approval"},
        "currency": {"S": currency},
        "GSI2PK": {"S": APPROVAL_INDEX},
        "GSI2SK": {"S": approval.id},
        **APPROVAL.attributes(approval, currency),
    }


def approval_of(item: Item) -> Approval:
    return APPROVAL.entity(item)
