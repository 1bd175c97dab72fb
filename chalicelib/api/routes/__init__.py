"""The REST API, one Chalice blueprint per area; app.py registers them in this order."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import RouteSpec

from . import (
    alerts,
    approvals,
    auth,
    brokerage,
    dealing,
    fees,
    firm,
    history,
    investors,
    market,
    money,
    people,
    performance,
    pools,
    portal,
    requests,
)

AREAS = (
    auth,
    people,
    portal,
    firm,
    pools,
    investors,
    money,
    dealing,
    fees,
    performance,
    approvals,
    requests,
    history,
    brokerage,
    market,
    alerts,
)
BLUEPRINTS: tuple[Blueprint, ...] = tuple(area.bp for area in AREAS)
# Every route, as declared: /openapi.json and CloudFront's API paths are built from these.
ROUTES: tuple[RouteSpec, ...] = tuple(route for area in AREAS for route in area.api.routes)
