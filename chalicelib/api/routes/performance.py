"""Returns: how a pool has done, apart from money coming and going (time-weighted),
and how an investor has done with their own money (money-weighted)."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import BenchmarkRequest
from chalicelib.api.http import Call
from chalicelib.api.performance_schemas import InvestorPerformanceOut, InvestorReturnList, PoolPerformanceOut
from chalicelib.api.schemas import PoolOut

from .common import area

bp, api = area(__name__)


@api.route(
    "/pools/{pool_id}/performance",
    "GET",
    summary="Time-weighted return of NAV per unit with distributions reinvested, net and gross of fees, and the daily index",
    response=PoolPerformanceOut,
    tag="performance",
)
def pool_performance(call: Call, pool_id: str) -> PoolPerformanceOut:
    pool, result = wiring.performance().pool_performance(call.who, pool_id)
    return PoolPerformanceOut.of(pool, result)


@api.route(
    "/pools/{pool_id}/investors/{investor_id}/performance",
    "GET",
    summary="An investor's money-weighted return (XIRR of their flows and today's value), gain and fees",
    response=InvestorPerformanceOut,
    tag="performance",
)
def investor_performance(call: Call, pool_id: str, investor_id: str) -> InvestorPerformanceOut:
    _, investor, result = wiring.performance().investor_performance(call.who, pool_id, investor_id)
    return InvestorPerformanceOut.of(investor, result)


@api.route(
    "/pools/{pool_id}/benchmark",
    "PUT",
    summary="Set the symbol the pool's returns are shown beside (null for none)",
    body=BenchmarkRequest,
    response=PoolOut,
    tag="performance",
)
def set_benchmark(call: Call, pool_id: str) -> PoolOut:
    return PoolOut.of(wiring.performance().set_benchmark(call.who, pool_id, call.body.symbol))


@api.route(
    "/pools/{pool_id}/investor-returns",
    "GET",
    summary="Several investors' money-weighted returns at once (?ids=a,b,c, at most 100): a page of the investor list",
    response=InvestorReturnList,
    query=("ids",),
    tag="performance",
)
def investor_returns(call: Call, pool_id: str) -> InvestorReturnList:
    ids = [i for i in (call.query.get("ids") or "").split(",") if i]
    found = wiring.performance().investor_performances(call.who, pool_id, ids)
    return InvestorReturnList(items=[InvestorPerformanceOut.of(investor, result) for investor, result in found])
