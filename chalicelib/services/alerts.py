"""Email alerts to finance: what deserves one, to whom, and only once per cause.

Rules: a withdrawal at or above the pool's threshold (default 10% of NAV
before it); every distribution; a brokerage event parked because it could not
be applied; a forward pool's valuation proposed (to finance, to approve) and
approved or rejected (to the pool's manager); a movement held for finance's
approval (four eyes). Recipients are the pool's own list, or every user of the finance
group. Each alert is claimed by its cause (the ledger entry or event id)
before it is sent, so a redelivered stream record sends nothing twice.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal

from chalicelib.domain import money
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.domain.model import EntryType, LedgerEntry, Pool

from .access import check_write
from .ports import (
    AlertSettings,
    AlertStore,
    BrokerageLink,
    Directory,
    Email,
    Mailer,
    Page,
    PoolRepository,
    Principal,
    SentAlert,
    StoredEvent,
)
from .statements import InvestorStatement

DEFAULT_WITHDRAWAL_THRESHOLD = Decimal("0.10")
VALUATION_STEPS = frozenset({EntryType.VALUATION_PROPOSED, EntryType.VALUATION_APPROVED, EntryType.VALUATION_REJECTED})
# NAV per unit moving more than this since the day's first NAV point.
DAILY_MOVE_THRESHOLD = Decimal("0.05")


def clean_settings(recipients: Sequence[str], threshold: str) -> AlertSettings:
    emails = tuple(dict.fromkeys(r.strip().lower() for r in recipients if r.strip()))
    for email in emails:
        if "@" not in email or " " in email or len(email) > 254:
            raise InvalidInput(f"{email!r} is not an email address", field="recipients", code="invalid_email")
    value = money.parse_decimal(threshold, field="withdrawal_threshold", places=4, what="threshold")
    if value > 1:
        raise InvalidInput(
            "withdrawal_threshold is a fraction of NAV between 0 and 1", field="withdrawal_threshold", code="invalid_threshold"
        )
    return AlertSettings(recipients=emails, withdrawal_threshold=value)


class Alerts:
    def __init__(self, repo: PoolRepository, store: AlertStore, directory: Directory, mailer: Mailer, app_url: str) -> None:
        self.repo = repo
        self.store = store
        self.directory = directory
        self.mailer = mailer
        self.app_url = app_url.rstrip("/")

    # -- settings ---------------------------------------------------------------

    def settings_of(self, pool_id: str) -> AlertSettings:
        return self.store.settings(pool_id)

    def configure(self, who: Principal, pool_id: str, *, recipients: Sequence[str], threshold: str) -> AlertSettings:
        """The manager adds recipients (finance is emailed whatever they set) and may make the
        withdrawal alert stricter; finance's threshold applies whenever it is lower."""
        check_write(who, self.repo.get_pool(pool_id), pool_id)
        settings = clean_settings(recipients, threshold)
        self.store.save_settings(pool_id, settings)
        return settings

    def oversight(self) -> AlertSettings:
        """Finance's own: its recipients (empty: the finance group) and the threshold every pool is held to."""
        return self.store.oversight() or AlertSettings()

    def configure_oversight(self, who: Principal, *, recipients: Sequence[str], threshold: str) -> AlertSettings:
        if not who.is_finance or who.is_system:
            raise Forbidden("finance sets its own alert recipients and thresholds", code="forbidden")
        settings = clean_settings(recipients, threshold)
        self.store.save_oversight(settings)
        return settings

    def effective_threshold(self, pool_id: str) -> Decimal:
        return min(self.store.settings(pool_id).withdrawal_threshold, self.oversight().withdrawal_threshold)

    # -- rules ------------------------------------------------------------------

    def on_entry(self, entry: LedgerEntry) -> bool:
        """A new ledger entry: send its alert if a rule says so. Returns whether one was sent now."""
        pool = self.repo.get_pool(entry.pool_id)
        if pool is not None and entry.type in VALUATION_STEPS:
            return self._on_valuation(entry, pool)
        if pool is not None and entry.type is EntryType.APPROVAL_REQUESTED:
            return self.send_once(
                f"approval:{entry.id}",
                pool,
                f"{pool.name}: a movement awaits your approval",
                [
                    f"In {pool.name}, a {entry.memo}.",
                    "Nothing moves until someone in finance other than the requester approves it.",
                    self._recorded(entry),
                ],
                link=f"{self.app_url}/#/approvals",
            )
        if pool is None or entry.amount is None:
            return False
        if entry.type is EntryType.WITHDRAWAL:
            threshold = self.effective_threshold(pool.id)
            nav_before = entry.nav_before
            if not nav_before or nav_before <= 0 or entry.amount < threshold * nav_before:
                return False
            share = money.quantize_places(entry.amount / nav_before * 100, 1)
            paid = money.shown(entry.amount, pool.currency)
            return self.send_once(
                f"withdrawal:{entry.id}",
                pool,
                f"Large withdrawal from {pool.name}: {paid}",
                [
                    f"A withdrawal of {paid} ({share}% of NAV) was paid from {pool.name}.",
                    f"Investor: {self._investor(entry)} (id {entry.investor_id})",
                    f"Units redeemed: {entry.units}",
                    f"NAV per unit: {entry.nav_per_unit}",
                    self._recorded(entry),
                ],
            )
        if entry.type is EntryType.DISTRIBUTION:
            # A payout lowers NAV per unit without the market moving: scale the day's
            # opening by the same factor, once per distribution.
            if entry.nav_before and entry.nav_before > 0 and self.store.claim(f"dayopen:{entry.id}"):
                factor = (entry.nav_before - entry.amount) / entry.nav_before
                self.store.scale_day_open(pool.id, entry.created_at.date(), factor)
            paid = money.shown(entry.amount, pool.currency)
            return self.send_once(
                f"distribution:{entry.id}",
                pool,
                f"Distribution paid from {pool.name}: {paid}",
                [
                    f"A distribution of {paid} was paid from {pool.name} "
                    f"to {entry.allocation_count} investors, pro rata by units.",
                    f"Memo: {entry.memo or '-'}",
                    f"NAV per unit before: {entry.nav_per_unit}",
                    self._recorded(entry),
                ],
            )
        return False

    def _on_valuation(self, entry: LedgerEntry, pool: Pool) -> bool:
        """Four eyes: finance hears of a proposed NAV to check; the manager of what finance decided."""
        link = f"{self.app_url}/#/pools/{pool.id}/valuations/{entry.valuation_id}"
        nav = f"NAV per unit {entry.nav_per_unit} {pool.currency}"
        if entry.type is EntryType.VALUATION_PROPOSED:
            nav_total = money.shown(entry.amount, pool.currency) if entry.amount is not None else "-"
            return self.send_once(
                f"valuation:{entry.id}",
                pool,
                f"{pool.name}: a valuation awaits your approval",
                [
                    f"A NAV of {nav_total} ({nav}) was proposed for {pool.name}, {entry.memo}.",
                    "No order settles until someone in finance other than the proposer approves it.",
                    self._recorded(entry),
                ],
                link=link,
            )
        manager = self.directory.people([pool.manager_id]).get(pool.manager_id)
        if manager is None or not manager.email:
            return False
        approved = entry.type is EntryType.VALUATION_APPROVED
        outcome = "approved: its orders settle at it" if approved else f"rejected: {entry.memo}"
        return self.send_once(
            f"valuation:{entry.id}",
            pool,
            f"{pool.name}: valuation {'approved' if approved else 'rejected'}",
            [f"The valuation of {pool.name} ({nav}) was {outcome}.", self._recorded(entry)],
            link=link,
            to=(manager.email,),
        )

    def _investor(self, entry: LedgerEntry) -> str:
        """The investor by name and email, as finance knows them (the entry keeps the name it was recorded under)."""
        investor = self.repo.get_investor(entry.pool_id, entry.investor_id) if entry.investor_id else None
        name = entry.investor_name or (investor.name if investor else entry.investor_id or "unknown")
        return f"{name} <{investor.email}>" if investor and investor.email else name

    @staticmethod
    def _recorded(entry: LedgerEntry) -> str:
        who = entry.actor_name or entry.actor
        return f"Recorded by {who} at {entry.created_at:%Y-%m-%d %H:%M:%S} UTC (user id {entry.actor})."

    def on_market_move(self, pool: Pool) -> bool:
        """Prices re-marked a pool: alert once a day if NAV per unit moved more than 5% since the day opened.

        The day's opening is stored, and scaled down by each distribution (see
        on_entry), so paying investors out is never mistaken for the market falling.
        """
        if pool.units <= 0:
            return False
        day = pool.updated_at.date()
        opened = self.store.day_open(pool.id, day)
        if opened is None:
            first = self.repo.first_nav_since(pool.id, datetime.combine(day, time.min, tzinfo=UTC))
            if first is None or first.nav_per_unit <= 0:
                return False
            opened = self.store.open_day(pool.id, day, first.nav_per_unit)
        move = pool.exact_nav_per_unit / opened - 1
        if abs(move) <= DAILY_MOVE_THRESHOLD:
            return False
        pct = money.quantize_places(move * 100, 2)
        direction = "up" if move > 0 else "down"
        return self.send_once(
            f"navmove:{pool.id}:{day.isoformat()}",
            pool,
            f"{pool.name}: NAV per unit {direction} {abs(pct)}% today",
            [
                f"NAV per unit of {pool.name} is {pool.nav_per_unit} {pool.currency}, {pct:+}% since the day's first "
                f"valuation ({money.quantize_places(opened, 6)}, adjusted for any distribution paid since).",
                f"NAV: {money.shown(pool.nav, pool.currency)}.",
                "You will get this alert at most once a day.",
            ],
        )

    def on_link_requested(self, pool: Pool, link: BrokerageLink) -> bool:
        """Finance hears of a brokerage link to approve: until then the account's events apply to no pool."""
        return self.send_once(
            f"link:{pool.id}:{link.broker}:{link.account_id}:{link.linked_at}",
            pool,
            f"{pool.name}: a brokerage link awaits your approval",
            [
                f"The manager of {pool.name} asks to link it to account {link.account_id} at {link.broker}.",
                "Until finance approves, the account's webhook events are parked, not applied.",
                "Approve it only if the account is this pool's (ask the manager or the brokerage if unsure).",
            ],
            link=f"{self.app_url}/#/pools/{pool.id}/settings",
        )

    def on_parked(self, event: StoredEvent, reason: str, pool_id: str | None) -> bool:
        pool = self.repo.get_pool(pool_id) if pool_id else None
        where = pool.name if pool else "no pool (the account is not linked)"
        return self.send_once(
            f"parked:{event.broker}:{event.event_id}",
            pool,
            f"Brokerage event parked: {event.type} from {event.broker}",
            [
                f"Event {event.event_id} ({event.type}) from {event.broker} could not be applied to {where}.",
                f"Reason: {reason}",
                f"Received at {event.received_at}.",
                "It is kept, unapplied, for a manager to resolve.",
            ],
            link=None if pool else f"{self.app_url}/#/alerts",
        )

    def on_drift(self, pool: Pool, drift: Sequence[object], fingerprint: str, day: date) -> bool:
        """Reconciliation found stored balances that the ledger does not explain.

        Once per pool, distinct drift and day: a nightly run repeats nothing,
        and a new difference is always told."""
        return self.send_once(
            f"drift:{pool.id}:{day.isoformat()}:{fingerprint}",
            pool,
            f"Reconciliation: {pool.name} does not match its ledger",
            [
                f"Refolding the ledger of {pool.name} ({pool.id}) gives figures that differ from its stored balances:",
                *(str(d) for d in drift),
                "Money may have been recorded wrongly. Nothing was changed; investigate before the next money movement.",
            ],
        )

    def on_dead_letter(self, message_id: str, body: str) -> bool:
        """A stream record a consumer gave up on, from its dead-letter queue."""
        try:
            letter = json.loads(body)
        except ValueError:
            letter = {}
        function = str(letter.get("function", "an unknown consumer"))
        reason = str(letter.get("reason", "unknown"))
        record = json.dumps(letter.get("record", body), indent=2, default=str)[:4000]
        return self.send_once(
            f"dead-letter:{message_id}",
            None,
            f"A record could not be processed by {function}",
            [
                f"{function} gave up on a record ({reason}) and set it aside in its dead-letter queue.",
                "Nothing was applied for it. Look into the cause, then redrive the queue.",
                "The record:",
                record,
            ],
        )

    # -- sending ------------------------------------------------------------------

    def send_statement(self, statement: InvestorStatement, cause: str) -> bool:
        """Email an investor their statement for a period (to them alone); False when sent before."""
        s, pool, cur = statement.period, statement.pool, statement.pool.currency
        ret = "n/a" if s.period_return is None else f"{money.quantize_places(s.period_return * 100, 2)}%"
        lines = [
            f"Dear {statement.investor.name},",
            f"Your statement for {pool.name}, {s.start} to {s.end}.",
            f"Opening: {s.opening_units} units, {money.shown(s.opening_value, cur)}.",
            f"Paid in: {money.shown(s.paid_in, cur)}. Taken out: {money.shown(s.taken_out, cur)}. "
            f"Distributions: {money.shown(s.distributions, cur)}.",
            f"Fees charged: {money.shown(s.fees, cur)} (performance {money.shown(s.performance_fees, cur)}, "
            f"management {money.shown(s.management_fees, cur)}, early redemption {money.shown(s.early_redemption_fees, cur)}).",
            f"Closing: {s.closing_units} units, {money.shown(s.closing_value, cur)}. Gain: {money.shown(s.gain, cur)}.",
            f"The pool's return over the period, net of fees: {ret}."
            + (
                ""
                if s.investor_return is None
                else f" Your money-weighted return: {money.quantize_places(s.investor_return * 100, 2)}% a year."
            ),
            f"Questions: {statement.manager.label}.",
        ]
        # The investor's own page in the portal (staff open it from the investor's row).
        link = f"{self.app_url}/#/portal/{pool.id}?from={s.start}&to={s.end}"
        subject = f"{pool.name}: your statement, {s.start} to {s.end}"
        return self.send_once(cause, pool, subject, lines, link=link, to=(statement.investor.email,))

    def send_once(
        self,
        cause: str,
        pool: Pool | None,
        subject: str,
        lines: list[str],
        *,
        link: str | None = None,
        to: tuple[str, ...] = (),
    ) -> bool:
        """Email finance (the pool's list, or the finance group), or ``to`` when given."""
        # Finance (its own list, or the finance group) always; the pool's own recipients besides.
        settings = self.store.settings(pool.id) if pool else AlertSettings()
        finance = self.oversight().recipients or tuple(self.directory.finance_emails())
        recipients = to or tuple(dict.fromkeys([*finance, *settings.recipients]))
        if not recipients or not self.store.claim(cause):
            return False
        # The web app routes in the URL fragment (see web/src/lib/router.ts).
        link = link or (f"{self.app_url}/#/pools/{pool.id}" if pool else self.app_url)
        text = "\n".join([*lines, "", f"Open in Pooldesk: {link}"])
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        page = (
            f'<html><body style="font-family: sans-serif"><h2>{html.escape(subject)}</h2>{body}'
            f'<p><a href="{html.escape(link)}">Open in Pooldesk</a></p></body></html>'
        )
        try:
            self.mailer.send(Email(to=recipients, subject=subject, text=text, html=page))
        except Exception:
            self.store.release(cause)  # let the stream's retry send it
            raise
        self.store.record_sent(
            SentAlert(
                cause=cause,
                subject=subject,
                text=text,
                recipients=tuple(recipients),
                pool_id=pool.id if pool else None,
                sent_at=datetime.now(UTC),
            )
        )
        return True

    # -- the log ------------------------------------------------------------------

    def sent(self, who: Principal, *, limit: int, cursor: str | None) -> Page[SentAlert]:
        """Finance's alert log: every alert sent, newest first."""
        if not who.is_finance:
            raise Forbidden("only finance users see the alert log", code="forbidden")
        return self.store.sent_alerts(limit=limit, cursor=cursor)
