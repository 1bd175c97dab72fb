"""What happened in a pool: its ledger, one distribution's shares, its NAV over time."""

from __future__ import annotations

from chalicelib.api.http import Call
from chalicelib.api.params import entry_types, optional_text, page_limit
from chalicelib.api.schemas import DistributionOut, EntryList, EntryOut, NavHistory, NavPointOut

from .common import area, pools

bp, api = area(__name__)

# A chart's worth of points in one request.
NAV_HISTORY_MAX = 2000


@api.route(
    "/pools/{pool_id}/activity",
    "GET",
    summary="The pool's ledger, newest first",
    response=EntryList,
    query=("limit", "cursor", "type", "investor_id"),
    tag="history",
)
def activity(call: Call, pool_id: str) -> EntryList:
    page = pools().activity(
        call.who,
        pool_id,
        limit=page_limit(call.query.get("limit")),
        cursor=call.query.get("cursor"),
        types=entry_types(call.query.get("type")),
        investor_id=optional_text(call.query.get("investor_id")),
    )
    return EntryList.of(page, EntryOut.of)


@api.route(
    "/pools/{pool_id}/distributions/{entry_id}",
    "GET",
    summary="A distribution with every investor's share",
    response=DistributionOut,
    tag="history",
)
def get_distribution(call: Call, pool_id: str, entry_id: str) -> DistributionOut:
    entry, shares = pools().distribution(call.who, pool_id, entry_id)
    return DistributionOut.with_allocations(entry, shares)


@api.route(
    "/pools/{pool_id}/nav-history",
    "GET",
    summary="NAV and NAV per unit over time: the latest points, oldest first; the cursor pages back in time",
    response=NavHistory,
    query=("limit", "cursor"),
    tag="history",
    limit_max=NAV_HISTORY_MAX,
)
def nav_history(call: Call, pool_id: str) -> NavHistory:
    limit = page_limit(call.query.get("limit"), default=500, maximum=NAV_HISTORY_MAX)
    page = pools().nav_history(call.who, pool_id, limit=limit, cursor=call.query.get("cursor"))
    return NavHistory.of(page, NavPointOut.of)
