"""An in-memory pool repository with the same contract as the DynamoDB one.

For fast use-case tests (and property tests over thousands of commands). The
contract tests in tests/integration/test_repository_contract.py hold both
adapters to the same behaviour.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from chalicelib.domain import investor_search as search
from chalicelib.domain.approvals import Approval
from chalicelib.domain.ledger import Movement
from chalicelib.domain.model import Allocation, Investor, InvestorStatus, LedgerEntry, Pool
from chalicelib.domain.money import ZERO
from chalicelib.domain.orders import Order
from chalicelib.domain.valuations import Valuation
from chalicelib.domain.withdrawal_requests import WithdrawalRequest
from chalicelib.services.market_ports import PricePoint, Revaluation, last_of_each_day
from chalicelib.services.ports import (
    CommandReads,
    Commit,
    DuplicateRequest,
    IdempotencyRecord,
    InvalidCursor,
    NavPoint,
    Page,
    VersionConflict,
)

T = TypeVar("T")


def _cursor(scope: str, last: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([scope, last]).encode()).decode().rstrip("=")


def _after(scope: str, cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        got = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor("cursor is not one this API issued") from None
    if not (isinstance(got, list) and len(got) == 2 and got[0] == scope and isinstance(got[1], str)):
        raise InvalidCursor("cursor belongs to another listing")
    return got[1]


def page_after(scope: str, keyed: list[tuple[str, T]], limit: int, cursor: str | None) -> Page[T]:
    """A page of ``keyed`` (already in listing order), resuming after the cursor's key (rows are never deleted)."""
    start = _after(scope, cursor)
    if start is not None:
        keys = [k for k, _ in keyed]
        if start not in keys:
            raise InvalidCursor("cursor is not one this API issued")
        keyed = keyed[keys.index(start) + 1 :]
    chosen = keyed[:limit]
    more = len(keyed) > limit
    return Page([v for _, v in chosen], _cursor(scope, chosen[-1][0]) if more and chosen else None)


class InMemoryPoolRepository:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.pools: dict[str, Pool] = {}
        self.investors: dict[str, dict[str, Investor]] = {}
        self.entries: dict[str, dict[str, LedgerEntry]] = {}
        self.distributions: dict[tuple[str, str], tuple[Allocation, ...]] = {}
        self.booked: set[tuple[str, str, str]] = set()
        self.settled: set[tuple[str, str]] = set()
        self.nav: dict[str, list[NavPoint]] = {}
        self.keys: dict[tuple[str, str], IdempotencyRecord] = {}
        self.orders: dict[str, dict[str, Order]] = {}
        self.valuations: dict[str, dict[str, Valuation]] = {}
        self.approvals: dict[str, Approval] = {}
        self.requests: dict[str, dict[str, WithdrawalRequest]] = {}

    def get_pool(self, pool_id: str) -> Pool | None:
        return self.pools.get(pool_id)

    def get_investor(self, pool_id: str, investor_id: str) -> Investor | None:
        return self.investors.get(pool_id, {}).get(investor_id)

    def get_investors(self, pool_id: str, investor_ids: Sequence[str]) -> dict[str, Investor]:
        members = self.investors.get(pool_id, {})
        return {i: members[i] for i in investor_ids if i in members}

    def list_investors(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[Investor]:
        return page_after(f"investors:{pool_id}", sorted(self.investors.get(pool_id, {}).items()), limit, cursor)

    def search_investors(self, pool_id: str, words: Sequence[str], *, limit: int, cursor: str | None) -> Page[Investor]:
        lead = search.leading_word(words)
        rows = []
        for i in self.investors.get(pool_id, {}).values():
            terms = search.search_terms(i.id, i.name, i.email)
            term = search.listed_under(terms, lead)
            if term is not None and search.matches(terms, words):
                rows.append((f"{term}#{i.id}", i))
        rows.sort(key=lambda kv: kv[0])
        # Resume after the cursor's key by order, not by finding it: an edit may have moved it.
        scope = f"search:{pool_id}:{lead}"
        start = _after(scope, cursor)
        later = rows if start is None else [kv for kv in rows if kv[0] > start]
        chosen = later[:limit]
        more = len(later) > limit
        return Page([v for _, v in chosen], _cursor(scope, chosen[-1][0]) if more and chosen else None)

    def holders(self, pool_id: str) -> list[Investor]:
        return [
            i for _, i in sorted(self.investors.get(pool_id, {}).items()) if i.units > 0 and i.status is InvestorStatus.ACTIVE
        ]

    def all_investors(self, pool_id: str) -> list[Investor]:
        return [i for _, i in sorted(self.investors.get(pool_id, {}).items())]

    def paid_out(self, pool_id: str) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for booked_pool, entry_id, investor_id in self.booked:
            if booked_pool == pool_id:
                share = next(a for a in self.distributions[(pool_id, entry_id)] if a.investor_id == investor_id)
                totals[investor_id] = totals.get(investor_id, ZERO) + share.amount
        return totals

    def list_pools(self, *, manager_id: str | None, limit: int, cursor: str | None) -> Page[Pool]:
        rows = sorted(
            (
                (f"{p.created_at.isoformat()}#{p.id}", p)
                for p in self.pools.values()
                if manager_id is None or p.manager_id == manager_id
            ),
            key=lambda kv: kv[0],
            reverse=True,
        )
        return page_after(f"pools:{manager_id or '*'}", rows, limit, cursor)

    def activity(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[LedgerEntry], bool] | None = None
    ) -> Page[LedgerEntry]:
        rows = [(k, e) for k, e in sorted(self.entries.get(pool_id, {}).items(), reverse=True) if where is None or where(e)]
        return page_after(f"activity:{pool_id}", rows, limit, cursor)

    def get_entry(self, pool_id: str, entry_id: str) -> LedgerEntry | None:
        return self.entries.get(pool_id, {}).get(entry_id)

    def ledger(self, pool_id: str) -> list[LedgerEntry]:
        return [e for _, e in sorted(self.entries.get(pool_id, {}).items())]

    def movements(self, pool_id: str) -> list[Movement]:
        fields = Movement._fields
        return [Movement(*(getattr(e, f) for f in fields)) for e in self.ledger(pool_id)]

    def booked_shares(self, pool_id: str, investor_id: str, entry_ids: Sequence[str]) -> dict[str, Allocation]:
        return {
            e: a
            for e in entry_ids
            if (pool_id, e, investor_id) in self.booked
            for a in self.distributions[(pool_id, e)]
            if a.investor_id == investor_id
        }

    def allocations(self, pool_id: str, entry_id: str) -> list[Allocation]:
        return list(self.distributions.get((pool_id, entry_id), ()))

    def nav_history(self, pool_id: str, *, limit: int, cursor: str | None) -> Page[NavPoint]:
        newest_first = [(f"{n:012d}", p) for n, p in reversed(list(enumerate(self.nav.get(pool_id, []))))]
        page = page_after(f"nav:{pool_id}", newest_first, limit, cursor)
        return Page(list(reversed(page.items)), page.next_cursor)

    def first_nav_since(self, pool_id: str, since: datetime) -> NavPoint | None:
        return next((p for p in self.nav.get(pool_id, []) if p.at >= since), None)

    def find_idempotency(self, pool_id: str, key: str) -> IdempotencyRecord | None:
        return self.keys.get((pool_id, key))

    def read_for_command(self, pool_id: str, *, investor_id: str | None, idempotency_key: str | None) -> CommandReads:
        with self._lock:
            return CommandReads(
                pool=self.pools.get(pool_id),
                investor=self.investors.get(pool_id, {}).get(investor_id) if investor_id else None,
                idempotency=self.keys.get((pool_id, idempotency_key)) if idempotency_key else None,
            )

    def commit(self, change: Commit) -> None:
        pool, entry = change.pool, change.entry
        with self._lock:
            stored = self.pools.get(pool.id)
            if change.expected_version is None and stored is not None:
                raise VersionConflict(pool.id)
            if change.expected_version is not None and (stored is None or stored.version != change.expected_version):
                raise VersionConflict(pool.id)
            if change.idempotency is not None and (pool.id, change.idempotency.key) in self.keys:
                raise DuplicateRequest(change.idempotency.key)
            ledger = self.entries.setdefault(pool.id, {})
            if entry.id in ledger:
                raise ValueError(f"ledger entry {entry.id} exists")
            if change.reversing is not None:
                linked = ledger.get(change.reversing.id)
                if linked is None or linked.reversed_by is not None:
                    raise VersionConflict(pool.id)
            members = self.investors.setdefault(pool.id, {})
            if change.investor is not None:
                existing = members.get(change.investor.id)
                if change.investor_is_new == (existing is not None):
                    raise ValueError("investor exists" if existing else "investor missing")
            # All checks passed: apply everything, as one transaction would.
            new_version = 1 if change.expected_version is None else change.expected_version + 1
            self.pools[pool.id] = replace(pool, version=new_version)
            ledger[entry.id] = entry
            if change.reversing is not None:
                ledger[change.reversing.id] = replace(ledger[change.reversing.id], reversed_by=entry.id)
            if change.idempotency is not None:
                self.keys[(pool.id, change.idempotency.key)] = change.idempotency
            if change.investor is not None:
                member = change.investor
                if existing is not None:
                    member = replace(member, paid_out=existing.paid_out)
                    if change.investor_was is None:  # name and email change only with the investor as it was
                        member = replace(member, name=existing.name, email=existing.email)
                members[member.id] = member
            if change.allocations:
                self.distributions[(pool.id, entry.id)] = tuple(change.allocations)
            if change.record_nav:
                self.nav.setdefault(pool.id, []).append(NavPoint.live(pool, entry.created_at))
            if change.official_nav is not None:
                self.nav.setdefault(pool.id, []).append(change.official_nav)
            if change.approval is not None:
                self.approvals[change.approval.id] = change.approval
            if change.withdrawal_request is not None:
                self.requests.setdefault(pool.id, {})[change.withdrawal_request.id] = change.withdrawal_request
            book = self.orders.setdefault(pool.id, {})
            for order in change.orders:
                book[order.id] = order
            if change.valuation is not None:
                kept = self.valuations.setdefault(pool.id, {})
                settlements = kept[change.valuation.id].settlements if change.valuation.id in kept else ()
                # Settlements are written once, with the proposal, as the DynamoDB adapter does.
                kept[change.valuation.id] = replace(change.valuation, settlements=settlements or change.valuation.settlements)

    def get_order(self, pool_id: str, order_id: str) -> Order | None:
        return self.orders.get(pool_id, {}).get(order_id)

    def get_orders(self, pool_id: str, order_ids: Sequence[str]) -> dict[str, Order]:
        book = self.orders.get(pool_id, {})
        return {o: book[o] for o in order_ids if o in book}

    def list_orders(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Order], bool] | None = None
    ) -> Page[Order]:
        rows = [(k, o) for k, o in sorted(self.orders.get(pool_id, {}).items()) if where is None or where(o)]
        return page_after(f"orders:{pool_id}", rows, limit, cursor)

    def open_orders(self, pool_id: str) -> list[Order]:
        return [o for _, o in sorted(self.orders.get(pool_id, {}).items()) if o.is_open]

    def get_valuation(self, pool_id: str, valuation_id: str) -> Valuation | None:
        return self.valuations.get(pool_id, {}).get(valuation_id)

    def list_valuations(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[Valuation], bool] | None = None
    ) -> Page[Valuation]:
        kept = sorted(self.valuations.get(pool_id, {}).items(), reverse=True)
        rows = [(k, replace(v, settlements=())) for k, v in kept if where is None or where(v)]
        return page_after(f"valuations:{pool_id}", rows, limit, cursor)

    def get_withdrawal_request(self, pool_id: str, request_id: str) -> WithdrawalRequest | None:
        return self.requests.get(pool_id, {}).get(request_id)

    def list_withdrawal_requests(
        self, pool_id: str, *, limit: int, cursor: str | None, where: Callable[[WithdrawalRequest], bool] | None = None
    ) -> Page[WithdrawalRequest]:
        kept = sorted(self.requests.get(pool_id, {}).items(), reverse=True)
        rows = [(k, r) for k, r in kept if where is None or where(r)]
        return page_after(f"requests:{pool_id}", rows, limit, cursor)

    def get_approval(self, pool_id: str, approval_id: str) -> Approval | None:
        found = self.approvals.get(approval_id)
        return found if found is not None and found.pool_id == pool_id else None

    def find_approval(self, approval_id: str) -> Approval | None:
        return self.approvals.get(approval_id)

    def list_approvals(
        self, *, limit: int, cursor: str | None, where: Callable[[Approval], bool] | None = None
    ) -> Page[Approval]:
        rows = [(k, a) for k, a in sorted(self.approvals.items(), reverse=True) if where is None or where(a)]
        return page_after("approvals", rows, limit, cursor)

    def get_pools(self, pool_ids: Sequence[str]) -> dict[str, Pool]:
        with self._lock:
            return {i: self.pools[i] for i in pool_ids if i in self.pools}

    def revalue_many(self, revaluations: Sequence[Revaluation]) -> set[str]:
        changed = set()
        with self._lock:
            for r in revaluations:
                pool = r.pool
                stored = self.pools.get(pool.id)
                if stored is None or stored.version != r.expected_version:
                    changed.add(pool.id)
                    continue
                self.pools[pool.id] = replace(pool, version=r.expected_version + 1)
                if r.record_nav:
                    self.nav.setdefault(pool.id, []).append(NavPoint.live(pool, pool.updated_at))
        return changed

    def pools_holding(self, symbol: str) -> list[str]:
        return sorted(p.id for p in self.pools.values() if symbol in p.positions)

    def is_settled(self, pool_id: str, entry_id: str) -> bool:
        return (pool_id, entry_id) in self.settled

    def settle_distribution(self, pool_id: str, entry_id: str) -> int:
        entry = self.get_entry(pool_id, entry_id)
        if entry is None or not entry.books_shares:
            raise LookupError(f"no distribution {entry_id} in pool {pool_id}")
        booked = 0
        with self._lock:
            members = self.investors[pool_id]
            for share in self.distributions.get((pool_id, entry_id), ()):
                mark = (pool_id, entry_id, share.investor_id)
                if share.amount == 0 or mark in self.booked:
                    continue
                self.booked.add(mark)
                inv = members[share.investor_id]
                members[share.investor_id] = replace(inv, paid_out=inv.paid_out + share.amount)
                booked += 1
            self.settled.add((pool_id, entry_id))
        return booked


class InMemoryPriceStore:
    def __init__(self) -> None:
        self.prices: dict[str, PricePoint] = {}
        self.close_prints: dict[tuple[str, date], PricePoint] = {}

    def record(self, points: Sequence[PricePoint]) -> list[PricePoint]:
        stored = []
        for point in points:
            current = self.prices.get(point.symbol)
            if current is None or current.ts < point.ts or current == point:
                self.prices[point.symbol] = point
                stored.append(point)
        for point in last_of_each_day(points):
            day = (point.symbol, point.printed_at.date())
            held = self.close_prints.get(day)
            if held is None or held.ts <= point.ts:
                self.close_prints[day] = point
        return stored

    def closes(self, symbol: str, start: date, end: date) -> list[tuple[date, Decimal]]:
        return sorted((d, p.price) for (s, d), p in self.close_prints.items() if s == symbol and start <= d <= end)

    def latest(self, symbol: str) -> PricePoint | None:
        return self.prices.get(symbol)
