"""Pools: list, create, read, rename, close and reopen."""

from __future__ import annotations

from chalicelib.api.bodies import CreatePoolRequest, DealingRequest, UpdatePoolRequest
from chalicelib.api.http import Call
from chalicelib.api.params import page_limit
from chalicelib.api.schemas import DealingOut, PoolList, PoolOut, PoolSummaryOut
from chalicelib.domain.dealing import parse_policy
from chalicelib.domain.model import Pool
from chalicelib.services.pools import PoolService

from .common import area, pools

bp, api = area(__name__)


def _summary(svc: PoolService, pool: Pool) -> PoolSummaryOut:
    """A pool with today's opening NAV per unit, for 'change today'."""
    return PoolSummaryOut.with_day_open(pool, svc.day_opening(pool))


@api.route("/pools", "GET", summary="Pools you may see, newest first", response=PoolList, query=("limit", "cursor"))
def list_pools(call: Call) -> PoolList:
    svc = pools()
    page = svc.list_pools(call.who, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor"))
    return PoolList.of(page, lambda p: _summary(svc, p))


@api.route("/pools", "POST", summary="Create a pool", body=CreatePoolRequest, response=PoolOut, status=201)
def create_pool(call: Call) -> PoolOut:
    b = call.body
    return PoolOut.of(pools().create_pool(call.who, name=b.name, currency=b.currency.upper(), unit_price=b.unit_price))


@api.route(
    "/pools/{pool_id}", "GET", summary="A pool with NAV, positions and today's opening NAV per unit", response=PoolSummaryOut
)
def get_pool(call: Call, pool_id: str) -> PoolSummaryOut:
    svc = pools()
    return _summary(svc, svc.get_pool(call.who, pool_id))


@api.route("/pools/{pool_id}", "PATCH", summary="Rename, close or reopen a pool", body=UpdatePoolRequest, response=PoolOut)
def update_pool(call: Call, pool_id: str) -> PoolOut:
    return PoolOut.of(pools().update_pool(call.who, pool_id, name=call.body.name, status=call.body.status))


@api.route(
    "/pools/{pool_id}/dealing", "GET", summary="How the pool deals: at once, or forward on dealing days", response=DealingOut
)
def get_dealing(call: Call, pool_id: str) -> DealingOut:
    return DealingOut.of(pools().get_pool(call.who, pool_id).dealing)


@api.route(
    "/pools/{pool_id}/dealing",
    "PUT",
    summary="Set how the pool deals: instant, or forward with a frequency, cut-off, notice, gate and lock-up",
    body=DealingRequest,
    response=DealingOut,
)
def set_dealing(call: Call, pool_id: str) -> DealingOut:
    b = call.body
    policy = parse_policy(
        mode=b.mode,
        frequency=b.frequency,
        cutoff=b.cutoff.model_dump() if b.cutoff else None,
        redemption_notice_days=b.redemption_notice_days,
        gate=b.gate,
        lockup_days=b.lockup_days,
        early_redemption_fee=b.early_redemption_fee,
    )
    return DealingOut.of(pools().set_dealing(call.who, pool_id, policy).dealing)
