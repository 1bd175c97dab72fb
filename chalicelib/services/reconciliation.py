"""Reconciliation: refold every pool's ledger and compare with what is stored.

Runs on a schedule (app.reconcile_ledgers) and on demand (``make reconcile``).
A pool that drifted is reported to finance by email, once per distinct drift
per day, so a nightly run does not send the same news twice and a new
difference is never held back.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from chalicelib.domain.model import Pool
from chalicelib.domain.reconciliation import Drift, compare

from .ports import PoolRepository

# A command may land between our reads of one pool; a snapshot is only trusted
# when the pool's version did not move while it was taken.
SNAPSHOT_ATTEMPTS = 5


@dataclass(frozen=True)
class PoolReconciliation:
    pool_id: str
    name: str
    currency: str
    entries: int
    investors: int
    drift: tuple[Drift, ...]

    @property
    def reconciled(self) -> bool:
        return not self.drift

    def fingerprint(self) -> str:
        return hashlib.sha256("\n".join(map(str, self.drift)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ReconciliationReport:
    started_at: datetime
    seconds: float
    pools: tuple[PoolReconciliation, ...]
    unsettled: tuple[str, ...] = field(default=())  # pools that kept moving; tried again next run
    unreported: tuple[str, ...] = field(default=())  # drifted pools whose alert could not be sent

    @property
    def drifted(self) -> tuple[PoolReconciliation, ...]:
        return tuple(p for p in self.pools if not p.reconciled)

    @property
    def entries(self) -> int:
        return sum(p.entries for p in self.pools)

    def summary(self) -> str:
        lines = [
            f"{len(self.pools)} pools, {self.entries} ledger entries refolded in {self.seconds:.2f} s: "
            + (f"{len(self.drifted)} drifted" if self.drifted else "every unit and cent reconciles")
        ]
        for pool in self.drifted:
            lines.append(f"  {pool.name} ({pool.pool_id}):")
            lines.extend(f"    {d}" for d in pool.drift)
        if self.unreported:
            lines.append(f"  finance could NOT be told about: {', '.join(self.unreported)}")
        if self.unsettled:
            lines.append(f"  kept moving while read, not checked this run: {', '.join(self.unsettled)}")
        return "\n".join(lines)


class PoolKeptMoving(Exception):
    pass


class Reconciliation:
    def __init__(self, repo: PoolRepository, on_drift: Callable[[Pool, PoolReconciliation], object]) -> None:
        self.repo = repo
        self.on_drift = on_drift

    def pool(self, pool_id: str, listed: Pool | None = None) -> PoolReconciliation:
        """One pool, from a snapshot no command changed while it was read (the
        pool's version is the same before and after; each snapshot's closing read
        opens the next, and ``listed``, if given, opens the first).

        A difference is only reported if two snapshots agree on it: a
        distribution's shares are booked after its ledger entry, outside the
        pool's version, and a read between the two must not look like drift.
        """
        before = listed or self._read(pool_id)
        previous: PoolReconciliation | None = None
        for _ in range(SNAPSHOT_ATTEMPTS):
            result, before = self._snapshot(before)
            if result is None:
                continue
            if result.reconciled or (previous is not None and previous.drift == result.drift):
                return result
            previous = result
        # Real drift stays put; figures that change on every read are work in
        # progress (a long distribution being booked). The next run checks again.
        raise PoolKeptMoving(pool_id)

    def _read(self, pool_id: str) -> Pool:
        pool = self.repo.get_pool(pool_id)
        if pool is None:
            raise LookupError(pool_id)
        return pool

    def _snapshot(self, before: Pool) -> tuple[PoolReconciliation | None, Pool]:
        """The pool's figures against its ledger, or None if the pool moved meanwhile; and the pool as read last."""
        investors = self.repo.all_investors(before.id)
        ledger = self.repo.movements(before.id)
        paid_out = self.repo.paid_out(before.id)
        after = self._read(before.id)
        if after.version != before.version:
            return None, after
        result = PoolReconciliation(
            pool_id=after.id,
            name=after.name,
            currency=after.currency,
            entries=len(ledger),
            investors=len(investors),
            drift=tuple(compare(after, investors, ledger, paid_out)),
        )
        return result, after

    def run(self) -> ReconciliationReport:
        """Every pool; finance hears of each that drifted."""
        started, clock = datetime.now(UTC), time.perf_counter()
        results: list[PoolReconciliation] = []
        unsettled: list[str] = []
        unreported: list[str] = []
        cursor: str | None = None
        while True:
            page = self.repo.list_pools(manager_id=None, limit=100, cursor=cursor)
            for pool in page.items:
                try:
                    result = self.pool(pool.id, listed=pool)
                except PoolKeptMoving:
                    unsettled.append(pool.id)
                    continue
                results.append(result)
                if not result.reconciled:
                    try:
                        self.on_drift(pool, result)
                    except Exception:  # the other pools still get checked; the caller is told
                        unreported.append(pool.id)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        return ReconciliationReport(started, time.perf_counter() - clock, tuple(results), tuple(unsettled), tuple(unreported))
