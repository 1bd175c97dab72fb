"""Response bodies of forward dealing (orders, valuations) and of four eyes
(approvals); schemas.py has the rest of the fund."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import Field

from chalicelib.api.base import ApiModel
from chalicelib.domain.approvals import Approval, ApprovalPolicy, describe
from chalicelib.domain.orders import Order
from chalicelib.domain.valuations import PricedPosition, Settlement, Valuation

from .schemas import Amount, EntryOut, PageOut, Timestamp


class OrderOut(ApiModel):
    id: str
    pool_id: str
    investor_id: str
    investor_name: str
    type: Literal["subscription", "redemption"]
    status: Literal["pending", "settled", "cancelled", "carried"]
    amount: Amount | None = Field(description="cash asked for (what is left of it, once carried); null for units")
    units: Amount | None = Field(description="units asked to redeem (what is left, once carried); null for an amount")
    dealing_date: date | None = Field(description="the dealing day it deals on; null: at the next valuation proposed")
    received_at: Timestamp
    placed_by: str
    settled_amount: Amount = Field(description="cash moved so far (net of the fee, for a redemption)")
    settled_units: Amount
    fee: Amount = Field(description="early-redemption fees kept by the pool so far")
    valuation_id: str | None = Field(description="the approved valuation it last settled at")

    @classmethod
    def of(cls, o: Order) -> Self:
        return cls(
            id=o.id,
            pool_id=o.pool_id,
            investor_id=o.investor_id,
            investor_name=o.investor_name,
            type=o.type.value,
            status=o.status.value,
            amount=o.amount,
            units=o.units,
            dealing_date=o.dealing_date,
            received_at=o.received_at,
            placed_by=o.placed_by,
            settled_amount=o.settled_amount,
            settled_units=o.settled_units,
            fee=o.fee,
            valuation_id=o.valuation_id,
        )


class OrderList(PageOut[OrderOut]):
    pass


class PricedPositionOut(ApiModel):
    symbol: str
    quantity: Amount
    price: Amount = Field(description="frozen when proposed: what the orders settle at")
    priced_at: Timestamp | None = Field(description="when the market printed it; null when only a trade priced it")
    market_value: Amount

    @classmethod
    def of(cls, p: PricedPosition) -> Self:
        return cls(symbol=p.symbol, quantity=p.quantity, price=p.price, priced_at=p.priced_at, market_value=p.market_value)


class SettlementOut(ApiModel):
    id: str = Field(description="the order's id")
    investor_id: str
    type: Literal["subscription", "redemption"]
    amount: Amount = Field(description="cash in, or paid out net of the fee")
    units: Amount = Field(description="units issued or redeemed")
    fee: Amount = Field(description="the early-redemption fee, kept by the pool")
    performance_fee: Amount = Field(description="the performance fee the redeemed units accrued, owed to the payee")
    gated: bool
    fraction: Amount = Field(description="the share of what was asked that settles (1 unless gated)")

    @classmethod
    def of(cls, s: Settlement) -> Self:
        return cls(
            id=s.order_id,
            investor_id=s.investor_id,
            type=s.type.value,
            amount=s.amount,
            units=s.units,
            fee=s.fee,
            performance_fee=s.performance_fee,
            gated=s.gated,
            fraction=s.fraction,
        )


class ValuationFeesOut(ApiModel):
    """The fees a valuation charges, shown before it is approved."""

    gross_assets: Amount = Field(description="cash and positions at the frozen prices")
    fees_payable_before: Amount = Field(description="fees owed before this valuation")
    management_fee: Amount = Field(description="accrued over `days` at this valuation; NAV is after it")
    days: int
    performance_fee_accrued: Amount = Field(description="across investors' lots at this NAV per unit")
    crystallises: bool = Field(description="the last dealing day of a fee period: performance fees are collected")
    performance_fee_crystallising: Amount = Field(description="collected by cancelling units once the orders settle")
    performance_fee_on_redemptions: Amount = Field(description="collected from the day's redemptions")

    @classmethod
    def of(cls, v: Valuation) -> Self:
        on_redemptions = sum((s.performance_fee for s in v.settlements), v.management_fee * 0)
        return cls(
            gross_assets=v.gross_assets,
            fees_payable_before=v.fees_payable,
            management_fee=v.management_fee,
            days=v.fee_days,
            performance_fee_accrued=v.performance_accrued,
            crystallises=v.crystallises,
            performance_fee_crystallising=v.performance_crystallising,
            performance_fee_on_redemptions=on_redemptions,
        )


class ValuationOut(ApiModel):
    id: str
    pool_id: str
    dealing_date: date
    status: Literal["proposed", "locked", "rejected"]
    nav: Amount
    nav_per_unit: Amount
    units: Amount
    cash: Amount
    positions: list[PricedPositionOut]
    orders: list[SettlementOut]
    warnings: list[str]
    proposed_by: str
    proposed_by_name: str | None
    proposed_at: Timestamp
    decided_by: str | None
    decided_by_name: str | None
    decided_at: Timestamp | None
    reason: str | None
    settled: bool = Field(description="every order of an approved valuation is booked")
    fees: ValuationFeesOut

    @classmethod
    def of(cls, v: Valuation) -> Self:
        return cls(
            id=v.id,
            pool_id=v.pool_id,
            dealing_date=v.dealing_date,
            status=v.status.value,
            nav=v.nav,
            nav_per_unit=v.nav_per_unit,
            units=v.units,
            cash=v.cash,
            positions=[PricedPositionOut.of(p) for p in v.positions],
            orders=[SettlementOut.of(s) for s in v.settlements],
            warnings=list(v.warnings),
            proposed_by=v.proposed_by,
            proposed_by_name=v.proposed_by_name,
            proposed_at=v.proposed_at,
            decided_by=v.decided_by,
            decided_by_name=v.decided_by_name,
            decided_at=v.decided_at,
            reason=v.reason,
            settled=v.settled,
            fees=ValuationFeesOut.of(v),
        )


class ValuationList(PageOut[ValuationOut]):
    """Valuations newest first; each without its orders (GET one for them)."""


class ApprovalPolicyOut(ApiModel):
    withdrawal_over: Amount | None = Field(description="withdrawals at or above this share of NAV wait for finance")
    distributions: bool
    reversals: bool
    summary: str

    @classmethod
    def of(cls, p: ApprovalPolicy) -> Self:
        return cls(withdrawal_over=p.withdrawal_over, distributions=p.distributions, reversals=p.reversals, summary=describe(p))


class ApprovalOut(ApiModel):
    """A movement held for finance's approval (four eyes), and what became of it."""

    approval_id: str
    pool_id: str
    status: Literal["awaiting_approval", "approved", "rejected"]
    operation: Literal["withdrawal", "distribution", "reversal"]
    request: dict[str, str | None] = Field(description="the original request, replayed as given when approved")
    why: str = Field(description="why it needs approval")
    requested_by: str
    requested_by_name: str | None
    requested_at: Timestamp
    decided_by: str | None
    decided_by_name: str | None
    decided_at: Timestamp | None
    reason: str | None = Field(description="why it was rejected")
    entry_id: str | None = Field(description="the movement's ledger entry, once approved")

    @classmethod
    def of(cls, a: Approval) -> Self:
        return cls.model_validate(
            {
                "approval_id": a.id,
                "pool_id": a.pool_id,
                "status": a.status.value,
                "operation": a.operation,
                "request": dict(a.request),
                "why": a.why,
                "requested_by": a.requested_by,
                "requested_by_name": a.requested_by_name,
                "requested_at": a.requested_at,
                "decided_by": a.decided_by,
                "decided_by_name": a.decided_by_name,
                "decided_at": a.decided_at,
                "reason": a.reason,
                "entry_id": a.entry_id,
            }
        )


class ApprovedOut(ApprovalOut):
    entry: EntryOut = Field(description="the movement's ledger entry, made at the NAV of approval")


class ApprovalList(PageOut[ApprovalOut]):
    """Approvals newest first."""
