"""The pool aggregate, its investors, positions and ledger entries.

Everything here is immutable data plus pure functions that decide. A decision
returns the new state and the ledger entry that records it; persistence,
clocks and ids belong to the callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from . import money
from .approvals import ApprovalPolicy
from .dealing import DealingPolicy
from .fees import FeePolicy, Lot
from .money import ZERO


class PoolStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class InvestorStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class EntryType(StrEnum):
    POOL_OPENED = "pool.opened"
    POOL_RENAMED = "pool.renamed"
    POOL_CLOSED = "pool.closed"
    POOL_REOPENED = "pool.reopened"
    DEALING_SET = "pool.dealing_set"
    INVESTOR_ADDED = "investor.added"
    INVESTOR_REMOVED = "investor.removed"
    INVESTOR_EDITED = "investor.edited"
    APPROVALS_SET = "pool.approvals_set"
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_GRANTED = "approval.approved"
    APPROVAL_REJECTED = "approval.rejected"
    CONTRIBUTION = "contribution"
    WITHDRAWAL = "withdrawal"
    DISTRIBUTION = "distribution"
    TRADE = "trade"
    DIVIDEND = "dividend"
    FEE = "fee"
    ORDER_PLACED = "order.placed"
    ORDER_CANCELLED = "order.cancelled"
    VALUATION_PROPOSED = "valuation.proposed"
    VALUATION_APPROVED = "valuation.approved"
    VALUATION_REJECTED = "valuation.rejected"
    VALUATION_SETTLED = "valuation.settled"
    REVERSAL = "reversal"
    FEES_SET = "pool.fees_set"
    FEES_CRYSTALLISED = "fees.crystallised"
    FEES_PAID = "fees.paid"
    BENCHMARK_SET = "pool.benchmark_set"
    STATEMENTS_SENT = "statements.sent"
    # An instant pool's investor asks for a withdrawal; the manager accepts (the withdrawal follows) or declines.
    WITHDRAWAL_REQUESTED = "withdrawal.requested"
    WITHDRAWAL_ACCEPTED = "withdrawal.request_accepted"
    WITHDRAWAL_DECLINED = "withdrawal.declined"
    WITHDRAWAL_REQUEST_CANCELLED = "withdrawal.request_cancelled"


class TradeSide(StrEnum):
    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True)
class Position:
    symbol: str
    quantity: Decimal
    avg_cost: Decimal
    last_price: Decimal

    def market_value(self, currency: str) -> Decimal:
        return money.quantize_money(money.mul(self.quantity, self.last_price), currency)


@dataclass(frozen=True)
class Tally:
    """Running counts for the firm at a glance (kept by tally.py as commits land)."""

    month: str = ""  # "YYYY-MM": the month month_in and month_out are for
    month_in: Decimal = ZERO
    month_out: Decimal = ZERO
    year: int = 0
    year_in: Decimal = ZERO
    year_out: Decimal = ZERO
    open_orders: int = 0
    awaiting_approval: int = 0


@dataclass(frozen=True)
class Pool:
    id: str
    name: str
    currency: str
    unit_price: Decimal
    manager_id: str
    created_at: datetime
    updated_at: datetime
    status: PoolStatus = PoolStatus.OPEN
    cash: Decimal = ZERO
    units: Decimal = ZERO
    investor_count: int = 0
    positions: dict[str, Position] = field(default_factory=dict)
    version: int = 0
    # When market prices last marked the positions (None: only trade prices so far).
    valued_at: datetime | None = None
    # How the pool deals: at once (the default) or forward, on dealing days.
    dealing: DealingPolicy = field(default_factory=DealingPolicy)
    # The valuation in hand: proposed, or approved and still settling its orders (one at a time).
    valuation_id: str | None = None
    # What finance approves before it moves (four eyes); by default nothing.
    approvals: ApprovalPolicy = field(default_factory=ApprovalPolicy)
    # Fees (a forward pool's): the policy, what is owed to the payee, the day the
    # management fee has accrued to, and the last day crystallisation closed.
    fees: FeePolicy = field(default_factory=FeePolicy)
    fees_payable: Decimal = ZERO
    fees_accrued_to: date | None = None
    fees_crystallised_through: date | None = None
    # Distributions paid per unit since the pool opened (8 places): performance is measured with them added back.
    distributed_per_unit: Decimal = ZERO
    benchmark_symbol: str | None = None  # what its returns are shown beside
    # What a unit held since launch has become per unit held, with every distribution
    # reinvested at the NAV it was paid at (12 places): NAV per unit x this is the
    # total-return NAV per unit, which a distribution does not move.
    reinvestment: Decimal = Decimal(1)
    tally: Tally = field(default_factory=Tally)

    @property
    def gross_assets(self) -> Decimal:
        """Cash plus every position at its last price (before fees payable)."""
        total = self.cash
        for position in self.positions.values():
            total += position.market_value(self.currency)
        return money.quantize_money(total, self.currency)

    @property
    def nav(self) -> Decimal:
        """Net asset value: cash plus every position at its last price, less fees payable."""
        return money.quantize_money(self.gross_assets - self.fees_payable, self.currency)

    @property
    def exact_nav_per_unit(self) -> Decimal:
        """NAV / units at full precision; the initial unit price while no units exist."""
        if self.units == 0:
            return self.unit_price
        return money.div(self.nav, self.units)

    @property
    def nav_per_unit(self) -> Decimal:
        """NAV per unit as shown and recorded: 6 places, half-even."""
        return money.quantize_places(self.exact_nav_per_unit, money.NAV_PER_UNIT_PLACES)

    def value_of(self, units: Decimal) -> Decimal:
        """What ``units`` are worth now, rounded down to the minor unit."""
        if self.units == 0:
            return money.quantize_money(money.mul(units, self.unit_price), self.currency, money.ROUND_DOWN)
        return money.quantize_money(money.div(money.mul(units, self.nav), self.units), self.currency, money.ROUND_DOWN)

    def share_of(self, units: Decimal) -> Decimal:
        """The fraction of the pool's units that ``units`` are, to 6 places (half-even)."""
        if self.units == 0:
            return Decimal("0.000000")
        return money.quantize_places(money.div(units, self.units), 6)


@dataclass(frozen=True)
class Investor:
    """An investor's membership of one pool."""

    pool_id: str
    id: str
    name: str
    email: str
    created_at: datetime
    updated_at: datetime
    status: InvestorStatus = InvestorStatus.ACTIVE
    units: Decimal = ZERO
    contributed: Decimal = ZERO
    withdrawn: Decimal = ZERO
    paid_out: Decimal = ZERO
    # When units were first bought: a lock-up runs from here (None: before Pooldesk kept it; use created_at).
    first_subscribed: date | None = None
    # A fee-charging pool's subscription lots (oldest first), the performance fees
    # charged so far, and the valuation that last crystallised them (so it does once).
    lots: tuple[Lot, ...] = ()
    performance_fees: Decimal = ZERO
    crystallised_by: str | None = None

    @property
    def subscribed_on(self) -> date:
        return self.first_subscribed or self.created_at.date()


@dataclass(frozen=True)
class Allocation:
    investor_id: str
    units: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LedgerEntry:
    """One append-only line of a pool's ledger.

    ``cash_delta`` and ``units_delta`` are what the entry did to the pool; a
    fold of them over the ledger gives the pool's cash and units.
    """

    id: str
    pool_id: str
    type: EntryType
    created_at: datetime
    actor: str
    cash_delta: Decimal = ZERO
    units_delta: Decimal = ZERO
    payable_delta: Decimal = ZERO  # what it did to fees payable (a liability: NAV falls as it rises)
    investor_id: str | None = None
    amount: Decimal | None = None
    units: Decimal | None = None
    nav_per_unit: Decimal | None = None
    symbol: str | None = None
    side: TradeSide | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None
    fees: Decimal | None = None
    memo: str | None = None
    allocation_count: int | None = None
    # The pool's NAV just before a money movement: what thresholds are measured against.
    nav_before: Decimal | None = None
    # Who did it and to whom, as people knew them then (ids alone mean nothing to a reader).
    actor_name: str | None = None
    investor_name: str | None = None
    # A forward pool's settlement: the order it settles and the approved valuation it settles at.
    order_id: str | None = None
    valuation_id: str | None = None
    # A correction: the entry a reversal undoes, and (on the original) the reversal that undid it.
    reverses: str | None = None
    reversed_by: str | None = None
    approval_id: str | None = None  # the four-eyes approval it asks for, grants or refuses
    request_id: str | None = None  # the investor's withdrawal request it makes, accepts, declines or cancels
    # When a trade, dividend or fee happened at the broker (created_at is when cash moved in the ledger).
    trade_date: date | None = None
    performance_fee: Decimal | None = None  # collected from a redemption, or crystallised
    period: str | None = None  # the days a request covers, as an ISO 8601 interval: "2026-10-01/2026-12-31"

    @property
    def books_shares(self) -> bool:
        """Whether investors' paid-out totals move with it: a distribution, or a distribution's reversal."""
        return self.type is EntryType.DISTRIBUTION or (self.type is EntryType.REVERSAL and self.allocation_count is not None)


@dataclass(frozen=True)
class Stamp:
    """Who did it, when, and the id the resulting ledger entry takes."""

    entry_id: str
    at: datetime
    actor: str
    actor_name: str | None = None


__all__ = [
    "Pool",
    "PoolStatus",
    "Investor",
    "InvestorStatus",
    "Position",
    "LedgerEntry",
    "EntryType",
    "TradeSide",
    "Allocation",
    "Stamp",
    "replace",
]
