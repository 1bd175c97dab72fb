"""Response bodies of the investor portal: only what is the investor's own, and
their pool's public figures (never its investor list, positions or manager's id)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from chalicelib.api.base import ApiModel
from chalicelib.domain.model import Pool
from chalicelib.domain.withdrawal_requests import WithdrawalRequest
from chalicelib.services.people_ports import EmailPreferences
from chalicelib.services.portal import Holding, MyEntry

from .performance_schemas import PoolPerformanceOut
from .schemas import Amount, PageOut, Timestamp


class PoolFiguresOut(ApiModel):
    id: str
    name: str
    currency: str
    status: str
    nav: Amount
    nav_per_unit: Amount
    units: Amount = Field(description="units in issue, so a share of the pool can be checked")
    valued_at: Timestamp | None
    dealing_mode: Literal["instant", "forward"] = Field(description="forward: place orders; instant: ask the manager")
    indicative: bool = Field(description="true when NAV per unit is a live estimate, not the struck NAV orders deal at")
    benchmark_symbol: str | None

    @classmethod
    def of(cls, pool: Pool) -> Self:
        return cls(
            id=pool.id,
            name=pool.name,
            currency=pool.currency,
            status=pool.status.value,
            nav=pool.nav,
            nav_per_unit=pool.nav_per_unit,
            units=pool.units,
            valued_at=pool.valued_at,
            dealing_mode=pool.dealing.mode.value,
            indicative=pool.dealing.is_forward,
            benchmark_symbol=pool.benchmark_symbol,
        )


class MyReturnsOut(ApiModel):
    xirr: Amount | None = Field(description="money-weighted return a year (XIRR), 8 places; null when it has no answer")
    paid_in: Amount
    taken_out: Amount = Field(description="withdrawals and distributions received")
    gain: Amount = Field(description="value + taken out - paid in")
    performance_fees: Amount
    management_fees: Amount


class HoldingOut(ApiModel):
    pool: PoolFiguresOut
    investor_id: str
    name: str
    status: str
    units: Amount
    value: Amount = Field(description="what the units are worth at the pool's NAV per unit, net of performance fee accrued")
    share: Amount = Field(description="of the pool's units, a fraction to 6 places")
    contributed: Amount
    withdrawn: Amount
    paid_out: Amount = Field(description="distributions received")
    returns: MyReturnsOut

    @classmethod
    def of(cls, h: Holding) -> Self:
        i, p = h.investor, h.performance
        return cls(
            pool=PoolFiguresOut.of(h.pool),
            investor_id=i.id,
            name=i.name,
            status=i.status.value,
            units=i.units,
            value=h.value,
            share=h.share,
            contributed=i.contributed,
            withdrawn=i.withdrawn,
            paid_out=i.paid_out,
            returns=MyReturnsOut(
                xirr=p.xirr,
                paid_in=p.paid_in,
                taken_out=p.taken_out,
                gain=p.gain,
                performance_fees=p.performance_fees,
                management_fees=p.management_fees,
            ),
        )


class HoldingList(ApiModel):
    items: list[HoldingOut]


class MyPoolOut(ApiModel):
    holding: HoldingOut
    performance: PoolPerformanceOut = Field(description="the pool's own time-weighted return and daily index")


class MyEntryOut(ApiModel):
    id: str
    type: str
    created_at: Timestamp
    amount: Amount | None = Field(description="the investor's own amount (for a distribution, their share)")
    units: Amount | None
    nav_per_unit: Amount | None
    order_id: str | None
    memo: str | None = Field(description="the line's note, on the investor's own movements only")

    @classmethod
    def of(cls, m: MyEntry) -> Self:
        e = m.entry
        if m.share is not None:
            return cls(
                id=e.id,
                type=e.type.value,
                created_at=e.created_at,
                amount=m.share.amount,
                units=m.share.units or None,
                nav_per_unit=e.nav_per_unit,
                order_id=None,
                memo=None,
            )
        return cls(
            id=e.id,
            type=e.type.value,
            created_at=e.created_at,
            amount=e.amount,
            units=e.units,
            nav_per_unit=e.nav_per_unit,
            order_id=e.order_id,
            memo=e.memo,
        )


class MyActivityPage(PageOut[MyEntryOut]):
    pass


class EmailPreferencesOut(ApiModel):
    order_settled: bool = Field(description="an email when one of their orders settles")
    distribution_paid: bool = Field(description="an email when a distribution pays them")
    statement_ready: bool = Field(description="their statement, when finance sends the period's statements")

    @classmethod
    def of(cls, p: EmailPreferences) -> Self:
        return cls(order_settled=p.order_settled, distribution_paid=p.distribution_paid, statement_ready=p.statement_ready)


class WithdrawalRequestOut(ApiModel):
    id: str
    pool_id: str
    investor_id: str
    investor_name: str
    amount: Amount | None = Field(description="cash asked for; null when units were")
    units: Amount | None = Field(description="units asked to redeem; null when an amount was")
    status: Literal["pending", "accepted", "declined", "cancelled"]
    requested_at: Timestamp
    decided_at: Timestamp | None
    decided_by_name: str | None
    reason: str | None = Field(description="why it was declined")
    entry_id: str | None = Field(description="the withdrawal paid, once accepted")
    approval_id: str | None = Field(description="when the withdrawal waits for finance's approval")

    @classmethod
    def of(cls, r: WithdrawalRequest) -> Self:
        return cls(
            id=r.id,
            pool_id=r.pool_id,
            investor_id=r.investor_id,
            investor_name=r.investor_name,
            amount=r.amount,
            units=r.units,
            status=r.status.value,
            requested_at=r.requested_at,
            decided_at=r.decided_at,
            decided_by_name=r.decided_by_name,
            reason=r.reason,
            entry_id=r.entry_id,
            approval_id=r.approval_id,
        )


class WithdrawalRequestList(PageOut[WithdrawalRequestOut]):
    pass
