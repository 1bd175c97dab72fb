"""Response bodies, each with ``of(...)``: the one place a use case's result
becomes what the API answers (and what a push carries). Amounts, units and
prices are rendered as exact decimal strings, never through float."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, Field, PlainSerializer

from chalicelib.domain.model import Allocation, Investor, LedgerEntry, Pool
from chalicelib.services.pools import DistributionPreview, Statement, StatementLine
from chalicelib.services.ports import (
    AlertSettings,
    BrokerageLink,
    EntryAppended,
    NavPoint,
    Page,
    PoolChange,
    PoolChanged,
    PricePoint,
    Principal,
    SentAlert,
    StoredEvent,
    Tokens,
)

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
ItemT = TypeVar("ItemT", bound=BaseModel)
T = TypeVar("T")


class PageOut(BaseModel, Generic[ItemT]):
    """One page of a listing; pass next_cursor back as ``cursor`` for the next."""

    items: list[ItemT]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[T], each: Callable[[T], ItemT]) -> Self:
        return cls(items=[each(item) for item in page.items], next_cursor=page.next_cursor)


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

    @classmethod
    def of(cls, tokens: Tokens, *, refresh_token: str | None = None) -> Self:
        """``refresh_token``: the one to keep when Cognito's refresh answers without a new one."""
        return cls(
            access_token=tokens.access_token,
            id_token=tokens.id_token,
            refresh_token=tokens.refresh_token or refresh_token,
            expires_in=tokens.expires_in,
        )


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


class InvestorRecordOut(BaseModel):
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
    actor: str = Field(description="who recorded it: a user id, or broker:<name> for a webhook")
    actor_name: str | None = Field(default=None, description="who recorded it, as people know them")
    investor_name: str | None = Field(default=None, description="the investor's name when it was recorded")
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
            "symbol": e.symbol,
            "side": e.side.value if e.side else None,
            "quantity": e.quantity,
            "price": e.price,
            "fees": e.fees,
            "memo": e.memo,
            "actor": e.actor,
            "actor_name": e.actor_name,
            "investor_name": e.investor_name,
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


class PoolList(PageOut[PoolSummaryOut]):
    pass


class InvestorList(PageOut[InvestorOut]):
    pass


class EntryList(PageOut[EntryOut]):
    pass


class NavHistory(PageOut[NavPointOut]):
    pass


class MeResponse(BaseModel):
    user_id: str
    email: str
    role: str
    groups: list[str]

    @classmethod
    def of(cls, who: Principal) -> Self:
        return cls(user_id=who.user_id, email=who.email, role=who.role, groups=sorted(who.groups))


class BrokerageOut(BaseModel):
    pool_id: str
    broker: str
    account_id: str
    linked_by: str
    linked_at: str

    @classmethod
    def of(cls, link: BrokerageLink) -> Self:
        return cls(
            pool_id=link.pool_id,
            broker=link.broker,
            account_id=link.account_id,
            linked_by=link.linked_by,
            linked_at=link.linked_at,
        )


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

    @classmethod
    def of(cls, e: StoredEvent) -> Self:
        return cls(
            broker=e.broker,
            event_id=e.event_id,
            type=e.type,
            status=e.status,  # type: ignore[arg-type]
            reason=e.reason or None,
            entry_id=e.entry_id or None,
            received_at=e.received_at,
        )


class WebhookEventList(PageOut[WebhookEventOut]):
    pass


class PriceOut(BaseModel):
    symbol: str
    price: Amount
    ts: Amount = Field(description="when the market printed it, unix seconds")

    @classmethod
    def of(cls, point: PricePoint) -> Self:
        return cls(symbol=point.symbol, price=point.price, ts=point.ts)


class AlertSettingsOut(BaseModel):
    recipients: list[str]
    withdrawal_threshold: Amount

    @classmethod
    def of(cls, settings: AlertSettings) -> Self:
        return cls(recipients=list(settings.recipients), withdrawal_threshold=settings.withdrawal_threshold)


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


class StatementLineOut(BaseModel):
    entry_id: str
    type: str
    created_at: Timestamp
    amount: Amount = Field(description="cash in (contribution) or out to the investor (withdrawal, their share of a payout)")
    units: Amount = Field(description="units issued or redeemed; 0 for a payout")
    nav_per_unit: Amount | None
    memo: str | None

    @classmethod
    def of(cls, line: StatementLine) -> Self:
        e = line.entry
        return cls(
            entry_id=e.id,
            type=e.type.value,
            created_at=e.created_at,
            amount=line.amount,
            units=line.units,
            nav_per_unit=e.nav_per_unit,
            memo=e.memo,
        )


class StatementOut(BaseModel):
    pool: PoolOut
    investor: InvestorOut
    lines: list[StatementLineOut]

    @classmethod
    def of(cls, statement: Statement) -> Self:
        pool = statement.pool
        return cls(
            pool=PoolOut.of(pool),
            investor=InvestorOut.valued(statement.investor, pool),
            lines=[StatementLineOut.of(line) for line in statement.lines],
        )


class SentAlertOut(BaseModel):
    id: str
    subject: str
    text: str
    recipients: list[str]
    pool_id: str | None
    sent_at: Timestamp

    @classmethod
    def of(cls, a: SentAlert) -> Self:
        return cls(
            id=a.cause, subject=a.subject, text=a.text, recipients=list(a.recipients), pool_id=a.pool_id, sent_at=a.sent_at
        )


class SentAlertList(PageOut[SentAlertOut]):
    pass


# -- pushes over the WebSocket ------------------------------------------------------


class PoolUpdated(BaseModel):
    type: Literal["pool.updated"] = "pool.updated"
    pool_id: str
    data: PoolOut


class ActivityCreated(BaseModel):
    type: Literal["activity.created"] = "activity.created"
    pool_id: str
    data: EntryOut


class InvestorUpdated(BaseModel):
    type: Literal["investor.updated"] = "investor.updated"
    pool_id: str
    data: InvestorRecordOut


PUSH_MESSAGES: tuple[type[BaseModel], ...] = (PoolUpdated, ActivityCreated, InvestorUpdated)


def push_message(pool_id: str, change: PoolChange) -> PoolUpdated | ActivityCreated | InvestorUpdated:
    """What a subscriber of the pool is sent about a change."""
    if isinstance(change, PoolChanged):
        return PoolUpdated(pool_id=pool_id, data=PoolOut.of(change.pool))
    if isinstance(change, EntryAppended):
        return ActivityCreated(pool_id=pool_id, data=EntryOut.of(change.entry))
    return InvestorUpdated(pool_id=pool_id, data=InvestorRecordOut.of(change.investor))
