"""The firm at a glance: the first screen for managers and finance."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.firm_schemas import FirmOut
from chalicelib.api.http import Call

from .common import area

bp, api = area(__name__)


@api.route(
    "/firm",
    "GET",
    summary="Every pool you see: AUM by currency, net flows this month and year, returns, what waits for whom",
    response=FirmOut,
    tag="firm",
)
def firm(call: Call) -> FirmOut:
    found = wiring.firm().glance(call.who)
    parked = None
    if call.who.is_finance:
        parked = len(wiring.brokerage_service().unlinked_events(call.who, limit=100, cursor=None).items)
    return FirmOut.of(found, parked)
