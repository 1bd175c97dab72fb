"""Alert settings, sent-alert claims and the alert log (pools table), and email (SES)."""

from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.adapters import pool_items as items
from chalicelib.adapters.ddb import decode_cursor, encode_cursor, from_item, to_item, value
from chalicelib.services.ports import AlertSettings, Email, Page, SentAlert

CLAIM_TTL_SECONDS = 400 * 24 * 3600


# Finance's own alert settings, one for the firm (not in any pool's partition).
OVERSIGHT_PK = "FIRM#OVERSIGHT"


class DynamoAlertStore:
    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def settings(self, pool_id: str) -> AlertSettings:
        resp = self._db.get_item(TableName=self._table, Key=items.key(items.pool_pk(pool_id), items.ALERT_SETTINGS))
        if "Item" not in resp:
            return AlertSettings()
        item = from_item(resp["Item"])
        return AlertSettings(
            recipients=tuple(item.get("recipients", [])), withdrawal_threshold=Decimal(item["withdrawal_threshold"])
        )

    def save_settings(self, pool_id: str, settings: AlertSettings) -> None:
        self._db.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": items.pool_pk(pool_id),
                    "SK": items.ALERT_SETTINGS,
                    "kind": "alert-settings",
                    "recipients": list(settings.recipients),
                    "withdrawal_threshold": str(settings.withdrawal_threshold),
                }
            ),
        )

    def oversight(self) -> AlertSettings | None:
        resp = self._db.get_item(TableName=self._table, Key=items.key(OVERSIGHT_PK, items.ALERT_SETTINGS))
        if "Item" not in resp:
            return None
        item = from_item(resp["Item"])
        return AlertSettings(
            recipients=tuple(item.get("recipients", [])), withdrawal_threshold=Decimal(item["withdrawal_threshold"])
        )

    def save_oversight(self, settings: AlertSettings) -> None:
        self._db.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": OVERSIGHT_PK,
                    "SK": items.ALERT_SETTINGS,
                    "kind": "oversight-alert-settings",
                    "recipients": list(settings.recipients),
                    "withdrawal_threshold": str(settings.withdrawal_threshold),
                }
            ),
        )

    def claim(self, cause: str) -> bool:
        try:
            self._db.put_item(
                TableName=self._table,
                Item=to_item(
                    {**items.alert_claim_key(cause), "kind": "alert", "expires_at": int(time.time()) + CLAIM_TTL_SECONDS}
                ),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def record_sent(self, alert: SentAlert) -> None:
        # Sort key: when, then the cause, so the log reads newest first. The
        # cause's claim means each alert reaches here once.
        self._db.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "PK": items.ALERT_LOG,
                    "SK": f"{alert.sent_at.isoformat(timespec='microseconds')}#{alert.cause}",
                    "kind": "alert-log",
                    "cause": alert.cause,
                    "subject": alert.subject,
                    "text": alert.text,
                    "recipients": list(alert.recipients),
                    "pool_id": alert.pool_id or "",
                    "sent_at": alert.sent_at.isoformat(timespec="microseconds"),
                    "expires_at": int(time.time()) + CLAIM_TTL_SECONDS,
                }
            ),
        )

    def sent_alerts(self, *, limit: int, cursor: str | None) -> Page[SentAlert]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": to_item({":pk": items.ALERT_LOG}),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = decode_cursor(cursor, pinned={"PK": items.ALERT_LOG}, fields={"PK", "SK"})
        if start is not None:
            kwargs["ExclusiveStartKey"] = start
        resp = self._db.query(TableName=self._table, **kwargs)
        found = [from_item(i) for i in resp.get("Items", [])]
        nxt = encode_cursor(resp.get("LastEvaluatedKey"))
        return Page(
            [
                SentAlert(
                    cause=i["cause"],
                    subject=i["subject"],
                    text=i["text"],
                    recipients=tuple(i.get("recipients", [])),
                    pool_id=i.get("pool_id") or None,
                    sent_at=datetime.fromisoformat(i["sent_at"]),
                )
                for i in found
            ],
            nxt,
        )

    def release(self, cause: str) -> None:
        self._db.delete_item(TableName=self._table, Key=to_item(items.alert_claim_key(cause)))

    # The day's opening NAV per unit, expiring after a week.

    def day_open(self, pool_id: str, day: date) -> Decimal | None:
        resp = self._db.get_item(
            TableName=self._table, Key=items.key(items.pool_pk(pool_id), items.day_open_sk(day)), ConsistentRead=True
        )
        return Decimal(value(resp["Item"]["nav_per_unit"])) if "Item" in resp else None

    def open_day(self, pool_id: str, day: date, nav_per_unit: Decimal) -> Decimal:
        try:
            self._db.put_item(
                TableName=self._table,
                Item=to_item(
                    {
                        "PK": items.pool_pk(pool_id),
                        "SK": items.day_open_sk(day),
                        "kind": "day-open",
                        "nav_per_unit": nav_per_unit,
                        "expires_at": int(time.time()) + 7 * 24 * 3600,
                    }
                ),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            stored = self.day_open(pool_id, day)
            return stored if stored is not None else nav_per_unit
        return nav_per_unit

    def scale_day_open(self, pool_id: str, day: date, factor: Decimal) -> None:
        current = self.day_open(pool_id, day)
        if current is None:
            return  # no market valuation yet today: the opening will be read after the payout
        scaled = (current * factor).quantize(Decimal("1e-12"))
        self._db.update_item(
            TableName=self._table,
            Key=items.key(items.pool_pk(pool_id), items.day_open_sk(day)),
            UpdateExpression="SET nav_per_unit = :n",
            ExpressionAttributeValues=to_item({":n": scaled}),
        )


class SesMailer:
    def __init__(self, client: Any, sender: str, configuration_set: str) -> None:
        self._ses = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, email: Email) -> None:
        self._ses.send_email(
            Source=self._sender,
            ConfigurationSetName=self._configuration_set,
            Destination={"ToAddresses": list(email.to)},
            Message={
                "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"}, "Html": {"Data": email.html, "Charset": "UTF-8"}},
            },
        )
