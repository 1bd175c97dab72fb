"""Who is emailed about a pool and when, and finance's log of what was sent."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api.bodies import AlertSettingsRequest
from chalicelib.api.http import Call
from chalicelib.api.params import page_limit
from chalicelib.api.service_schemas import AlertSettingsOut, SentAlertList, SentAlertOut
from chalicelib.domain.errors import Forbidden

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
    return _pool_settings(pool_id)


def _pool_settings(pool_id: str) -> AlertSettingsOut:
    alerts = wiring.alerts()
    oversight = alerts.oversight()
    finance = [] if oversight.recipients else alerts.directory.finance_emails()
    return AlertSettingsOut.of(alerts.settings_of(pool_id), oversight, finance)


@api.route(
    "/pools/{pool_id}/alert-settings",
    "PUT",
    summary="The manager adds alert recipients (finance is emailed regardless) and may make the withdrawal alert stricter",
    body=AlertSettingsRequest,
    response=AlertSettingsOut,
    tag="alerts",
)
def put_alert_settings(call: Call, pool_id: str) -> AlertSettingsOut:
    b = call.body
    wiring.alerts().configure(call.who, pool_id, recipients=b.recipients, threshold=b.withdrawal_threshold)
    return _pool_settings(pool_id)


@api.route(
    "/alerts/oversight",
    "GET",
    summary="Finance's own alert settings: who in finance is emailed, and the withdrawal threshold every pool is held to",
    response=AlertSettingsOut,
    tag="alerts",
)
def get_oversight(call: Call) -> AlertSettingsOut:
    if not (call.who.is_finance or call.who.is_manager):
        raise Forbidden("staff only", code="forbidden")
    return AlertSettingsOut.of(wiring.alerts().oversight())


@api.route(
    "/alerts/oversight",
    "PUT",
    summary="Finance sets its own alert recipients (empty: the finance group) and the threshold no manager can raise",
    body=AlertSettingsRequest,
    response=AlertSettingsOut,
    tag="alerts",
)
def put_oversight(call: Call) -> AlertSettingsOut:
    b = call.body
    return AlertSettingsOut.of(
        wiring.alerts().configure_oversight(call.who, recipients=b.recipients, threshold=b.withdrawal_threshold)
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
