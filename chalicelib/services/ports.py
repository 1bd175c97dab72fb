"""Every port the use cases need, the data that crosses them, and the errors
adapters raise through them. Adapters (DynamoDB, Cognito, SES, API Gateway,
in-memory fakes) implement these; nothing here knows which one it gets.

The pool repository's contract is kept whole in this one module, so whoever
writes an adapter reads all it must do in one place; the people, market and
dealing ports stand beside it (people_ports, market_ports, dealing_ports).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from chalicelib.domain.approvals import Approval
from chalicelib.domain.ledger import Movement
from chalicelib.domain.model import Allocation, Investor, LedgerEntry, Pool
from chalicelib.domain.orders import Order
from chalicelib.domain.valuations import Valuation
from chalicelib.domain.withdrawal_requests import WithdrawalRequest
from chalicelib.resources import FINANCE_GROUP, INVESTORS_GROUP, MANAGERS_GROUP

from .dealing_ports import ApprovalBook, OrderBook, RequestBook
from .market_ports import MarketBook

T = TypeVar("T")

# -- who is calling ------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """A signed-in user (or one of Pooldesk's own consumers), as a token proves them."""

    user_id: str
    email: str
    groups: frozenset[str]
    # Set only in code for Pooldesk's own consumers (webhook events); no token
    # can produce it, whatever groups a user pool defines.
    is_system: bool = False
    # How a system principal is shown (a user's name comes from the Directory).
    display_name: str = ""
    # When the token was issued: a sign-out everywhere refuses tokens issued before it.
    issued_at: datetime | None = None

    @classmethod
    def system(cls, user_id: str, display_name: str = "") -> Principal:
        return cls(user_id=user_id, email="", groups=frozenset(), is_system=True, display_name=display_name or user_id)

    @property
    def is_manager(self) -> bool:
        return MANAGERS_GROUP in self.groups

    @property
    def is_finance(self) -> bool:
        return FINANCE_GROUP in self.groups

    @property
    def is_investor(self) -> bool:
        return INVESTORS_GROUP in self.groups

    @property
    def role(self) -> str:
        if self.is_manager or self.is_finance:
            return MANAGERS_GROUP if self.is_manager else FINANCE_GROUP
        return INVESTORS_GROUP if self.is_investor else "none"


@dataclass(frozen=True)
class Person:
    """How a user is shown to people: never as a bare id."""

    user_id: str
    name: str
    email: str

    @property
    def label(self) -> str:
        if self.name and self.email and self.name != self.email:
            return f"{self.name} <{self.email}>"
        return self.email or self.name or self.user_id


@dataclass(frozen=True)
class Tokens:
    """What signing in gives: Cognito's tokens for the user."""

    access_token: str
    id_token: str
    refresh_token: str | None
    expires_in: int


@dataclass(frozen=True)
class Challenge:
    """A further step Cognito asks for before it gives tokens: a new password, a TOTP code, or setting TOTP up."""

    name: str  # NEW_PASSWORD_REQUIRED | SOFTWARE_TOKEN_MFA | MFA_SETUP
    session: str
    email: str


# -- errors adapters raise through the ports ------------------------------------


class VersionConflict(Exception):
    """The pool changed between read and write; decide again from a fresh read."""


class DuplicateRequest(Exception):
    """The Idempotency-Key was stored by a concurrent request first."""


class InvalidCursor(ValueError):
    """A page cursor this API did not issue, or issued for another listing."""


class Throttled(Exception):
    """AWS refused for capacity even after the SDK's retries; nothing was written."""


# -- data that crosses the ports -------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class NavPoint:
    at: datetime
    nav: Decimal
    nav_per_unit: Decimal
    units: Decimal
    official: bool = False  # struck and approved (a forward pool's valuation), not a live mark
    reinvestment: Decimal = Decimal(1)  # the pool's then: nav_per_unit x this is the total-return NAV per unit

    @classmethod
    def live(cls, pool: Pool, at: datetime) -> NavPoint:
        """The pool's live mark at ``at``: what a commit or a revaluation records."""
        return cls(at=at, nav=pool.nav, nav_per_unit=pool.nav_per_unit, units=pool.units, reinvestment=pool.reinvestment)


@dataclass(frozen=True)
class IdempotencyRecord:
    """An Idempotency-Key, a fingerprint of the request it came with, and the entry it produced."""

    key: str
    request_hash: str
    entry_id: str


@dataclass(frozen=True)
class Commit:
    """Everything one command changes, written atomically or not at all.

    ``expected_version`` is the version the decision was made on (None for a
    new pool); the write fails with VersionConflict if the pool moved since.
    """

    pool: Pool
    expected_version: int | None
    entry: LedgerEntry
    investor: Investor | None = None
    investor_is_new: bool = False
    # The investor as it was, when this command changes their name or email: their
    # search terms move with it. Without it a commit leaves name and email as stored.
    investor_was: Investor | None = None
    idempotency: IdempotencyRecord | None = None
    allocations: Sequence[Allocation] = field(default_factory=tuple)
    record_nav: bool = True
    # A forward pool's orders and valuation, as this command leaves them; and the official NAV it strikes.
    orders: Sequence[Order] = field(default_factory=tuple)
    valuation: Valuation | None = None
    official_nav: NavPoint | None = None
    # The entry this one reverses, as it reads once linked (only if not reversed before).
    reversing: LedgerEntry | None = None
    approval: Approval | None = None  # a movement held for finance, as this command leaves it
    withdrawal_request: WithdrawalRequest | None = None  # an investor's request, as this command leaves it


@dataclass(frozen=True)
class CommandReads:
    """What a command reads before it decides, in one round trip: the pool, the
    investor it names, and the record of its Idempotency-Key (None where absent)."""

    pool: Pool | None
    investor: Investor | None = None
    idempotency: IdempotencyRecord | None = None


@dataclass(frozen=True)
class BrokerageLink:
    pool_id: str
    broker: str
    account_id: str
    linked_by: str
    linked_at: str
    # A manager's link waits for finance: until approved, the account's events apply to no pool.
    # (Links made before approvals existed read as approved.)
    status: str = "approved"  # pending | approved
    approved_by: str | None = None
    approved_at: str | None = None

    @property
    def approved(self) -> bool:
        return self.status == "approved"


@dataclass(frozen=True)
class StoredEvent:
    """A brokerage webhook event as received, and how it ended."""

    broker: str
    event_id: str
    type: str
    body: str
    received_at: str
    status: str
    reason: str | None = None
    pool_id: str | None = None
    entry_id: str | None = None


# What changed in a pool, decoded once from the pools table's stream.


@dataclass(frozen=True)
class PoolChanged:
    pool: Pool
    revalued: bool  # market prices marked it (valued_at moved)


@dataclass(frozen=True)
class EntryAppended:
    entry: LedgerEntry


@dataclass(frozen=True)
class InvestorChanged:
    investor: Investor


PoolChange = PoolChanged | EntryAppended | InvestorChanged


@dataclass(frozen=True)
class AlertSettings:
    """A pool's: who else is emailed (finance always is), and its withdrawal threshold (finance's
    applies when it is lower). Finance's own (oversight): its recipients, and the threshold every
    pool is held to at least."""

    recipients: tuple[str, ...] = ()  # finance's, empty: the finance group
    withdrawal_threshold: Decimal = Decimal("0.10")


@dataclass(frozen=True)
class Email:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class SentAlert:
    """An alert as sent: what finance sees in the app's alert log."""

    cause: str  # what it is about, once: a ledger entry, an event, a dead letter
    subject: str
    text: str
    recipients: tuple[str, ...]
    pool_id: str | None
    sent_at: datetime


# -- the ports -------------------------------------------------------------------


class PoolRepository(OrderBook, ApprovalBook, RequestBook, MarketBook, Protocol):
    def get_pool(self, pool_id: str) -> Pool | None: ...

    def get_investor(self, pool_id: str, investor_id: str) -> Investor | None: ...

    def get_investors(self, pool_id: str, investor_ids: Sequence[str]) -> dict[str, Investor]:
        """The investors among these ids that exist, by id, in one read."""
        ...

    def list_investors(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[Investor]:
        """Every investor, in id order."""
        ...

    def search_investors(self, pool_id: str, words: Sequence[str], *, limit: int, cursor: str | None) -> Page[Investor]:
        """Investors every word of the search begins a term of (domain/investor_search.py),
        in the order of the term the longest word begins, each once; a page may be short
        and still have a next_cursor."""
        ...

    def holders(self, pool_id: str) -> list[Investor]:
        """Every active investor holding units (all pages)."""
        ...

    def all_investors(self, pool_id: str) -> list[Investor]:
        """Every investor the pool ever had, removed ones too (reconciliation)."""
        ...

    def paid_out(self, pool_id: str) -> dict[str, Decimal]:
        """The distribution shares booked to each investor, summed (reconciliation)."""
        ...

    def list_pools(self, *, manager_id: str | None, limit: int, cursor: str | None) -> Page[Pool]:
        """A manager's pools, or every pool when manager_id is None; newest first."""
        ...

    def activity(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[LedgerEntry], bool] | None = None
    ) -> Page[LedgerEntry]:
        """The ledger newest first; with ``where``, the entries it keeps (a page may be
        short and still have a next_cursor)."""
        ...

    def get_entry(self, pool_id: str, entry_id: str) -> LedgerEntry | None: ...

    def ledger(self, pool_id: str) -> list[LedgerEntry]:
        """The whole ledger, oldest first."""
        ...

    def movements(self, pool_id: str) -> list[Movement]:
        """The whole ledger, oldest first, as only what a fold reads (reconciliation)."""
        ...

    def allocations(self, pool_id: str, entry_id: str) -> list[Allocation]: ...

    def booked_shares(self, pool_id: str, investor_id: str, entry_ids: Sequence[str]) -> dict[str, Allocation]:
        """The investor's booked share of each of these distributions, by entry id, in one read."""
        ...

    def nav_history(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[NavPoint]:
        """The latest ``limit`` points, oldest first; next_cursor pages back in time."""
        ...

    def first_nav_since(self, pool_id: str, since: datetime) -> NavPoint | None:
        """The earliest NAV point at or after ``since`` (e.g. the day's opening)."""
        ...

    def find_idempotency(self, pool_id: str, key: str) -> IdempotencyRecord | None: ...

    def read_for_command(self, pool_id: str, *, investor_id: str | None, idempotency_key: str | None) -> CommandReads:
        """The pool, and the investor and Idempotency-Key record asked for, strongly consistent, in one round trip."""
        ...

    def commit(self, change: Commit) -> None:
        """Write the change atomically. Raises VersionConflict or DuplicateRequest."""
        ...

    def is_settled(self, pool_id: str, entry_id: str) -> bool:
        """Whether every share of a distribution has been booked."""
        ...

    def settle_distribution(self, pool_id: str, entry_id: str) -> int:
        """Book each investor's share of a committed distribution exactly once; returns shares booked now."""
        ...


class BrokerageLinkStore(Protocol):
    def of_pool(self, pool_id: str) -> BrokerageLink | None: ...

    def pool_for(self, broker: str, account_id: str) -> tuple[str, bool] | None:
        """The pool an account is linked to, and whether finance approved the link."""
        ...

    def link(self, link: BrokerageLink) -> None: ...

    def approve(self, link: BrokerageLink) -> None:
        """Record finance's approval (``link`` as approved) on both of its items."""
        ...

    def unlink(self, link: BrokerageLink) -> None: ...


class WebhookSecretStore(Protocol):
    def for_broker(self, broker: str) -> tuple[str, ...]:
        """The broker's active secrets; raises NotFound for an unknown broker."""
        ...


class WebhookEventStore(Protocol):
    def record(self, *, broker: str, event_id: str, type_: str, body: str, received_at: datetime) -> bool: ...

    def get(self, broker: str, event_id: str) -> StoredEvent | None: ...

    def settle(
        self, event: StoredEvent, *, status: str, pool_id: str | None, reason: str | None = None, entry_id: str | None = None
    ) -> None: ...

    def for_pool(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[StoredEvent]: ...


class AlertStore(Protocol):
    def settings(self, pool_id: str) -> AlertSettings: ...

    def save_settings(self, pool_id: str, settings: AlertSettings) -> None: ...

    def oversight(self) -> AlertSettings | None:
        """Finance's own settings for the alerts that oversee managers (None: never set)."""
        ...

    def save_oversight(self, settings: AlertSettings) -> None: ...

    def claim(self, cause: str) -> bool:
        """True the first time a cause is claimed; False ever after."""
        ...

    def release(self, cause: str) -> None:
        """Undo a claim whose email could not be sent, so a retry sends it."""
        ...

    def day_open(self, pool_id: str, day: date) -> Decimal | None:
        """The pool's NAV per unit at the day's opening, as adjusted for distributions."""
        ...

    def open_day(self, pool_id: str, day: date, nav_per_unit: Decimal) -> Decimal:
        """Record the day's opening unless one is recorded; returns the one that is."""
        ...

    def scale_day_open(self, pool_id: str, day: date, factor: Decimal) -> None: ...

    def record_sent(self, alert: SentAlert) -> None:
        """Keep a sent alert for the alert log; called once per cause, after the email went out."""
        ...

    def sent_alerts(self, *, limit: int, cursor: str | None) -> Page[SentAlert]:
        """Sent alerts, newest first."""
        ...


class Mailer(Protocol):
    def send(self, email: Email) -> None: ...


class Directory(Protocol):
    """The people who sign in to Pooldesk."""

    def finance_emails(self) -> list[str]: ...

    def people(self, user_ids: Sequence[str]) -> dict[str, Person]:
        """Those of these users who exist, by id."""
        ...


class ConnectionStore(Protocol):
    def open(self, connection_id: str, who: Principal) -> None: ...

    def principal(self, connection_id: str) -> Principal | None: ...

    def subscribe(self, connection_id: str, pool_id: str) -> None: ...

    def subscribers(self, pool_id: str) -> list[str]: ...

    def close(self, connection_id: str) -> None: ...

    def of_user(self, user_id: str) -> list[str]: ...


class Pusher(Protocol):
    def send(self, connection_id: str, message: dict[str, Any]) -> bool:
        """Deliver; False when the connection is gone."""
        ...

    def hang_up(self, connection_id: str) -> None: ...
