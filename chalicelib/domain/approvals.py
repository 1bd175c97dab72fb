"""Four eyes on large movements: a pool may require finance to approve a large
withdrawal, every distribution, or every reversal before it moves anything.

A movement that needs approval is kept as an Approval, awaiting; finance (never
the person who asked) approves it, and the original command then runs once, at
the NAV of that moment, or rejects it with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from . import money
from .errors import Conflict, DomainError, Forbidden, InvalidInput

if TYPE_CHECKING:  # the pool carries its ApprovalPolicy (model.py imports this module)
    from .model import Pool

OPERATIONS = ("withdrawal", "distribution", "reversal")


@dataclass(frozen=True)
class ApprovalPolicy:
    """What needs finance's approval in a pool (by default, nothing)."""

    withdrawal_over: Decimal | None = None  # a share of NAV: withdrawals at or above it
    distributions: bool = False
    reversals: bool = False


class ApprovalStatus(StrEnum):
    AWAITING = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Approval:
    """A movement asked for and held until finance decides. ``request`` is the
    original command's arguments, replayed as they were given."""

    id: str
    pool_id: str
    operation: str
    request: Mapping[str, str | None]
    why: str  # why it needs approval, in words
    requested_by: str
    requested_at: datetime
    status: ApprovalStatus = ApprovalStatus.AWAITING
    requested_by_name: str | None = None
    requested_by_email: str = ""
    decided_by: str | None = None
    decided_by_name: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    entry_id: str | None = None  # the movement's ledger entry, once approved


def parse_approvals(withdrawal_over: object, distributions: object, reversals: object) -> ApprovalPolicy:
    share: Decimal | None = None
    if withdrawal_over is not None:
        if not isinstance(withdrawal_over, str):
            raise InvalidInput('withdrawal_over is a decimal string such as "0.10"', field="withdrawal_over", code="invalid_type")
        share = money.parse_decimal(withdrawal_over, field="withdrawal_over", places=4, what="withdrawal_over")
        if not 0 < share <= 1:
            raise InvalidInput(
                "withdrawal_over is a share of NAV above 0 and at most 1", field="withdrawal_over", code="invalid_threshold"
            )
    for name, flag in (("distributions", distributions), ("reversals", reversals)):
        if not isinstance(flag, bool):
            raise InvalidInput(f"{name} is true or false", field=name, code="invalid_type")
    return ApprovalPolicy(withdrawal_over=share, distributions=bool(distributions), reversals=bool(reversals))


def describe(policy: ApprovalPolicy) -> str:
    parts = []
    if policy.withdrawal_over is not None:
        parts.append(f"withdrawals of {money.quantize_places(policy.withdrawal_over * 100, 2).normalize():f}% of NAV or more")
    if policy.distributions:
        parts.append("every distribution")
    if policy.reversals:
        parts.append("every reversal")
    return "finance approves " + ", ".join(parts) if parts else "no movement needs approval"


def needs_approval(pool: Pool, operation: str, request: Mapping[str, str | None]) -> str | None:
    """Why this movement must wait for finance, or None when it may run now.

    A request too malformed to size is let through: the command itself refuses
    it, naming the field."""
    policy = pool.approvals
    if operation == "distribution" and policy.distributions:
        return "every distribution of this pool is approved by finance"
    if operation == "reversal" and policy.reversals:
        return "every reversal in this pool is approved by finance"
    if operation != "withdrawal" or policy.withdrawal_over is None or pool.nav <= 0:
        return None
    try:
        amount, units = request.get("amount"), request.get("units")
        if amount is not None:
            value = money.parse_amount(amount, pool.currency)
        elif units is not None:
            value = pool.value_of(money.parse_units(units))
        else:
            return None
    except DomainError:
        return None
    limit = policy.withdrawal_over * pool.nav
    if value < limit:
        return None
    share = money.quantize_places(value / pool.nav * 100, 1)
    return (
        f"a withdrawal of {money.shown(value, pool.currency)} is {share}% of NAV; "
        f"withdrawals of {money.quantize_places(policy.withdrawal_over * 100, 2).normalize():f}% or more are approved by finance"
    )


def approve(approval: Approval, *, by: str, at: datetime, name: str | None = None) -> Approval:
    _require_awaiting(approval)
    if by == approval.requested_by:
        raise Forbidden("a movement is approved by someone other than the person who asked for it", code="approver_is_requester")
    return replace(approval, status=ApprovalStatus.APPROVED, decided_by=by, decided_at=at, decided_by_name=name)


def reject(approval: Approval, *, by: str, at: datetime, reason: str, name: str | None = None) -> Approval:
    _require_awaiting(approval)
    return replace(approval, status=ApprovalStatus.REJECTED, decided_by=by, decided_at=at, decided_by_name=name, reason=reason)


def _require_awaiting(approval: Approval) -> None:
    if approval.status is not ApprovalStatus.AWAITING:
        raise Conflict(f"this movement was already {approval.status.value}", code=f"approval_{approval.status.value}")
