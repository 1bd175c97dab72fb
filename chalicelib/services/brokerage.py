"""Brokerage accounts and their webhook events.

Receiving is fast and does no accounting: verify the signature, validate the
event, store it once, answer. Applying happens later, from the events table's
stream, through the same pool use cases as the API, keyed by the event so a
redelivered record changes nothing. An event that cannot be applied (unknown
account, refused by the accounting rules) is parked with its reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from chalicelib.domain.model import Pool

from . import webhooks
from .access import check_checker, check_write
from .commands import Receipt
from .pools import PoolService
from .ports import BrokerageLink, BrokerageLinkStore, Page, Principal, StoredEvent, WebhookEventStore, WebhookSecretStore

# Where events that match no linked account are listed (finance follows them up).
UNLINKED = "UNLINKED"

DecimalText = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?$", max_length=40)]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class TradeExecuted(_Strict):
    account_id: Name
    trade_id: Name
    symbol: str = Field(min_length=1, max_length=20)
    side: Literal["buy", "sell"]
    quantity: DecimalText
    price: DecimalText
    fees: DecimalText = "0"
    trade_date: str | None = Field(default=None, min_length=10, max_length=10)


class DividendReceived(_Strict):
    account_id: Name
    symbol: str = Field(min_length=1, max_length=20)
    amount: DecimalText
    trade_date: str | None = Field(default=None, min_length=10, max_length=10)


class FeeCharged(_Strict):
    account_id: Name
    amount: DecimalText
    description: str = Field(min_length=1, max_length=120)
    trade_date: str | None = Field(default=None, min_length=10, max_length=10)


EVENT_TYPES: dict[str, type[_Strict]] = {
    "trade.executed": TradeExecuted,
    "dividend.received": DividendReceived,
    "fee.charged": FeeCharged,
}


class WebhookEnvelope(_Strict):
    id: Name
    type: str = Field(max_length=64)
    created: int | str
    data: dict[str, object]


def _parse(body: bytes) -> tuple[WebhookEnvelope, _Strict]:
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidInput("body is not valid JSON", code="invalid_json") from None
    if not isinstance(raw, dict):
        raise InvalidInput("body must be a JSON object {id, type, created, data}", code="invalid_json")
    try:
        envelope = WebhookEnvelope.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}", field=where, code="invalid_event") from None
    model = EVENT_TYPES.get(envelope.type)
    if model is None:
        raise InvalidInput(
            f"unsupported event type {envelope.type!r}; supported: {', '.join(EVENT_TYPES)}",
            field="type",
            code="unsupported_event_type",
        )
    try:
        data = model.model_validate(envelope.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "data." + ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}", field=where, code="invalid_event") from None
    return envelope, data


def _utcnow() -> datetime:
    return datetime.now(UTC)


class BrokerageService:
    def __init__(
        self,
        pools: PoolService,
        links: BrokerageLinkStore,
        secrets: WebhookSecretStore,
        events: WebhookEventStore,
        *,
        clock: Callable[[], datetime] = _utcnow,
        on_parked: Callable[[StoredEvent, str, str | None], object] | None = None,
        on_link_requested: Callable[[Pool, BrokerageLink], object] | None = None,
    ) -> None:
        self.pools = pools
        self.links = links
        self.secrets = secrets
        self.events = events
        self._clock = clock
        self._on_parked = on_parked
        self._on_link_requested = on_link_requested

    # -- linking ----------------------------------------------------------------

    def link(self, who: Principal, pool_id: str, *, broker: str, account_id: str) -> BrokerageLink:
        """The manager asks for the pool to take an account's events; nothing applies until
        finance approves (anyone could type an account id: the link needs a second person)."""
        pool = check_write(who, self.pools.repo.get_pool(pool_id), pool_id)
        self.secrets.for_broker(broker)  # an unknown broker is refused before anything is written
        link = BrokerageLink(
            pool_id, broker, account_id, who.user_id, self._stamp(), status="pending", approved_by=None, approved_at=None
        )
        self.links.link(link)
        if self._on_link_requested is not None:
            self._on_link_requested(pool, link)
        return link

    def approve_link(self, who: Principal, pool_id: str) -> BrokerageLink:
        check_checker(who, self.pools.repo.get_pool(pool_id), pool_id)
        link = self._pending(pool_id)
        if link.linked_by == who.user_id:  # pragma: no cover - finance cannot ask for a link (check_write)
            raise Forbidden("a link is approved by someone other than the person who asked for it", code="approver_is_requester")
        approved = replace(link, status="approved", approved_by=who.user_id, approved_at=self._stamp())
        self.links.approve(approved)
        return approved

    def decline_link(self, who: Principal, pool_id: str) -> BrokerageLink:
        """Finance refuses a link: the account is free again (for the pool it really belongs to)."""
        check_checker(who, self.pools.repo.get_pool(pool_id), pool_id)
        link = self._pending(pool_id)
        self.links.unlink(link)
        return replace(link, status="declined")

    def _pending(self, pool_id: str) -> BrokerageLink:
        link = self.links.of_pool(pool_id)
        if link is None:
            raise NotFound("this pool has no brokerage link", code="brokerage_not_linked")
        if link.approved:
            raise Conflict(f"the link to {link.account_id} was approved already", code="link_approved")
        return link

    def _stamp(self) -> str:
        return self._clock().isoformat().replace("+00:00", "Z")

    def link_of(self, who: Principal, pool_id: str) -> BrokerageLink | None:
        self.pools.get_pool(who, pool_id)
        return self.links.of_pool(pool_id)

    def events_for_pool(self, who: Principal, pool_id: str, *, limit: int, cursor: str | None) -> Page[StoredEvent]:
        self.pools.get_pool(who, pool_id)
        return self.events.for_pool(pool_id, limit=limit, cursor=cursor)

    def unlinked_events(self, who: Principal, *, limit: int, cursor: str | None) -> Page[StoredEvent]:
        """Events parked because no pool is linked to their account: finance's to follow up."""
        if not who.is_finance:
            raise Forbidden("only finance users see events that match no pool", code="forbidden")
        return self.events.for_pool(UNLINKED, limit=limit, cursor=cursor)

    # -- receiving --------------------------------------------------------------

    def receive(self, broker: str, signature: str | None, body: bytes) -> tuple[bool, str]:
        """Verify, validate and store an event. Returns (new?, event id)."""
        secrets = self.secrets.for_broker(broker)
        now = self._clock()
        webhooks.verify(signature, body, secrets, int(now.timestamp()))
        envelope, _ = _parse(body)
        new = self.events.record(broker=broker, event_id=envelope.id, type_=envelope.type, body=body.decode(), received_at=now)
        return new, envelope.id

    # -- applying ---------------------------------------------------------------

    def apply(self, event: StoredEvent) -> str:
        """Apply a stored event to its pool exactly once; returns "applied" or "parked"."""
        if event.status in ("applied", "parked"):
            return event.status
        _, data = _parse(event.body.encode())
        account = getattr(data, "account_id", "")
        found = self.links.pool_for(event.broker, account)
        if found is None:
            reason = f"no pool is linked to account {account} at {event.broker}"
            self._park(event, reason, None)
            return "parked"
        pool_id, approved = found
        if not approved:
            self._park(event, f"link_pending: the link of account {account} to this pool awaits finance's approval", pool_id)
            return "parked"
        actor = Principal.system(f"broker:{event.broker}", f"Brokerage {event.broker} (webhook)")
        # The key is derived from the event, so a redelivery replays instead of moving money again.
        key = "wh:" + hashlib.sha256(f"{event.broker}\x00{event.event_id}".encode()).hexdigest()[:48]
        try:
            receipt = self._apply_to_pool(actor, pool_id, data, key)
        except DomainError as exc:
            self._park(event, f"{exc.code}: {exc.message}", pool_id)
            return "parked"
        self.events.settle(event, status="applied", pool_id=pool_id, entry_id=receipt.entry.id)
        return "applied"

    def _park(self, event: StoredEvent, reason: str, pool_id: str | None) -> None:
        # Alert first: if the email fails, the record is retried and the park
        # repeated (idempotently) until finance has been told.
        if self._on_parked is not None:
            self._on_parked(event, reason, pool_id)
        self.events.settle(event, status="parked", pool_id=pool_id or UNLINKED, reason=reason)

    def _apply_to_pool(self, actor: Principal, pool_id: str, data: _Strict, key: str) -> Receipt:
        if isinstance(data, TradeExecuted):
            return self.pools.trade(
                actor,
                pool_id,
                symbol=data.symbol,
                side=data.side,
                quantity=data.quantity,
                price=data.price,
                fees=data.fees,
                memo=f"trade {data.trade_id}",
                idempotency_key=key,
                trade_date=data.trade_date,
            )
        if isinstance(data, DividendReceived):
            return self.pools.receive_dividend(
                actor, pool_id, symbol=data.symbol, amount=data.amount, idempotency_key=key, trade_date=data.trade_date
            )
        assert isinstance(data, FeeCharged)
        return self.pools.charge_fee(
            actor, pool_id, amount=data.amount, description=data.description, idempotency_key=key, trade_date=data.trade_date
        )
