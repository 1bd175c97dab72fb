"""Market prices as received from the feed."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.http import Call
from chalicelib.api.service_schemas import PriceOut

from .common import area

bp, api = area(__name__)


@api.route("/prices/{symbol}", "GET", summary="The latest market price received for a symbol", response=PriceOut, tag="market")
def latest_price(call: Call, symbol: str) -> PriceOut:
    return PriceOut.of(wiring.market_data().latest(call.who, symbol))
