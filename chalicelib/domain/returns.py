"""How a pool and an investor are doing, separated from cash flows.

- The pool: a **time-weighted return** of NAV per unit with distributions
  reinvested (a total-return index). Each day's factor is (NAV per unit + the
  day's distribution per unit) / the previous day's NAV per unit, so paying a
  distribution (which lowers NAV per unit by exactly what it pays) is not a
  loss, and money coming in or going out (which deals at NAV per unit) changes
  nothing. Returns over a period chain the factors; a period longer than a year
  may be annualised, a shorter one never is.
- An investor: a **money-weighted return**, the XIRR of their dated flows
  (contributions in, withdrawals and payouts out, and what they hold today as a
  final flow), the rate r at which Σ flow / (1 + r)^(days / 365) = 0.

Everything is Decimal, at 40 significant digits while computing; results are
rounded half-even to 8 places (a return of 0.12345678 is 12.345678%).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

PLACES = Decimal("0.00000001")
YEAR = Decimal(365)
_PRECISION = 40
_ONE = Decimal(1)


@dataclass(frozen=True)
class IndexPoint:
    day: date
    value: Decimal  # the total-return index: 1 at the first day


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def total_return_index(
    closes: Sequence[tuple[date, Decimal]], distributions: Mapping[date, Decimal] | None = None
) -> list[IndexPoint]:
    """The index from each day's closing NAV per unit (oldest first, one per day) and
    the distribution per unit paid on a day (that day's close is after paying it)."""
    paid = distributions or {}
    out: list[IndexPoint] = []
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        value = _ONE
        previous: Decimal | None = None
        for day, close in closes:
            if previous is not None and previous > 0:
                value = value * (close + paid.get(day, Decimal(0))) / previous
            out.append(IndexPoint(day, value))
            previous = close
    return out


def value_on(index: Sequence[IndexPoint], day: date) -> Decimal | None:
    """The index at the close of ``day``, or of the last day before it; None before the first."""
    found: Decimal | None = None
    for point in index:
        if point.day > day:
            break
        found = point.value
    return found


def period_return(index: Sequence[IndexPoint], start: date, end: date) -> Decimal | None:
    """The return from the close of ``start`` to the close of ``end``; None when the index does not reach back to ``start``."""
    if not index or start < index[0].day:
        return None
    first, last = value_on(index, start), value_on(index, end)
    if first is None or last is None or first == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _round(last / first - 1)


def annualised(total: Decimal, days: int) -> Decimal | None:
    """A return over ``days`` as a yearly rate, only for more than a year (a shorter one is not scaled up)."""
    if days <= 365 or total <= -1:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _round(((_ONE + total).ln() * YEAR / Decimal(days)).exp() - 1)


@dataclass(frozen=True)
class Periods:
    mtd: Decimal | None
    qtd: Decimal | None
    ytd: Decimal | None
    one_year: Decimal | None
    since_inception: Decimal | None
    since_inception_annualised: Decimal | None


def periods(index: Sequence[IndexPoint], today: date) -> Periods:
    """Month, quarter and year to date (from the close of the last day of the previous
    month, quarter, year, or from inception if later), one year, and since inception."""
    if not index:
        return Periods(None, None, None, None, None, None)
    inception = index[0].day

    def since(day: date) -> Decimal | None:
        return period_return(index, max(day, inception), today)

    month_end = today.replace(day=1) - timedelta(days=1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    year_end = date(today.year - 1, 12, 31)
    year_ago = today - timedelta(days=365)
    total = period_return(index, inception, today)
    days = (today - inception).days
    return Periods(
        mtd=since(month_end),
        qtd=since(quarter_start - timedelta(days=1)),
        ytd=since(year_end),
        one_year=period_return(index, year_ago, today),
        since_inception=total,
        since_inception_annualised=annualised(total, days) if total is not None else None,
    )


def xirr(flows: Sequence[tuple[date, Decimal]]) -> Decimal | None:
    """The yearly rate r with Σ amount / (1 + r)^(days since the first flow / 365) = 0.

    Money paid in is negative, money taken out (and today's value) positive.
    None when there is no answer: no flows, or flows all one way. Bisection on
    (-0.9999, 1000) brackets the root to a unit; Newton's method, kept inside the
    bracket, then finds it to 1e-24."""
    if len(flows) < 2 or all(a >= 0 for _, a in flows) or all(a <= 0 for _, a in flows):
        return None
    start = min(d for d, _ in flows)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        terms = [((d - start).days, a) for d, a in flows]

        def npv(rate: Decimal) -> tuple[Decimal, Decimal]:
            """The present value at ``rate`` and its derivative. (1 + rate)^(days / 365) is the
            daily factor to the power of the days: one exp, then integer powers (fast, exact to
            the context's 40 digits)."""
            daily = ((_ONE + rate).ln() / YEAR).exp()
            value = slope = Decimal(0)
            for days, a in terms:
                discounted = a / daily**days if days else a
                value += discounted
                slope -= days * discounted / YEAR / (_ONE + rate)
            return value, slope

        low, high = Decimal("-0.9999"), Decimal(1000)
        low_positive = npv(low)[0] > 0
        if low_positive == (npv(high)[0] > 0):
            return None
        # Bisection narrows the bracket to a unit wide; then Newton's method, kept inside
        # the bracket (a step that would leave it bisects instead), converges in a few steps.
        while high - low > _ONE:
            mid = (low + high) / 2
            if (npv(mid)[0] > 0) == low_positive:
                low = mid
            else:
                high = mid
        rate = (low + high) / 2
        for _ in range(200):
            value, slope = npv(rate)
            if value == 0:
                break
            if (value > 0) == low_positive:
                low = rate
            else:
                high = rate
            candidate = rate - value / slope if slope else (low + high) / 2
            if not low < candidate < high:
                candidate = (low + high) / 2
            done = abs(candidate - rate) < Decimal("1e-24")
            rate = candidate
            if done:
                break
        return _round(rate)
