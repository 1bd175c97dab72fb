"""What every decision shares: its result types, the checks that refuse it, and
how the new state and its ledger entry are made."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .errors import Conflict, InvalidInput
from .model import Allocation, EntryType, Investor, InvestorStatus, LedgerEntry, Pool, PoolStatus, Stamp

MAX_NAME = 120


@dataclass(frozen=True)
class PoolDecision:
    pool: Pool
    entry: LedgerEntry


@dataclass(frozen=True)
class InvestorDecision:
    pool: Pool
    investor: Investor
    entry: LedgerEntry


@dataclass(frozen=True)
class DistributionDecision:
    pool: Pool
    entry: LedgerEntry
    allocations: tuple[Allocation, ...]


def clean_name(value: object, *, field: str = "name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} must not be empty", field=field, code="invalid_name")
    text = " ".join(value.split())
    if len(text) > MAX_NAME:
        raise InvalidInput(f"{field} must be at most {MAX_NAME} characters", field=field, code="invalid_name")
    if any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in text):
        raise InvalidInput(f"{field} contains control characters", field=field, code="invalid_name")
    return text


def require_open(pool: Pool, doing: str) -> None:
    """A closed pool moves no money (docs/accounting.md)."""
    if pool.status is not PoolStatus.OPEN:
        raise Conflict(f"{pool.name} is closed: it cannot {doing} until a manager reopens it", code="pool_closed")


def require_active(investor: Investor) -> None:
    if investor.status is not InvestorStatus.ACTIVE:
        raise Conflict("investor has been removed from this pool", field="investor_id", code="investor_removed")


def touch(pool: Pool, stamp: Stamp, **changes: object) -> Pool:
    """The pool as changed by a decision made at the stamp's time."""
    return replace(pool, updated_at=stamp.at, **changes)  # type: ignore[arg-type]


def new_entry(pool: Pool, stamp: Stamp, type_: EntryType, **fields: object) -> LedgerEntry:
    """The ledger entry that records a decision: its id, time and author come from the stamp."""
    return LedgerEntry(
        id=stamp.entry_id,
        pool_id=pool.id,
        type=type_,
        created_at=stamp.at,
        actor=stamp.actor,
        actor_name=stamp.actor_name,
        **fields,  # type: ignore[arg-type]
    )


def first_subscribed(investor: Investor, on: date) -> date:
    """When the investor first bought units, for one buying more on ``on`` (a lock-up runs from it)."""
    if investor.first_subscribed is not None:
        return investor.first_subscribed
    # Units bought before Pooldesk kept the date count from when the investor joined.
    return on if investor.contributed == 0 else investor.created_at.date()
