"""Emails to investors who have a portal login: an order of theirs settled, a
distribution paid them. Each is sent once (the alert store's claim), and only when
the investor has not turned that kind off (their email preferences). Statements,
which finance sends to every investor with an address, honour the same preference
(StatementService.send_all asks ``wants_statement``)."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain import money
from chalicelib.domain.model import EntryType, Investor, LedgerEntry, Pool

from .alerts import Alerts
from .people_ports import AccountRecords, EmailPreferences
from .ports import PoolRepository


class InvestorNotices:
    def __init__(self, repo: PoolRepository, records: AccountRecords, alerts: Alerts) -> None:
        self.repo = repo
        self.records = records
        self.alerts = alerts

    def on_entry(self, entry: LedgerEntry) -> int:
        """Emails sent now for a new ledger entry."""
        if entry.type in (EntryType.CONTRIBUTION, EntryType.WITHDRAWAL) and entry.order_id and entry.investor_id:
            return self._settled(entry)
        if entry.type is EntryType.DISTRIBUTION:
            return self._paid(entry)
        return 0

    def wants_statement(self, pool_id: str, investor_id: str) -> bool:
        login = self.records.linked_logins(pool_id).get(investor_id)
        return login is None or self.records.preferences(login).statement_ready

    def _settled(self, entry: LedgerEntry) -> int:
        investor_id = entry.investor_id or ""
        login = self.records.linked_logins(entry.pool_id).get(investor_id)
        found = self._reachable(entry.pool_id, investor_id, login, lambda p: p.order_settled)
        if found is None:
            return 0
        pool, investor = found
        what = "subscription" if entry.type is EntryType.CONTRIBUTION else "redemption"
        cur = pool.currency
        lines = [
            f"Dear {investor.name},",
            f"your {what} in {pool.name} has settled at the approved NAV per unit of {entry.nav_per_unit} {cur}:",
            f"{entry.units} units {'issued' if what == 'subscription' else 'redeemed'} "
            f"for {money.shown(entry.amount or money.ZERO, cur)}.",
            f"You now hold {investor.units} units.",
        ]
        if entry.fees:
            lines.append(f"An early-redemption fee of {money.shown(entry.fees, cur)} was kept by the pool.")
        if entry.performance_fee:
            lines.append(f"A performance fee of {money.shown(entry.performance_fee, cur)} was collected from it.")
        sent = self.alerts.send_once(
            f"settled:{entry.id}",
            pool,
            f"{pool.name}: your {what} has settled",
            lines,
            link=f"{self.alerts.app_url}/#/portal/{pool.id}",
            to=(investor.email,),
        )
        return int(sent)

    def _paid(self, entry: LedgerEntry) -> int:
        sent = 0
        for investor_id, login in self.records.linked_logins(entry.pool_id).items():
            found = self._reachable(entry.pool_id, investor_id, login, lambda p: p.distribution_paid)
            share = self.repo.booked_shares(entry.pool_id, investor_id, [entry.id]).get(entry.id)
            if found is None or share is None or not share.amount:
                continue
            pool, investor = found
            lines = [
                f"Dear {investor.name},",
                f"{pool.name} paid a distribution: your share is {money.shown(share.amount, pool.currency)}"
                + (f", reinvested as {share.units} units." if share.units else "."),
            ]
            if entry.memo:
                lines.append(f"Memo: {entry.memo}")
            sent += self.alerts.send_once(
                f"paid:{entry.id}:{investor_id}",
                pool,
                f"{pool.name}: a distribution has paid you",
                lines,
                link=f"{self.alerts.app_url}/#/portal/{pool.id}",
                to=(investor.email,),
            )
        return sent

    def _reachable(
        self, pool_id: str, investor_id: str, login: str | None, wants: Callable[[EmailPreferences], bool]
    ) -> tuple[Pool, Investor] | None:
        """The pool and investor when the investor has a login that wants this kind of email, and an address."""
        if login is None or not wants(self.records.preferences(login)):
            return None
        pool, investor = self.repo.get_pool(pool_id), self.repo.get_investor(pool_id, investor_id)
        if pool is None or investor is None or not investor.email:
            return None
        return pool, investor
