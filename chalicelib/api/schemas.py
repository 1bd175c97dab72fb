"""Response bodies of the fund itself (pools, investors, the ledger, NAV history,
statements), each with ``of(...)``: the one place a use case's result becomes what
the API answers and what a push carries (pushes.py). Amounts, units and prices are
rendered as exact decimal strings, never through float. The answers of the
services around the fund (sign-in, brokerage, prices, alerts) are in
service_schemas.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, Field, PlainSerializer

from chalicelib.api.base import ApiModel
from chalicelib.domain import money
from chalicelib.domain.dealing import DealingPolicy
from chalicelib.domain.model import Allocation, Investor, LedgerEntry, Pool
from chalicelib.domain.operations import describe_dealing
from chalicelib.services.pools import DistributionPreview
from chalicelib.services.ports import (
    NavPoint,
    Page,
)

# Decimal rendered as its exact string, in plain notation (never through float, never "0E-8").
Amount = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="always"),
    Field(json_schema_extra={"type": "string", "format": "decimal"}),
]
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda d: d.isoformat(timespec="microseconds").replace("+00:00", "Z"), return_type=str, when_used="always"),
]
ItemT = TypeVar("ItemT", bound=BaseModel)
T = TypeVar("T")


class PageOut(ApiModel, Generic[ItemT]):
    """One page of a listing; pass next_cursor back as ``cursor`` for the next."""

    items: list[ItemT]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[T], each: Callable[[T], ItemT]) -> Self:
        return cls(items=[each(item) for item in page.items], next_cursor=page.next_cursor)


class PositionOut(ApiModel):
    symbol: str
    quantity: Amount
    avg_cost: Amount
    last_price: Amount
    market_value: Amount


class CutoffOut(ApiModel):
    time: str
    timezone: str


class DealingOut(ApiModel):
    mode: Literal["instant", "forward"]
    frequency: Literal["daily", "weekly", "monthly"]
    cutoff: CutoffOut | None
    redemption_notice_days: int
    gate: Amount | None
    lockup_days: int
    early_redemption_fee: Amount
    summary: str = Field(description="the policy in words, as the activity shows it")

    @classmethod
    def of(cls, policy: DealingPolicy) -> Self:
        cutoff = CutoffOut(time=f"{policy.cutoff.at:%H:%M}", timezone=policy.cutoff.timezone) if policy.cutoff else None
        return cls(
            mode=policy.mode.value,
            frequency=policy.frequency.value,
            cutoff=cutoff,
            redemption_notice_days=policy.redemption_notice_days,
            gate=policy.gate,
            lockup_days=policy.lockup_days,
            early_redemption_fee=policy.early_redemption_fee,
            summary=describe_dealing(policy),
        )


class PoolOut(ApiModel):
    id: str
    name: str
    currency: str
    status: str
    unit_price: Amount
    cash: Amount
    nav: Amount
    nav_per_unit: Amount
    units: Amount
    investor_count: int
    positions: list[PositionOut]
    manager_id: str
    version: int
    created_at: Timestamp
    updated_at: Timestamp
    valued_at: Timestamp | None = Field(description="when market prices last marked the positions")
    dealing_mode: Literal["instant", "forward"] = Field(description="forward: money moves only at struck, approved valuations")
    indicative: bool = Field(description="true when NAV and NAV per unit are live estimates, not a struck NAV orders deal at")
    valuation_id: str | None = Field(default=None, description="the valuation in hand: proposed, or approved and settling")
    fees_payable: Amount = Field(description="fees owed to the payee: a liability, already taken off NAV")
    benchmark_symbol: str | None = Field(default=None, description="what its returns are shown beside")
    reinvestment: Amount = Field(
        default=Decimal(1), description="NAV per unit x this is the total-return NAV per unit (distributions reinvested)"
    )

    @classmethod
    def of(cls, pool: Pool) -> Self:
        return cls(
            id=pool.id,
            name=pool.name,
            currency=pool.currency,
            status=pool.status.value,
            unit_price=pool.unit_price,
            cash=pool.cash,
            nav=pool.nav,
            nav_per_unit=pool.nav_per_unit,
            units=pool.units,
            investor_count=pool.investor_count,
            positions=[
                PositionOut(
                    symbol=p.symbol,
                    quantity=p.quantity,
                    avg_cost=p.avg_cost,
                    last_price=p.last_price,
                    market_value=p.market_value(pool.currency),
                )
                for p in pool.positions.values()
            ],
            manager_id=pool.manager_id,
            version=pool.version,
            created_at=pool.created_at,
            updated_at=pool.updated_at,
            valued_at=pool.valued_at,
            dealing_mode=pool.dealing.mode.value,
            indicative=pool.dealing.is_forward,
            valuation_id=pool.valuation_id,
            fees_payable=money.quantize_money(pool.fees_payable, pool.currency),
            benchmark_symbol=pool.benchmark_symbol,
            reinvestment=pool.reinvestment,
        )


class InvestorRecordOut(ApiModel):
    """An investor's membership as stored: what an ``investor.updated`` push carries.
    Value and share move with NAV, so a client derives them from the pool it shows."""

    id: str
    pool_id: str
    name: str
    email: str
    status: str
    units: Amount
    contributed: Amount
    withdrawn: Amount
    paid_out: Amount
    performance_fees: Amount = Field(description="performance fees charged so far (crystallised, or taken from redemptions)")
    created_at: Timestamp
    updated_at: Timestamp

    @staticmethod
    def fields_of(inv: Investor) -> dict[str, object]:
        return {
            "id": inv.id,
            "pool_id": inv.pool_id,
            "name": inv.name,
            "email": inv.email,
            "status": inv.status.value,
            "units": inv.units,
            "contributed": inv.contributed,
            "withdrawn": inv.withdrawn,
            "paid_out": inv.paid_out,
            "performance_fees": inv.performance_fees,
            "created_at": inv.created_at,
            "updated_at": inv.updated_at,
        }

    @classmethod
    def of(cls, inv: Investor) -> Self:
        return cls.model_validate(cls.fields_of(inv))


class InvestorOut(InvestorRecordOut):
    """An investor with what their units are worth in the pool as read."""

    value: Amount = Field(description="units at the current NAV per unit, rounded down")
    share: Amount = Field(description="fraction of the pool's units held, 6 places")

    @classmethod
    def valued(cls, inv: Investor, pool: Pool) -> Self:
        return cls.model_validate({**cls.fields_of(inv), "value": pool.value_of(inv.units), "share": pool.share_of(inv.units)})


class AllocationOut(ApiModel):
    investor_id: str
    units: Amount
    amount: Amount

    @classmethod
    def of(cls, a: Allocation) -> AllocationOut:
        return cls(investor_id=a.investor_id, units=a.units, amount=a.amount)


class EntryOut(ApiModel):
    id: str
    type: str
    pool_id: str
    investor_id: str | None
    amount: Amount | None
    units: Amount | None
    nav_per_unit: Amount | None
    cash_delta: Amount
    payable_delta: Amount | None = Field(default=None, description="what it did to fees payable (null: nothing)")
    performance_fee: Amount | None = Field(default=None, description="a performance fee crystallised or collected")
    symbol: str | None = None
    side: str | None = None
    quantity: Amount | None = None
    price: Amount | None = None
    fees: Amount | None = None
    memo: str | None = None
    actor: str = Field(description="who recorded it: a user id, or broker:<name> for a webhook")
    actor_name: str | None = Field(default=None, description="who recorded it, as people know them")
    investor_name: str | None = Field(default=None, description="the investor's name when it was recorded")
    order_id: str | None = Field(default=None, description="the order it places, cancels or settles (forward dealing)")
    valuation_id: str | None = Field(default=None, description="the valuation it proposes, decides or settles at")
    request_id: str | None = Field(default=None, description="the investor's withdrawal request it makes or decides")
    reverses: str | None = Field(default=None, description="the entry this reversal undoes")
    reversed_by: str | None = Field(default=None, description="the reversal that undid this entry")
    trade_date: date | None = Field(default=None, description="when a trade, dividend or fee happened at the broker")
    created_at: Timestamp

    @staticmethod
    def fields_of(e: LedgerEntry) -> dict[str, object]:
        return {
            "id": e.id,
            "type": e.type.value,
            "pool_id": e.pool_id,
            "investor_id": e.investor_id,
            "amount": e.amount,
            "units": e.units,
            "nav_per_unit": e.nav_per_unit,
            "cash_delta": e.cash_delta,
            "payable_delta": e.payable_delta or None,
            "performance_fee": e.performance_fee,
            "symbol": e.symbol,
            "side": e.side.value if e.side else None,
            "quantity": e.quantity,
            "price": e.price,
            "fees": e.fees,
            "memo": e.memo,
            "actor": e.actor,
            "actor_name": e.actor_name,
            "investor_name": e.investor_name,
            "order_id": e.order_id,
            "valuation_id": e.valuation_id,
            "request_id": e.request_id,
            "reverses": e.reverses,
            "reversed_by": e.reversed_by,
            "trade_date": e.trade_date,
            "created_at": e.created_at,
        }

    @classmethod
    def of(cls, e: LedgerEntry) -> EntryOut:
        return cls.model_validate(cls.fields_of(e))


class DistributionOut(EntryOut):
    allocations: list[AllocationOut]

    @classmethod
    def with_allocations(cls, e: LedgerEntry, allocations: tuple[Allocation, ...]) -> DistributionOut:
        return cls.model_validate({**cls.fields_of(e), "allocations": [AllocationOut.of(a) for a in allocations]})


class NavPointOut(ApiModel):
    at: Timestamp
    nav: Amount
    nav_per_unit: Amount
    units: Amount
    official: bool = Field(default=False, description="a struck NAV finance approved (forward dealing), not a live mark")
    total_return_nav_per_unit: Amount = Field(
        description="NAV per unit with every distribution since launch reinvested (6 places): a distribution does not move it"
    )

    @classmethod
    def of(cls, p: NavPoint) -> NavPointOut:
        total = money.quantize_places(p.nav_per_unit * p.reinvestment, money.NAV_PER_UNIT_PLACES)
        return cls(
            at=p.at, nav=p.nav, nav_per_unit=p.nav_per_unit, units=p.units, official=p.official, total_return_nav_per_unit=total
        )


class PoolSummaryOut(PoolOut):
    day_open_nav_per_unit: Amount | None = Field(
        default=None,
        description="NAV per unit at today's first valuation (UTC), adjusted for distributions paid since "
        "(so today's change is a total return); null if unchanged today",
    )

    @classmethod
    def with_day_open(cls, pool: Pool, day_open: Decimal | None) -> PoolSummaryOut:
        return cls.of(pool).model_copy(update={"day_open_nav_per_unit": day_open})


class PoolList(PageOut[PoolSummaryOut]):
    pass


class InvestorList(PageOut[InvestorOut]):
    pass


class EntryList(PageOut[EntryOut]):
    pass


class NavHistory(PageOut[NavPointOut]):
    pass


class PreviewShareOut(ApiModel):
    investor_id: str
    name: str
    units: Amount
    amount: Amount


class DistributionPreviewOut(ApiModel):
    preview_id: str = Field(description="send with the distribution to pay exactly these shares")
    amount: Amount
    currency: str
    nav_per_unit: Amount
    units: Amount
    allocations: list[PreviewShareOut] = Field(description="every holder's share; they sum exactly to amount")

    @classmethod
    def of(cls, preview: DistributionPreview) -> Self:
        pool = preview.pool
        return cls(
            preview_id=preview.preview_id,
            amount=sum((a.amount for _, a in preview.shares), Decimal(0)),
            currency=pool.currency,
            nav_per_unit=pool.nav_per_unit,
            units=pool.units,
            allocations=[
                PreviewShareOut(investor_id=i.id, name=i.name, units=a.units, amount=a.amount) for i, a in preview.shares
            ],
        )
