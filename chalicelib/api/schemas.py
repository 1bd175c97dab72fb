"""Request and response bodies. Amounts, units and prices travel as decimal
strings; a JSON number where an amount belongs is refused, because a float has
already lost the exact value."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, JsonValue, PlainSerializer

from chalicelib.domain import money
from chalicelib.domain.model import Allocation, Investor, LedgerEntry, Pool
from chalicelib.services.ports import NavPoint

DecimalString = Annotated[
    str,
    Field(
        pattern=r"^\s*[0-9]+(\.[0-9]+)?\s*$",
        max_length=40,
        description='A non-negative decimal number as a string, e.g. "1250.00"',
        examples=["1250.00"],
    ),
]
# Decimal rendered as its exact string (never through float).
Amount = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str, when_used="always"),
    Field(json_schema_extra={"type": "string", "format": "decimal"}),
]
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda d: d.isoformat(timespec="microseconds").replace("+00:00", "Z"), return_type=str, when_used="always"),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=2000)


# -- requests -------------------------------------------------------------------


class LoginRequest(Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(Body):
    refresh_token: str = Field(min_length=10, max_length=8000)


class CreatePoolRequest(Body):
    name: str = Field(min_length=1, max_length=120)
    currency: str = Field(
        min_length=3,
        max_length=3,
        description="ISO 4217 code, e.g. USD",
        # Documented for clients; the domain refuses others with invalid_currency, naming the field.
        json_schema_extra={"enum": list[JsonValue](sorted(money.MINOR_UNITS))},
    )
    unit_price: DecimalString = Field(default="1.00", description="Price of one unit at launch")


class UpdatePoolRequest(Body):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    status: Literal["open", "closed"] | None = None


class AddInvestorRequest(Body):
    name: str = Field(min_length=1, max_length=120)
    email: str = Field(
        default="",
        max_length=254,
        description="Optional; an address with an @ and no spaces",
        json_schema_extra={"pattern": r"^\s*([^ @]*@[^ ]*)?\s*$"},
    )


class ContributionRequest(Body):
    investor_id: str = Field(min_length=1, max_length=64)
    amount: DecimalString


class WithdrawalRequest(Body):
    # Exactly one of amount and units (the handler says so by name when both or neither come).
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["amount"], "properties": {"amount": {"type": "string"}, "units": {"type": "null"}}},
                {"required": ["units"], "properties": {"units": {"type": "string"}, "amount": {"type": "null"}}},
            ]
        }
    )

    investor_id: str = Field(min_length=1, max_length=64)
    amount: DecimalString | None = Field(default=None, description="Cash to pay out; or give units")
    units: DecimalString | None = Field(default=None, description="Units to redeem; or give amount")


class DistributionRequest(Body):
    amount: DecimalString
    memo: str | None = Field(default=None, max_length=120)
    preview_id: str | None = Field(
        default=None,
        max_length=64,
        description="from POST .../distributions/preview: pay only if every share is still the one previewed (else 409)",
    )


class TradeRequest(Body):
    symbol: str = Field(min_length=1, max_length=20)
    side: Literal["buy", "sell"]
    quantity: DecimalString
    price: DecimalString
    fees: DecimalString = "0"
    memo: str | None = Field(default=None, max_length=120)


# -- responses ------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class TokensResponse(BaseModel):
    access_token: str
    id_token: str
    refresh_token: str | None
    expires_in: int
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name, not a secret


class ConfigResponse(BaseModel):
    region: str
    user_pool_id: str
    client_id: str
    websocket_url: str


class PositionOut(BaseModel):
    symbol: str
    quantity: Amount
    avg_cost: Amount
    last_price: Amount
    market_value: Amount


class PoolOut(BaseModel):
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
        )


class InvestorOut(BaseModel):
    id: str
    pool_id: str
    name: str
    email: str
    status: str
    units: Amount
    value: Amount = Field(description="units at the current NAV per unit, rounded down")
    share: Amount = Field(description="fraction of the pool's units held, 6 places")
    contributed: Amount
    withdrawn: Amount
    paid_out: Amount
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, inv: Investor, pool: Pool) -> InvestorOut:
        share = money.quantize_places(money.div(inv.units, pool.units), 6) if pool.units else Decimal("0.000000")
        return cls(
            id=inv.id,
            pool_id=inv.pool_id,
            name=inv.name,
            email=inv.email,
            status=inv.status.value,
            units=inv.units,
            value=pool.value_of(inv.units),
            share=share,
            contributed=inv.contributed,
            withdrawn=inv.withdrawn,
            paid_out=inv.paid_out,
            created_at=inv.created_at,
            updated_at=inv.updated_at,
        )


class AllocationOut(BaseModel):
    investor_id: str
    units: Amount
    amount: Amount

    @classmethod
    def of(cls, a: Allocation) -> AllocationOut:
        return cls(investor_id=a.investor_id, units=a.units, amount=a.amount)


class EntryOut(BaseModel):
    id: str
    type: str
    pool_id: str
    investor_id: str | None
    amount: Amount | None
    units: Amount | None
    nav_per_unit: Amount | None
    cash_delta: Amount
    symbol: str | None = None
    side: str | None = None
    quantity: Amount | None = None
    price: Amount | None = None
    fees: Amount | None = None
    memo: str | None = None
    actor: str
    created_at: Timestamp

    @classmethod
    def fields_of(cls, e: LedgerEntry) -> dict[str, object]:
        return {
            "id": e.id,
            "type": e.type.value,
            "pool_id": e.pool_id,
            "investor_id": e.investor_id,
            "amount": e.amount,
            "units": e.units,
            "nav_per_unit": e.nav_per_unit,
            "cash_delta": e.cash_delta,
            "symbol": e.symbol,
            "side": e.side.value if e.side else None,
            "quantity": e.quantity,
            "price": e.price,
            "fees": e.fees,
            "memo": e.memo,
            "actor": e.actor,
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


class NavPointOut(BaseModel):
    at: Timestamp
    nav: Amount
    nav_per_unit: Amount
    units: Amount

    @classmethod
    def of(cls, p: NavPoint) -> NavPointOut:
        return cls(at=p.at, nav=p.nav, nav_per_unit=p.nav_per_unit, units=p.units)


class PoolSummaryOut(PoolOut):
    day_open_nav_per_unit: Amount | None = Field(
        default=None, description="NAV per unit at today's first valuation (UTC); null if unchanged today"
    )

    @classmethod
    def with_day_open(cls, pool: Pool, day_open: Decimal | None) -> PoolSummaryOut:
        return cls.of(pool).model_copy(update={"day_open_nav_per_unit": day_open})


class PoolList(BaseModel):
    items: list[PoolSummaryOut]
    next_cursor: str | None


class InvestorList(BaseModel):
    items: list[InvestorOut]
    next_cursor: str | None


class EntryList(BaseModel):
    items: list[EntryOut]
    next_cursor: str | None


class NavHistory(BaseModel):
    items: list[NavPointOut]
    next_cursor: str | None


class MeResponse(BaseModel):
    user_id: str
    email: str
    role: str
    groups: list[str]


class LinkBrokerageRequest(Body):
    broker: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    account_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")


class BrokerageOut(BaseModel):
    pool_id: str
    broker: str
    account_id: str
    linked_by: str
    linked_at: str


class WebhookAccepted(BaseModel):
    status: Literal["accepted", "duplicate"]
    id: str


class WebhookEventOut(BaseModel):
    broker: str
    event_id: str
    type: str
    status: Literal["received", "applied", "parked"]
    reason: str | None
    entry_id: str | None
    received_at: str


class WebhookEventList(BaseModel):
    items: list[WebhookEventOut]
    next_cursor: str | None


class PriceOut(BaseModel):
    symbol: str
    price: Amount
    ts: Amount = Field(description="when the market printed it, unix seconds")


class AlertSettingsRequest(Body):
    recipients: list[str] = Field(
        default_factory=list, max_length=50, description="email addresses; empty means the finance group"
    )
    withdrawal_threshold: DecimalString = Field(default="0.10", description='fraction of NAV, e.g. "0.10"')


class AlertSettingsOut(BaseModel):
    recipients: list[str]
    withdrawal_threshold: Amount


class DistributionPreviewRequest(Body):
    amount: DecimalString


class PreviewShareOut(BaseModel):
    investor_id: str
    name: str
    units: Amount
    amount: Amount


class DistributionPreviewOut(BaseModel):
    preview_id: str = Field(description="send with the distribution to pay exactly these shares")
    amount: Amount
    currency: str
    nav_per_unit: Amount
    units: Amount
    allocations: list[PreviewShareOut] = Field(description="every holder's share; they sum exactly to amount")


class StatementLineOut(BaseModel):
    entry_id: str
    type: str
    created_at: Timestamp
    amount: Amount = Field(description="cash in (contribution) or out to the investor (withdrawal, their share of a payout)")
    units: Amount = Field(description="units issued or redeemed; 0 for a payout")
    nav_per_unit: Amount | None
    memo: str | None


class StatementOut(BaseModel):
    pool: PoolOut
    investor: InvestorOut
    lines: list[StatementLineOut]


class SentAlertOut(BaseModel):
    id: str
    subject: str
    text: str
    recipients: list[str]
    pool_id: str | None
    sent_at: Timestamp


class SentAlertList(BaseModel):
    items: list[SentAlertOut]
    next_cursor: str | None
