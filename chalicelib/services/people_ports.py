"""The ports of managing people (invitations, and later disabling): separate from
ports.py, which holds what the fund's use cases need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .ports import Challenge, Tokens


@dataclass(frozen=True)
class Account:
    user_id: str  # the user pool's sub
    email: str
    created: bool  # False: the person had an account already (one login, however many invitations)


class Accounts(Protocol):
    """The user pool, as an administrator sees it."""

    def invite(self, *, email: str, name: str, group: str, temporary_password: str) -> Account:
        """Create the user with a temporary password (they must choose their own at first sign-in), in ``group``;
        a person who already has an account is left as they are (``created`` False)."""
        ...

    def find(self, email: str) -> Account | None:
        """The account of an address, if there is one."""
        ...

    def add_to_group(self, email: str, group: str) -> None: ...

    def email_of(self, user_id: str) -> str | None:
        """The address of a login, by its sub (None: no such login)."""
        ...

    def disable(self, user_id: str) -> None:
        """Refuse the login's password and revoke its refresh tokens."""
        ...

    def enable(self, user_id: str) -> None: ...

    def logins(self, *, limit: int, cursor: str | None) -> LoginPage:
        """Every login of the user pool with its groups, a page at a time."""
        ...


@dataclass(frozen=True)
class Standing:
    """What Pooldesk itself knows of a login, checked at every request: Cognito's tokens
    stay valid until they expire, so disabling someone or signing out everywhere must
    also be refused here to take effect at once."""

    disabled: bool = False
    signed_out_at: datetime | None = None
    # Signs in with a password alone though staff: set only by the local stack's provisioning, for
    # its published demo logins (no route sets it). Every other manager and finance user needs TOTP.
    mfa_exempt: bool = False
    # Has an authenticator, as seen when signing in through Pooldesk: a staff token without it is refused,
    # so tokens taken from Cognito directly (its client id is public) cannot skip the authenticator.
    mfa_enrolled: bool = False

    def refusal(self, issued_at: datetime | None, *, staff: bool = False) -> tuple[str, str] | None:
        """(code, message) when a token issued at ``issued_at`` may no longer be used."""
        if self.disabled:
            return "account_disabled", "this login has been disabled by finance"
        # A token's iat is in whole seconds: one issued in the second of the sign-out is refused too
        # (safer than letting a stale one through; signing in again takes longer than that).
        if self.signed_out_at is not None and (issued_at is None or issued_at <= self.signed_out_at.replace(microsecond=0)):
            return "signed_out", "this session was signed out; sign in again"
        if staff and not (self.mfa_enrolled or self.mfa_exempt):
            return "mfa_required", "managers and finance sign in with an authenticator: sign in again to set one up"
        return None


@dataclass(frozen=True)
class Membership:
    """A login linked to an investor record (the manager's invitation made it)."""

    user_id: str
    pool_id: str
    investor_id: str
    linked_at: datetime


@dataclass(frozen=True)
class EmailPreferences:
    """Which emails an investor wants: each on unless they turn it off."""

    order_settled: bool = True
    distribution_paid: bool = True
    statement_ready: bool = True


class AccountRecords(Protocol):
    """What Pooldesk keeps about a login: its standing, its links to investor records, its email preferences."""

    def standing(self, user_id: str) -> Standing: ...

    def set_standing(self, user_id: str, standing: Standing) -> None: ...

    def link(self, membership: Membership) -> None: ...

    def memberships(self, user_id: str) -> list[Membership]: ...

    def linked_logins(self, pool_id: str) -> dict[str, str]:
        """investor id → the user id of the login linked to it."""
        ...

    def preferences(self, user_id: str) -> EmailPreferences: ...

    def save_preferences(self, user_id: str, preferences: EmailPreferences) -> None: ...


class Tickets(Protocol):
    """Single-use tickets for opening a WebSocket (so no token travels in a URL)."""

    def issue(self, digest: str, user_id: str, email: str, groups: frozenset[str], expires_at: datetime) -> None: ...

    def redeem(self, digest: str) -> tuple[str, str, frozenset[str], datetime] | None:
        """Take the ticket (at most one caller ever gets it): (user id, email, groups, expiry)."""
        ...


class HeldSignIns(Protocol):
    """A staff sign-in's tokens, held back until an authenticator is set up (keyed by a digest
    of the handle the client gets; kept minutes, not hours)."""

    def hold(self, digest: str, tokens: Tokens, expires_at: datetime) -> None: ...

    def held(self, digest: str) -> tuple[Tokens, datetime] | None: ...

    def release(self, digest: str) -> None: ...


class Authenticator(Protocol):
    """The user pool as a signing-in user meets it (Cognito's public client)."""

    def login(self, email: str, password: str) -> Tokens | Challenge: ...

    def refresh(self, refresh_token: str) -> Tokens: ...

    def respond(
        self, challenge: str, *, email: str, session: str, new_password: str | None = None, code: str | None = None
    ) -> Tokens | Challenge: ...

    def mfa_secret(self, *, session: str | None = None, access_token: str | None = None) -> tuple[str, str | None]: ...

    def mfa_verify(self, code: object, *, session: str | None = None, access_token: str | None = None) -> str | None: ...

    def has_totp(self, access_token: str) -> bool:
        """Whether the signed-in user has an authenticator turned on."""
        ...


@dataclass(frozen=True)
class Login:
    """A login as finance's list of people shows it."""

    user_id: str
    email: str
    name: str
    groups: tuple[str, ...]
    enabled: bool
    invited: bool  # has not chosen a password yet (the temporary one still stands)


@dataclass(frozen=True)
class LoginPage:
    items: list[Login]
    next_cursor: str | None
