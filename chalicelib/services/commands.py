"""Running a command: the one place where a decision is committed, retried from a
fresh read when another writer got there first, and kept to exactly once with an
Idempotency-Key. Every use case that changes a pool goes through CommandRunner.run.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, replace

from chalicelib.domain import tally
from chalicelib.domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from chalicelib.domain.model import Allocation, Investor, LedgerEntry, Pool, Stamp

from .access import check_write
from .ports import CommandReads, Commit, DuplicateRequest, IdempotencyRecord, PoolRepository, Principal, VersionConflict

# A hot pool (many writers at once) is resolved by retrying from a fresh read
# with capped exponential backoff and full jitter: at most ~12 s in all (inside
# API Gateway's 29 s). Eight writers on one pool of a loaded 2-core machine ran
# twenty attempts capped at 0.25 s dry; a wider spread lets each get its turn.
MAX_ATTEMPTS = 30
BACKOFF_BASE_SECONDS = 0.01
BACKOFF_CAP_SECONDS = 0.5
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")

Decide = Callable[[Pool, Stamp], Commit]
# Who may run a command on the pool: the pool as read, or a refusal (access.py).
Access = Callable[[Principal, Pool | None, str], Pool]


@dataclass(frozen=True)
class Receipt:
    """What a money movement answers: its ledger entry, and for a distribution every share."""

    entry: LedgerEntry
    allocations: tuple[Allocation, ...] = ()
    replayed: bool = False


def request_fingerprint(operation: str, request: Mapping[str, object]) -> str:
    canonical = json.dumps({"op": operation, "request": request}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not 1 <= len(key) <= 128 or not set(key) <= _KEY_CHARS:
        raise InvalidInput(
            "Idempotency-Key must be 1-128 characters of letters, digits, - _ . :",
            field="Idempotency-Key",
            code="invalid_idempotency_key",
        )
    return key


# The reads a command's first attempt decides on, while it decides (request-scoped:
# the local server runs requests on threads, and a retry must read afresh).
_first_read: ContextVar[CommandReads | None] = ContextVar("first_read", default=None)


def first_read(pool_id: str, investor_id: str) -> Investor | None:
    """The investor, when the command deciding now read them with its pool (None: read them)."""
    reads = _first_read.get()
    found = reads.investor if reads is not None else None
    return found if found is not None and found.pool_id == pool_id and found.id == investor_id else None


class CommandRunner:
    def __init__(self, repo: PoolRepository, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.repo = repo
        self._sleep = sleep

    def run(
        self,
        who: Principal,
        pool_id: str,
        decide: Decide,
        stamp_for: Callable[[Principal], Stamp],
        *,
        operation: str | None = None,
        request: Mapping[str, object] | None = None,
        key: str | None = None,
        access: Access = check_write,
        investor_id: str | None = None,
    ) -> Receipt:
        """Decide and commit, retrying from a fresh read on a conflict; with ``key``,
        a request already answered is answered again, and nothing moves twice.
        ``access`` says who may (by default the pool's manager). The first attempt
        reads the pool, the investor it names (``investor_id``) and the key's record
        in one round trip; the decision finds that investor with ``first_read``."""
        key = check_idempotency_key(key)
        fingerprint = request_fingerprint(operation or "", request or {}) if key else ""
        read = self.repo.read_for_command(pool_id, investor_id=investor_id, idempotency_key=key)
        # Access first, so a replay never shows a result to someone who may not see the pool.
        checked: Pool | None = access(who, read.pool, pool_id)
        if key and read.idempotency is not None:
            return self._replay(pool_id, read.idempotency, fingerprint)
        reads: CommandReads | None = read
        # One command, one ledger entry id, whatever the number of attempts: if an
        # attempt's write landed but its answer was lost (a timeout, a throttled
        # retry), the next attempt's conflict finds that entry instead of booking twice.
        stamp = stamp_for(who)
        for attempt in range(MAX_ATTEMPTS):
            # The first attempt decides on the first read; retries read afresh.
            pool = checked or access(who, self.repo.get_pool(pool_id), pool_id)
            checked = None
            token = _first_read.set(reads)
            reads = None
            try:
                change = decide(pool, stamp)
            except Conflict as exc:
                if exc.code != "stale_holdings":
                    raise
                self._backoff(attempt)
                continue
            finally:
                _first_read.reset(token)
            change = replace(change, pool=tally.counted(change.pool, change.entry, change.orders))
            if key:
                change = _with_key(change, IdempotencyRecord(key=key, request_hash=fingerprint, entry_id=change.entry.id))
            try:
                self.repo.commit(change)
            except VersionConflict:
                landed = self.repo.get_entry(pool_id, stamp.entry_id)
                if landed is not None:
                    return self._landed(pool_id, landed)
                self._backoff(attempt)
                continue
            except DuplicateRequest:
                found = self.repo.find_idempotency(pool_id, key or "")
                if found is None:  # pragma: no cover - the write that beat us is durable
                    raise
                return self._replay(pool_id, found, fingerprint)
            return Receipt(change.entry, tuple(change.allocations))
        raise Conflict("the pool is busy with other changes; try again", code="concurrent_update")

    def _landed(self, pool_id: str, entry: LedgerEntry) -> Receipt:
        """This command's own earlier attempt, found committed: its result, as if just written."""
        allocations = tuple(self.repo.allocations(pool_id, entry.id)) if entry.books_shares else ()
        return Receipt(entry, allocations)

    def _backoff(self, attempt: int) -> None:
        ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
        self._sleep(random.uniform(0, ceiling))  # noqa: S311 - jitter, not security  # nosec B311

    def _replay(self, pool_id: str, found: IdempotencyRecord, fingerprint: str) -> Receipt:
        if found.request_hash != fingerprint:
            raise RuleViolation(
                "this Idempotency-Key was already used with a different request",
                field="Idempotency-Key",
                code="idempotency_key_reused",
            )
        entry = self.repo.get_entry(pool_id, found.entry_id)
        if entry is None:  # pragma: no cover - written in the same transaction
            raise NotFound("the original entry is missing", code="entry_not_found")
        allocations: tuple[Allocation, ...] = ()
        if entry.books_shares:
            # A retry after an interrupted run finishes booking the shares.
            if not self.repo.is_settled(pool_id, entry.id):
                self.repo.settle_distribution(pool_id, entry.id)
            allocations = tuple(self.repo.allocations(pool_id, entry.id))
        return Receipt(entry, allocations, replayed=True)


def _with_key(change: Commit, record: IdempotencyRecord) -> Commit:
    return replace(change, idempotency=record)
