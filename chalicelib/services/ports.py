"""The ports the use cases need. Adapters implement them (DynamoDB, in-memory)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from chalicelib.domain.model import Allocation, Investor, LedgerEntry, Pool

T = TypeVar("T")


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
    idempotency: IdempotencyRecord | None = None
    allocations: Sequence[Allocation] = field(default_factory=tuple)
    record_nav: bool = True


@dataclass(frozen=True)
class BrokerageLink:
    pool_id: str
    broker: str
    account_id: str
    linked_by: str
    linked_at: str


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


class BrokerageLinkStore(Protocol):
    def of_pool(self, pool_id: str) -> BrokerageLink | None: ...

    def pool_for(self, broker: str, account_id: str) -> str | None: ...

    def link(self, link: BrokerageLink) -> None: ...


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


@dataclass(frozen=True)
class PricePoint:
    symbol: str
    price: Decimal
    ts: Decimal  # when the market printed it (unix seconds), not when we heard


class PriceStore(Protocol):
    def record(self, points: Sequence[PricePoint]) -> list[PricePoint]:
        """Store each point unless a newer one is stored. Returns the points that are
        now the stored price: those stored by this call, and those found stored
        exactly as given (an earlier attempt at the same batch stored them)."""
        ...

    def latest(self, symbol: str) -> PricePoint | None: ...


class VersionConflict(Exception):
    """The pool changed between read and write; decide again from a fresh read."""


class DuplicateRequest(Exception):
    """The Idempotency-Key was stored by a concurrent request first."""


class InvalidCursor(ValueError):
    pass


class PoolRepository(Protocol):
    def get_pool(self, pool_id: str) -> Pool | None: ...

    def get_investor(self, pool_id: str, investor_id: str) -> Investor | None: ...

    def list_investors(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Investor], bool] | None = None
    ) -> Page[Investor]:
        """Investors in id order; with ``where``, only those it keeps. A filtered page
        may hold fewer than ``limit`` items and still have a next_cursor."""
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
        """The ledger newest first; ``where`` filters as in list_investors."""
        ...

    def get_entry(self, pool_id: str, entry_id: str) -> LedgerEntry | None: ...

    def ledger(self, pool_id: str) -> list[LedgerEntry]:
        """The whole ledger, oldest first (reconciliation)."""
        ...

    def allocations(self, pool_id: str, entry_id: str) -> list[Allocation]: ...

    def booked_shares(self, pool_id: str, investor_id: str, entry_ids: Sequence[str]) -> dict[str, Allocation]:
        """The investor's share of each of these distributions that has been paid
        to them (settled), by distribution entry id: one read, not one per distribution."""
        ...

    def nav_history(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[NavPoint]:
        """The latest ``limit`` points, oldest first; next_cursor pages back in time."""
        ...

    def first_nav_since(self, pool_id: str, since: datetime) -> NavPoint | None:
        """The earliest NAV point at or after ``since`` (e.g. the day's opening)."""
        ...

    def find_idempotency(self, pool_id: str, key: str) -> IdempotencyRecord | None: ...

    def commit(self, change: Commit) -> None:
        """Write the change atomically. Raises VersionConflict or DuplicateRequest."""
        ...

    def is_settled(self, pool_id: str, entry_id: str) -> bool:
        """Whether every share of a distribution has been booked."""
        ...

    def revalue(self, pool: Pool, expected_version: int, *, record_nav: bool) -> None:
        """Store new market prices on a pool (no ledger entry), and a NAV point
        when asked. Raises VersionConflict."""
        ...

    def pools_holding(self, symbol: str) -> list[str]:
        """Ids of the pools with an open position in ``symbol``."""
        ...

    def settle_distribution(self, pool_id: str, entry_id: str) -> int:
        """Book each investor's share of a committed distribution exactly once; returns shares booked now."""
        ...
