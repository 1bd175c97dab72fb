"""Who is emailed about a pool and when, and finance's log of what was sent."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import AlertSettingsRequest
from chalicelib.api.http import Call
from chalicelib.api.params import page_limit
from chalicelib.api.service_schemas import AlertSettingsOut, SentAlertList, SentAlertOut

from .common import area, pools

bp, api = area(__name__)


@api.route(
    "/pools/{pool_id}/alert-settings",
    "GET",
    summary="Who is emailed about this pool, and when",
    response=AlertSettingsOut,
    tag="alerts",
)
def get_alert_settings(call: Call, pool_id: str) -> AlertSettingsOut:
    pools().get_pool(call.who, pool_id)
    return AlertSettingsOut.of(wiring.alerts().settings_of(pool_id))


@api.route(
    "/pools/{pool_id}/alert-settings",
    "PUT",
    summary="Set alert recipients and the withdrawal threshold",
    body=AlertSettingsRequest,
    response=AlertSettingsOut,
    tag="alerts",
)
def put_alert_settings(call: Call, pool_id: str) -> AlertSettingsOut:
    b = call.body
    return AlertSettingsOut.of(
        wiring.alerts().configure(call.who, pool_id, recipients=b.recipients, threshold=b.withdrawal_threshold)
    )


@api.route(
    "/alerts",
    "GET",
    summary="Finance: the alert emails sent, newest first",
    response=SentAlertList,
    query=("limit", "cursor"),
    tag="alerts",
)
def sent_alerts(call: Call) -> SentAlertList:
    page = wiring.alerts().sent(call.who, limit=page_limit(call.query.get("limit")), cursor=call.query.get("cursor"))
    return SentAlertList.of(page, SentAlertOut.of)
