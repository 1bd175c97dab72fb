"""An investor's statement for a period, from the pool's ledger and its daily
NAV per unit closes (official NAVs where the pool deals forward).

- Opening: the units held before the period's first day, at the close of the
  day before it; closing: the units held after its last day, at its close.
  Values are units x NAV per unit, rounded down (as a withdrawal would pay).
- Between: every contribution, withdrawal, payout, reversal and performance fee
  crystallised for the investor, dated when it moved in the ledger.
- Fees charged: performance fees (crystallised, and collected from
  redemptions), early-redemption fees, and the investor's share of each
  management fee (by the units they held when it was charged).
- The period's return is the pool's time-weighted return net of fees over the
  period (what a unit earned); the gain is what the investor's money made:
  closing value + taken out + distributions - paid in - opening value, and
  their return is its money-weighted rate a year (the XIRR of the opening value
  paid in, their flows, and the closing value taken out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import money, returns
from .model import EntryType, LedgerEntry
from .performance import pool_performance


@dataclass(frozen=True)
class PeriodLine:
    entry: LedgerEntry
    amount: Decimal  # cash for the investor: in (contribution) or out to them (withdrawal, payout); a fee charged
    units: Decimal  # issued, redeemed or cancelled (by the line's type); a reversal's are signed


@dataclass(frozen=True)
class PeriodStatement:
    start: date
    end: date
    opening_units: Decimal
    opening_nav_per_unit: Decimal | None
    opening_value: Decimal
    closing_units: Decimal
    closing_nav_per_unit: Decimal | None
    closing_value: Decimal
    lines: tuple[PeriodLine, ...]
    paid_in: Decimal
    taken_out: Decimal
    distributions: Decimal
    performance_fees: Decimal
    management_fees: Decimal
    early_redemption_fees: Decimal
    period_return: Decimal | None
    gain: Decimal
    investor_return: Decimal | None  # their money-weighted return (XIRR), a year; None when it has no answer

    @property
    def fees(self) -> Decimal:
        return self.performance_fees + self.management_fees + self.early_redemption_fees


def close_on(closes: Sequence[tuple[date, Decimal]], day: date) -> Decimal | None:
    """NAV per unit at the close of ``day``: that day's close, or the last before it."""
    found = None
    for d, price in closes:
        if d > day:
            break
        found = price
    return found


def _line(e: LedgerEntry, investor_id: str, payouts: Mapping[str, Decimal]) -> PeriodLine | None:
    if e.investor_id == investor_id:
        if e.type in (EntryType.CONTRIBUTION, EntryType.WITHDRAWAL):
            return PeriodLine(e, e.amount or money.ZERO, e.units or money.ZERO)
        if e.type is EntryType.REVERSAL:
            return PeriodLine(e, e.amount or money.ZERO, e.units_delta)  # signed: the units come off or back
        if e.type is EntryType.FEES_CRYSTALLISED:
            return PeriodLine(e, e.performance_fee or money.ZERO, e.units or money.ZERO)
    if e.id in payouts:
        return PeriodLine(e, payouts[e.id], money.ZERO)
    return None


def period_statement(
    entries: Sequence[LedgerEntry],
    investor_id: str,
    payouts: Mapping[str, Decimal],
    closes: Sequence[tuple[date, Decimal]],
    *,
    start: date,
    end: date,
    currency: str,
) -> PeriodStatement:
    """``payouts``: the investor's booked share of each distribution (and reversal), by entry id."""
    zero = money.quantize_money(money.ZERO, currency)
    held = opening = money.ZERO
    lines: list[PeriodLine] = []
    flows: list[tuple[date, Decimal]] = []  # the investor's money: paid in negative, taken out positive
    management = money.ZERO
    paid_in = taken_out = distributions = performance = early = zero
    for e in entries:
        day = e.created_at.date()
        if day > end:
            break
        if day < start:
            if e.investor_id == investor_id:
                held += e.units_delta
            opening = held
            continue
        if e.type is EntryType.VALUATION_APPROVED and e.fees and e.units:
            management += money.div(money.mul(e.fees, held), e.units)
        line = _line(e, investor_id, payouts)
        if e.investor_id == investor_id:
            held += e.units_delta
        if line is None:
            continue
        lines.append(line)
        t = e.type
        if e.id in payouts:
            distributions += line.amount  # a reversed distribution's share is negative
            flows.append((day, line.amount))
        elif t is EntryType.CONTRIBUTION:
            paid_in += line.amount
            flows.append((day, -line.amount))
        elif t is EntryType.WITHDRAWAL:
            taken_out += line.amount
            flows.append((day, line.amount))
            performance += e.performance_fee or zero
            early += e.fees or zero
        elif t is EntryType.REVERSAL:
            # A contribution undone hands the money back (cash left the pool); a withdrawal undone takes it back.
            if e.cash_delta < 0:
                paid_in -= line.amount
            else:
                taken_out -= line.amount
            flows.append((day, -e.cash_delta))
        elif t is EntryType.FEES_CRYSTALLISED:
            performance += line.amount
    open_price = close_on(closes, start - timedelta(days=1))
    close_price = close_on(closes, end)

    def value(units: Decimal, price: Decimal | None) -> Decimal:
        return money.quantize_money(money.mul(units, price), currency, money.ROUND_DOWN) if price is not None else zero

    opening_value, closing_value = value(opening, open_price), value(held, close_price)
    index = _net_index(closes, entries, end)
    money_flows = [(start, -opening_value)] if opening_value else []
    money_flows += [*flows, (end, closing_value)]
    twr = returns.period_return(index, start - timedelta(days=1), end) if index else None
    return PeriodStatement(
        start=start,
        end=end,
        opening_units=opening,
        opening_nav_per_unit=open_price,
        opening_value=opening_value,
        closing_units=held,
        closing_nav_per_unit=close_price,
        closing_value=closing_value,
        lines=tuple(lines),
        paid_in=paid_in,
        taken_out=taken_out,
        distributions=distributions,
        performance_fees=performance,
        management_fees=money.quantize_money(management, currency),
        early_redemption_fees=early,
        period_return=twr,
        gain=closing_value + taken_out + distributions - paid_in - opening_value,
        investor_return=returns.xirr(money_flows),
    )


def _net_index(closes: Sequence[tuple[date, Decimal]], entries: Sequence[LedgerEntry], end: date) -> list[returns.IndexPoint]:
    series = pool_performance([c for c in closes if c[0] <= end], entries, end).series
    return [returns.IndexPoint(d, n) for d, n, _ in series]
