"""An investor's statement for a period: opening and closing units and values,
what they put in, took out and were paid, with the units each movement issued
or redeemed, fees charged and the period's return, from the pool's ledger
(domain/period_statement.py). Finance emails each investor theirs, once per period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from chalicelib.domain.decisions import new_entry, touch
from chalicelib.domain.errors import Conflict, InvalidInput
from chalicelib.domain.model import EntryType, Investor, InvestorStatus, LedgerEntry, Pool, Stamp
from chalicelib.domain.period_statement import PeriodStatement, period_statement

from .access import check_checker
from .performance import nav_closes
from .pools import PoolService
from .ports import Commit, Directory, Person, Principal


@dataclass(frozen=True)
class InvestorStatement:
    """A statement for a period: the pool (with who manages it), the investor, the figures."""

    pool: Pool
    manager: Person
    investor: Investor
    period: PeriodStatement


@dataclass(frozen=True)
class EmailRequest:
    """Finance's request to email every investor their statement for a period (the alerts consumer sends them)."""

    entry_id: str
    start: date
    end: date
    investors: int  # active investors with an email address


# Sends one investor's statement (to them alone); False when it was sent before for the period.
SendStatement = Callable[[InvestorStatement, str], bool]


def parse_period(start: str | None, end: str | None, *, opened: date, today: date) -> tuple[date, date]:
    def day(value: str | None, field: str, default: date) -> date:
        if value is None:
            return default
        try:
            return date.fromisoformat(value) if len(value) == 10 else _bad(field)
        except ValueError:
            return _bad(field)

    first, last = day(start, "from", opened), day(end, "to", today)
    if first > last:
        raise InvalidInput("the period ends before it starts", field="to", code="invalid_period")
    return first, last


def _bad(field: str) -> date:
    raise InvalidInput(f"{field} must be a date like 2026-12-31", field=field, code="invalid_date")


class StatementService:
    def __init__(
        self,
        pools: PoolService,
        directory: Directory,
        send: SendStatement | None = None,
        wants: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.pools = pools
        self.repo = pools.repo
        self.directory = directory
        self._send = send
        # Whether an investor (pool id, investor id) wants their statement emailed: their portal preference.
        self._wants = wants or (lambda _pool, _investor: True)

    def statement(
        self, who: Principal, pool_id: str, investor_id: str, *, start: str | None = None, end: str | None = None
    ) -> InvestorStatement:
        pool = self.pools.get_pool(who, pool_id)
        return self._statements(pool, [self.pools.investor(pool_id, investor_id)], start, end)[0]

    def statements(
        self, who: Principal, pool_id: str, *, start: str | None = None, end: str | None = None
    ) -> list[InvestorStatement]:
        """Every investor's statement for the period (those who held units or moved money in it), by name."""
        pool = self.pools.get_pool(who, pool_id)
        found = self._statements(pool, self.repo.all_investors(pool_id), start, end)
        kept = [s for s in found if s.period.opening_units or s.period.closing_units or s.period.lines]
        return sorted(kept, key=lambda s: (s.investor.name.casefold(), s.investor.id))

    def email(self, who: Principal, pool_id: str, *, start: str | None = None, end: str | None = None) -> EmailRequest:
        """Finance asks for each investor's statement for the period to be emailed: one message each,
        never twice. The request is a ledger entry; the alerts consumer sends them (send_all), so a
        pool of any size answers at once."""
        pool = check_checker(who, self.repo.get_pool(pool_id), pool_id)
        first, last = parse_period(start, end, opened=pool.created_at.date(), today=self.pools.now().date())
        period = f"{first}/{last}"
        asked = self.repo.activity(
            pool_id, limit=1, cursor=None, where=lambda e: e.type is EntryType.STATEMENTS_SENT and e.period == period
        )
        if asked.items:
            raise Conflict(
                f"the statements for {first} to {last} were emailed already ({asked.items[0].created_at:%Y-%m-%d %H:%M} UTC)",
                field="from",
                code="statements_already_sent",
            )
        reachable = [i for i in self.repo.all_investors(pool_id) if i.email and i.status is InvestorStatus.ACTIVE]

        def decide(current: Pool, stamp: Stamp) -> Commit:
            entry = new_entry(
                current,
                stamp,
                EntryType.STATEMENTS_SENT,
                period=period,
                memo=f"statements for {first} to {last}, emailed to each investor with an address ({len(reachable)})",
            )
            return Commit(pool=touch(current, stamp), expected_version=current.version, entry=entry, record_nav=False)

        receipt = self.pools.commands.run(who, pool_id, decide, self.pools.stamp, access=check_checker)
        return EmailRequest(receipt.entry.id, first, last, len(reachable))

    def send_all(self, entry: LedgerEntry) -> int:
        """Email each investor their statement for the period a request names (exactly once each:
        a redelivered request finds them claimed); returns how many were sent now."""
        if self._send is None or entry.period is None:  # pragma: no cover - wired in production and tests
            return 0
        start, end = entry.period.split("/")
        pool = self.repo.get_pool(entry.pool_id)
        if pool is None:  # pragma: no cover - pools are never deleted
            return 0
        sent = 0
        for s in self._statements(pool, self.repo.all_investors(pool.id), start, end):
            if not s.investor.email or s.investor.status is InvestorStatus.REMOVED:
                continue
            if not (s.period.opening_units or s.period.closing_units or s.period.lines):
                continue
            if not self._wants(pool.id, s.investor.id):
                continue
            sent += self._send(s, f"statement:{pool.id}:{s.investor.id}:{s.period.start}:{s.period.end}")
        return sent

    def _statements(self, pool: Pool, investors: list[Investor], start: str | None, end: str | None) -> list[InvestorStatement]:
        first, last = parse_period(start, end, opened=pool.created_at.date(), today=self.pools.now().date())
        entries = self.repo.ledger(pool.id)
        closes = nav_closes(self.repo, pool)
        manager = self.directory.people([pool.manager_id]).get(pool.manager_id) or Person(pool.manager_id, "", "")
        distributions = [e.id for e in entries if e.books_shares]
        out = []
        for investor in investors:
            shares = self.repo.booked_shares(pool.id, investor.id, distributions)
            payouts = {k: a.amount for k, a in shares.items()}
            figures = period_statement(entries, investor.id, payouts, closes, start=first, end=last, currency=pool.currency)
            out.append(InvestorStatement(pool, manager, investor, figures))
        return out
