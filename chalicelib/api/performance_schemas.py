"""Response bodies of returns: a pool's time-weighted return and an investor's money-weighted one."""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import Field

from chalicelib.api.base import ApiModel
from chalicelib.domain.model import Investor, Pool
from chalicelib.domain.performance import InvestorPerformance, PoolPerformance
from chalicelib.domain.returns import Periods

from .schemas import Amount


class PeriodsOut(ApiModel):
    """Returns as fractions (0.0123 is 1.23%), 8 places; null where the history does not reach back."""

    mtd: Amount | None
    qtd: Amount | None
    ytd: Amount | None
    one_year: Amount | None
    since_inception: Amount | None
    since_inception_annualised: Amount | None = Field(description="only for more than a year of history")

    @classmethod
    def of(cls, p: Periods) -> Self:
        return cls(
            mtd=p.mtd,
            qtd=p.qtd,
            ytd=p.ytd,
            one_year=p.one_year,
            since_inception=p.since_inception,
            since_inception_annualised=p.since_inception_annualised,
        )


class IndexPointOut(ApiModel):
    day: date
    net: Amount = Field(description="the total-return index net of fees: 1 on the first day")
    gross: Amount = Field(description="the same before fees")


class BenchmarkPointOut(ApiModel):
    day: date
    value: Amount = Field(description="the benchmark's price index on the pool's days: 1 on the first")


class PoolPerformanceOut(ApiModel):
    pool_id: str
    benchmark_symbol: str | None
    benchmark: PeriodsOut | None = Field(description="the benchmark's price return over the same days; null without one")
    benchmark_series: list[BenchmarkPointOut]
    basis: str = Field(description="what the index is struck from: official (approved) NAVs, or each day's last mark")
    net: PeriodsOut = Field(description="time-weighted, distributions reinvested, after fees")
    gross: PeriodsOut = Field(description="time-weighted, distributions reinvested, before fees")
    series: list[IndexPointOut]

    @classmethod
    def of(cls, pool: Pool, p: PoolPerformance) -> Self:
        return cls(
            pool_id=pool.id,
            benchmark_symbol=pool.benchmark_symbol,
            benchmark=PeriodsOut.of(p.benchmark) if p.benchmark else None,
            benchmark_series=[BenchmarkPointOut(day=b.day, value=b.value) for b in p.benchmark_series],
            basis="official NAVs" if pool.dealing.is_forward else "each day's last NAV per unit",
            net=PeriodsOut.of(p.net),
            gross=PeriodsOut.of(p.gross),
            series=[IndexPointOut(day=d, net=n, gross=g) for d, n, g in p.series],
        )


class FlowOut(ApiModel):
    day: date
    amount: Amount = Field(description="paid in negative, taken out positive")


class InvestorPerformanceOut(ApiModel):
    investor_id: str
    name: str
    xirr: Amount | None = Field(description="money-weighted return a year (XIRR), 8 places; null when it has no answer")
    value: Amount = Field(description="what the units are worth today, net of the performance fee accrued")
    paid_in: Amount
    taken_out: Amount = Field(description="withdrawals and distributions received")
    gain: Amount = Field(description="value + taken out - paid in")
    performance_fees: Amount
    management_fees: Amount = Field(description="their share of each management fee, by the units they held")
    flows: list[FlowOut]

    @classmethod
    def of(cls, investor: Investor, p: InvestorPerformance) -> Self:
        return cls(
            investor_id=investor.id,
            name=investor.name,
            xirr=p.xirr,
            value=p.value,
            paid_in=p.paid_in,
            taken_out=p.taken_out,
            gain=p.gain,
            performance_fees=p.performance_fees,
            management_fees=p.management_fees,
            flows=[FlowOut(day=d, amount=a) for d, a in p.flows],
        )


class InvestorReturnList(ApiModel):
    items: list[InvestorPerformanceOut]
