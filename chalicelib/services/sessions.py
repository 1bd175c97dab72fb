"""Sessions beyond what a token proves: a disabled login or one signed out
everywhere is refused at once (Cognito's access tokens stay valid until they
expire, an hour later), and a WebSocket opens with a single-use ticket rather
than a token in its URL, where access logs would keep it."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.domain.errors import Unauthorized

from .people_ports import AccountRecords, Tickets
from .ports import Principal

TICKET_LIFETIME = timedelta(seconds=30)


@dataclass(frozen=True)
class Ticket:
    ticket: str
    expires_at: datetime


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


class Sessions:
    def __init__(self, records: AccountRecords, tickets: Tickets, clock: Callable[[], datetime]) -> None:
        self.records = records
        self.tickets = tickets
        self.now = clock

    def admit(self, who: Principal) -> Principal:
        """The caller a valid token names, unless their login was disabled or signed out since."""
        refused = self.records.standing(who.user_id).refusal(who.issued_at, staff=who.is_manager or who.is_finance)
        if refused is not None:
            raise Unauthorized(refused[1], code=refused[0])
        return who

    def signed_out(self, who: Principal) -> None:
        """Every token issued before now is refused from now on (the refresh tokens Cognito revokes)."""
        standing = self.records.standing(who.user_id)
        self.records.set_standing(who.user_id, replace(standing, signed_out_at=self.now()))

    def ticket(self, who: Principal) -> Ticket:
        value = secrets.token_urlsafe(32)
        expires = self.now() + TICKET_LIFETIME
        self.tickets.issue(_digest(value), who.user_id, who.email, who.groups, expires)
        return Ticket(value, expires)

    def redeem(self, ticket: str | None) -> Principal:
        """$connect: the ticket's holder, once; a used, unknown or expired ticket is refused alike."""
        if not ticket:
            raise Unauthorized("connect with ?ticket=<ticket from POST /auth/ws-ticket>", code="missing_ticket")
        taken = self.tickets.redeem(_digest(ticket))
        if taken is None or taken[3] < self.now():
            raise Unauthorized("this ticket is used, unknown or expired; ask for a new one", code="invalid_ticket")
        user_id, email, groups, _ = taken
        return self.admit(Principal(user_id=user_id, email=email, groups=groups, issued_at=self.now()))
