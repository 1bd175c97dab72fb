"""In-memory stand-ins for the alert, directory, mail and live-update ports, with
the same contracts as the AWS adapters (tests/integration/test_port_contracts.py
holds both to them), so use cases are tested without moto."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.adapters.memory import page_after
from chalicelib.services.ports import AlertSettings, Email, Page, Person, Principal, SentAlert


class InMemoryAlertStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.saved: dict[str, AlertSettings] = {}
        self.finance: AlertSettings | None = None
        self.claims: set[str] = set()
        self.day_opens: dict[tuple[str, date], Decimal] = {}
        self.log: list[SentAlert] = []

    def settings(self, pool_id: str) -> AlertSettings:
        return self.saved.get(pool_id, AlertSettings())

    def save_settings(self, pool_id: str, settings: AlertSettings) -> None:
        self.saved[pool_id] = settings

    def oversight(self) -> AlertSettings | None:
        return self.finance

    def save_oversight(self, settings: AlertSettings) -> None:
        self.finance = settings

    def claim(self, cause: str) -> bool:
        with self._lock:
            if cause in self.claims:
                return False
            self.claims.add(cause)
            return True

    def release(self, cause: str) -> None:
        with self._lock:
            self.claims.discard(cause)

    def day_open(self, pool_id: str, day: date) -> Decimal | None:
        return self.day_opens.get((pool_id, day))

    def open_day(self, pool_id: str, day: date, nav_per_unit: Decimal) -> Decimal:
        with self._lock:
            return self.day_opens.setdefault((pool_id, day), nav_per_unit)

    def scale_day_open(self, pool_id: str, day: date, factor: Decimal) -> None:
        with self._lock:
            if (pool_id, day) in self.day_opens:
                self.day_opens[(pool_id, day)] = (self.day_opens[(pool_id, day)] * factor).quantize(Decimal("1e-12"))

    def record_sent(self, alert: SentAlert) -> None:
        self.log.append(alert)

    def sent_alerts(self, *, limit: int, cursor: str | None) -> Page[SentAlert]:
        newest_first = sorted(self.log, key=lambda a: (a.sent_at, a.cause), reverse=True)
        return page_after("alerts", [(f"{a.sent_at.isoformat()}#{a.cause}", a) for a in newest_first], limit, cursor)


@dataclass
class RecordingMailer:
    """Keeps every email instead of sending it; ``failing`` makes the next sends raise."""

    sent: list[Email] = field(default_factory=list)
    failing: int = 0

    def send(self, email: Email) -> None:
        if self.failing:
            self.failing -= 1
            raise ConnectionError("the mail service refused (a test's fault)")
        self.sent.append(email)


@dataclass
class StaticDirectory:
    finance: list[str] = field(default_factory=list)
    users: dict[str, Person] = field(default_factory=dict)

    def finance_emails(self) -> list[str]:
        return sorted(self.finance)

    def people(self, user_ids: Sequence[str]) -> dict[str, Person]:
        return {u: self.users[u] for u in user_ids if u in self.users}


class InMemoryConnections:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.who: dict[str, Principal] = {}
        self.subscriptions: dict[str, set[str]] = {}

    def open(self, connection_id: str, who: Principal) -> None:
        self.who[connection_id] = who

    def principal(self, connection_id: str) -> Principal | None:
        return self.who.get(connection_id)

    def subscribe(self, connection_id: str, pool_id: str) -> None:
        with self._lock:
            self.subscriptions.setdefault(pool_id, set()).add(connection_id)

    def subscribers(self, pool_id: str) -> list[str]:
        return sorted(self.subscriptions.get(pool_id, ()))

    def close(self, connection_id: str) -> None:
        with self._lock:
            self.who.pop(connection_id, None)
            for members in self.subscriptions.values():
                members.discard(connection_id)

    def of_user(self, user_id: str) -> list[str]:
        return sorted(c for c, who in self.who.items() if who.user_id == user_id)


class RecordingPusher:
    """Keeps what each connection was sent; a connection in ``gone`` is gone (API Gateway's 410)."""

    def __init__(self) -> None:
        self.sent: dict[str, list[dict[str, Any]]] = {}
        self.gone: set[str] = set()

    def send(self, connection_id: str, message: dict[str, Any]) -> bool:
        if connection_id in self.gone:
            return False
        self.sent.setdefault(connection_id, []).append(message)
        return True

    def hang_up(self, connection_id: str) -> None:
        self.gone.add(connection_id)
