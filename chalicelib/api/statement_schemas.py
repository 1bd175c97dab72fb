"""Response bodies of statements: an investor's period statement, every investor's
for a period (to print in one go), and what emailing them did."""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import Field

from chalicelib.api.base import ApiModel
from chalicelib.domain.period_statement import PeriodLine
from chalicelib.services.statements import EmailRequest, InvestorStatement

from .schemas import Amount, InvestorOut, PoolOut, Timestamp


class StatementLineOut(ApiModel):
    entry_id: str
    type: str
    created_at: Timestamp
    amount: Amount = Field(
        description="cash in (contribution) or out to the investor (withdrawal, their share of a payout); a fee crystallised"
    )
    units: Amount = Field(description="units issued, redeemed or cancelled for a fee; 0 for a payout; a reversal's are signed")
    nav_per_unit: Amount | None
    performance_fee: Amount | None = Field(description="collected from a redemption, or crystallised")
    memo: str | None

    @classmethod
    def of(cls, line: PeriodLine) -> Self:
        e = line.entry
        return cls(
            entry_id=e.id,
            type=e.type.value,
            created_at=e.created_at,
            amount=line.amount,
            units=line.units,
            nav_per_unit=e.nav_per_unit,
            performance_fee=e.performance_fee,
            memo=e.memo,
        )


class ManagerOut(ApiModel):
    name: str
    email: str


class PeriodOut(ApiModel):
    start: date = Field(description="the first day (from)")
    end: date = Field(description="the last day (to)")
    opening_units: Amount
    opening_nav_per_unit: Amount | None = Field(description="at the close of the day before the period (official if forward)")
    opening_value: Amount
    closing_units: Amount
    closing_nav_per_unit: Amount | None = Field(description="at the close of the period's last day (official if forward)")
    closing_value: Amount
    paid_in: Amount
    taken_out: Amount
    distributions: Amount
    fees: Amount
    performance_fees: Amount
    management_fees: Amount = Field(description="the investor's share of each management fee charged in the period")
    early_redemption_fees: Amount
    period_return: Amount | None = Field(description="the pool's time-weighted return over the period, net of fees")
    gain: Amount = Field(description="closing value + taken out + distributions - paid in - opening value")
    investor_return: Amount | None = Field(
        description="the investor's money-weighted return over the period (XIRR), a year; null when it has no answer"
    )


class StatementOut(ApiModel):
    pool: PoolOut
    manager: ManagerOut = Field(description="who manages the pool: the contact for questions")
    investor: InvestorOut
    period: PeriodOut
    lines: list[StatementLineOut]

    @classmethod
    def of(cls, s: InvestorStatement) -> Self:
        p = s.period
        return cls(
            pool=PoolOut.of(s.pool),
            manager=ManagerOut(name=s.manager.name, email=s.manager.email),
            investor=InvestorOut.valued(s.investor, s.pool),
            period=PeriodOut(
                start=p.start,
                end=p.end,
                opening_units=p.opening_units,
                opening_nav_per_unit=p.opening_nav_per_unit,
                opening_value=p.opening_value,
                closing_units=p.closing_units,
                closing_nav_per_unit=p.closing_nav_per_unit,
                closing_value=p.closing_value,
                paid_in=p.paid_in,
                taken_out=p.taken_out,
                distributions=p.distributions,
                fees=p.fees,
                performance_fees=p.performance_fees,
                management_fees=p.management_fees,
                early_redemption_fees=p.early_redemption_fees,
                period_return=p.period_return,
                gain=p.gain,
                investor_return=p.investor_return,
            ),
            lines=[StatementLineOut.of(line) for line in p.lines],
        )


class StatementList(ApiModel):
    """Every investor's statement for the period, by name: one page each when printed."""

    items: list[StatementOut]


class StatementsEmailOut(ApiModel):
    entry_id: str = Field(description="the request, in the pool's activity")
    start: date
    end: date
    investors: int = Field(description="active investors with an email address: each is sent their statement once")

    @classmethod
    def of(cls, e: EmailRequest) -> Self:
        return cls(entry_id=e.entry_id, start=e.start, end=e.end, investors=e.investors)
