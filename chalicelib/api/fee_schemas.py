"""Response bodies of fees: a pool's fee policy and what it owes and is accruing."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import Field

from chalicelib.api.base import ApiModel
from chalicelib.domain import money
from chalicelib.domain.fee_booking import Accrued, describe
from chalicelib.domain.model import Pool

from .schemas import Amount


class FeesOut(ApiModel):
    management_rate: Amount
    performance_rate: Amount
    hurdle_rate: Amount
    crystallisation: Literal["monthly", "quarterly", "annually"]
    payee: Literal["manager"]
    summary: str
    since: date | None = Field(description="when fees began: units held then are charged above the NAV per unit then")
    opening_high_water_mark: Amount | None
    fees_payable: Amount = Field(description="owed to the payee, already taken off NAV")
    accrued_to: date | None = Field(description="the management fee is accrued to this dealing day")
    crystallised_through: date | None = Field(description="performance fees are crystallised for periods ending by this day")

    @classmethod
    def of(cls, pool: Pool) -> Self:
        f = pool.fees
        return cls.model_validate(
            {
                "management_rate": f.management_rate,
                "performance_rate": f.performance_rate,
                "hurdle_rate": f.hurdle_rate,
                "crystallisation": f.crystallisation.value,
                "payee": f.payee,
                "summary": describe(f),
                "since": f.since,
                "opening_high_water_mark": f.opening_hwm,
                "fees_payable": money.quantize_money(pool.fees_payable, pool.currency),
                "accrued_to": pool.fees_accrued_to,
                "crystallised_through": pool.fees_crystallised_through,
            }
        )


class InvestorAccrualOut(ApiModel):
    investor_id: str
    name: str
    units: Amount
    performance_fee_accrued: Amount = Field(description="at today's NAV per unit; collected at crystallisation or redemption")
    performance_fees_paid: Amount


class AccruedOut(ApiModel):
    fees_payable: Amount
    management_fee_accrued: Amount = Field(description="since the last approved valuation, at today's NAV")
    accrued_from: date | None
    days: int
    nav_per_unit: Amount = Field(description="today's NAV per unit after the management fee accrued")
    performance_fee_accrued: Amount
    investors: list[InvestorAccrualOut]

    @classmethod
    def of(cls, pool: Pool, a: Accrued) -> Self:
        return cls.model_validate(
            {
                "fees_payable": money.quantize_money(a.fees_payable, pool.currency),
                "management_fee_accrued": a.management_fee,
                "accrued_from": a.accrued_from,
                "days": a.days,
                "nav_per_unit": a.nav_per_unit,
                "performance_fee_accrued": a.performance_fee,
                "investors": [
                    {
                        "investor_id": r.investor_id,
                        "name": r.name,
                        "units": r.units,
                        "performance_fee_accrued": r.performance_fee,
                        "performance_fees_paid": money.quantize_money(r.performance_fees_paid, pool.currency),
                    }
                    for r in a.investors
                ],
            }
        )
