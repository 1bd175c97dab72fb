"""An investor's request to take money out of a pool that deals at once: the
investor asks (from the portal), the pool's manager accepts or declines. Accepting
runs the withdrawal at the NAV of that moment (and, where the pool requires it,
finance then approves it as any withdrawal); a request never moves money itself.

A forward pool has orders for this instead: its investors place redemptions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from . import money
from .decisions import require_active, require_open
from .errors import Conflict, InvalidInput, RuleViolation
from .model import Investor, Pool
from .money import DecimalInput


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class WithdrawalRequest:
    id: str
    pool_id: str
    investor_id: str
    investor_name: str
    amount: Decimal | None  # cash asked for, or
    units: Decimal | None  # units to redeem
    requested_at: datetime
    requested_by: str  # the investor's login
    status: RequestStatus = RequestStatus.PENDING
    decided_at: datetime | None = None
    decided_by_name: str | None = None
    reason: str | None = None  # why it was declined
    entry_id: str | None = None  # the withdrawal, once accepted and paid
    approval_id: str | None = None  # the withdrawal's four-eyes approval, if the pool needs one

    @property
    def is_pending(self) -> bool:
        return self.status is RequestStatus.PENDING


def ask(
    pool: Pool,
    investor: Investor,
    *,
    request_id: str,
    amount: DecimalInput | None,
    units: DecimalInput | None,
    at: datetime,
    by: str,
    pending: list[WithdrawalRequest],
) -> WithdrawalRequest:
    """A request the manager can act on: for an amount or for units, within what the investor
    holds net of their other pending requests (so two requests cannot ask for the same units)."""
    if pool.dealing.is_forward:
        raise Conflict(f"{pool.name} deals forward: place a redemption order instead", code="forward_dealing", field="pool_id")
    require_open(pool, "pay withdrawals")
    require_active(investor)
    if (amount is None) == (units is None):
        raise InvalidInput("ask for an amount or for units, not both", field="amount", code="amount_or_units")
    cash = money.parse_amount(amount, pool.currency) if amount is not None else None
    wanted = money.parse_units(units) if units is not None else None
    # What the pending requests already ask for, sized at today's NAV per unit (a display bound,
    # not a price: the withdrawal itself is struck when the manager accepts).
    asked = sum((r.units if r.units is not None else _units_for(pool, r.amount) for r in pending), money.ZERO)
    want = wanted if wanted is not None else _units_for(pool, cash)
    if want + asked > investor.units:
        raise RuleViolation(
            f"{investor.name} holds {investor.units} units"
            + (f", {asked} of them asked for already" if asked else "")
            + f": not enough for {money.shown(cash, pool.currency) if cash is not None else f'{wanted} units'}",
            field="units" if wanted is not None else "amount",
            code="insufficient_units",
        )
    return WithdrawalRequest(request_id, pool.id, investor.id, investor.name, cash, wanted, at, by)


def _units_for(pool: Pool, cash: Decimal | None) -> Decimal:
    if cash is None or pool.units == 0 or pool.nav <= 0:
        return money.ZERO
    # Rounded up: a request must never look smaller than what paying it would redeem.
    return money.quantize_units(money.div(money.mul(cash, pool.units), pool.nav), rounding=money.ROUND_UP)


def require_payable(request: WithdrawalRequest) -> None:
    """Accepting again is a retry (it replays the same withdrawal); a declined or cancelled request is done."""
    if request.status in (RequestStatus.DECLINED, RequestStatus.CANCELLED):
        raise Conflict(f"this request was {request.status.value} already", code=f"request_{request.status.value}")


def decide(
    request: WithdrawalRequest,
    status: RequestStatus,
    *,
    at: datetime,
    by_name: str | None,
    reason: str | None = None,
    entry_id: str | None = None,
    approval_id: str | None = None,
) -> WithdrawalRequest:
    if not request.is_pending:
        raise Conflict(f"this request was {request.status.value} already", code=f"request_{request.status.value}")
    return replace(
        request, status=status, decided_at=at, decided_by_name=by_name, reason=reason, entry_id=entry_id, approval_id=approval_id
    )
