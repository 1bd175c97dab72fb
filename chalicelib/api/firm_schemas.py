"""Response body of the firm at a glance."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from chalicelib.api.base import ApiModel
from chalicelib.domain.firm import CurrencyTotal, Firm, PoolLine

from .schemas import Amount


class CurrencyTotalOut(ApiModel):
    currency: str
    aum: Amount = Field(description="NAV of the pools in this currency (never summed across currencies)")
    pools: int
    net_flows_month: Amount
    net_flows_year: Amount

    @classmethod
    def of(cls, t: CurrencyTotal) -> Self:
        return cls(currency=t.currency, aum=t.nav, pools=t.pools, net_flows_month=t.month_net, net_flows_year=t.year_net)


class FirmPoolOut(ApiModel):
    id: str
    name: str
    currency: str
    status: Literal["open", "closed"]
    dealing_mode: Literal["instant", "forward"]
    nav: Amount
    nav_per_unit: Amount
    investor_count: int
    net_flows_month: Amount = Field(description="contributions less withdrawals this month")
    net_flows_year: Amount
    return_since_launch: Amount = Field(
        description="(NAV per unit + distributions paid per unit) / launch price - 1; live, indicative for forward pools"
    )
    open_orders: int
    awaiting_approval: int
    valuation_in_hand: bool
    fees_payable: Amount

    @classmethod
    def of(cls, line: PoolLine) -> Self:
        p = line.pool
        return cls.model_validate(
            {
                "id": p.id,
                "name": p.name,
                "currency": p.currency,
                "status": p.status.value,
                "dealing_mode": p.dealing.mode.value,
                "nav": p.nav,
                "nav_per_unit": p.nav_per_unit,
                "investor_count": p.investor_count,
                "net_flows_month": line.month_net,
                "net_flows_year": line.year_net,
                "return_since_launch": line.since_launch,
                "open_orders": p.tally.open_orders,
                "awaiting_approval": p.tally.awaiting_approval,
                "valuation_in_hand": p.valuation_id is not None,
                "fees_payable": p.fees_payable,
            }
        )


class FirmOut(ApiModel):
    totals: list[CurrencyTotalOut] = Field(description="assets under management and net flows, one line per currency")
    pools: list[FirmPoolOut]
    open_orders: int
    awaiting_approval: int
    valuations_in_hand: int
    parked_events: int | None = Field(description="webhook events matching no pool (finance only; at most 100 counted)")

    @classmethod
    def of(cls, f: Firm, parked: int | None) -> Self:
        return cls(
            totals=[CurrencyTotalOut.of(t) for t in f.totals],
            pools=[FirmPoolOut.of(line) for line in f.lines],
            open_orders=f.open_orders,
            awaiting_approval=f.awaiting_approval,
            valuations_in_hand=f.valuations_in_hand,
            parked_events=parked,
        )
