"""Money, units and the rounding rules, all in ``decimal.Decimal``.

Rounding rules (docs/accounting.md explains them with worked examples):

* Amounts are held to the currency's minor unit (ISO 4217 exponent).
* Units are held to 6 decimal places.
* Units issued for a contribution are rounded DOWN; units redeemed for a
  withdrawal by amount are rounded UP; cash paid for a withdrawal by units is
  rounded DOWN. Every rounding therefore favours the investors who stay.
* A position's market value is quantity x price rounded half-even to the minor
  unit; NAV is cash plus those rounded values, so NAV is always in minor units.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal

from .errors import InvalidInput

# ISO 4217 minor-unit exponents for the currencies a pool may be kept in.
MINOR_UNITS: dict[str, int] = {
    "AUD": 2,
    "BHD": 3,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CLP": 0,
    "CNY": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "MXN": 2,
    "MYR": 2,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PHP": 2,
    "PLN": 2,
    "SAR": 2,
    "SEK": 2,
    "SGD": 2,
    "THB": 2,
    "TND": 3,
    "TRY": 2,
    "TWD": 2,
    "USD": 2,
    "VND": 0,
    "ZAR": 2,
}

UNIT_PLACES = 6
UNIT_QUANTUM = Decimal(1).scaleb(-UNIT_PLACES)
# Trade quantities (fractional shares) and prices are kept to 6 places as well.
QUANTITY_PLACES = 6
PRICE_PLACES = 6
NAV_PER_UNIT_PLACES = 6

# Nothing in a pool should ever approach this; it keeps hostile input
# (1e400, 20-digit amounts) from reaching arithmetic or storage.
MAX_MAGNITUDE = Decimal("1e15")
# A plain positive decimal below MAX_MAGNITUDE: up to 15 digits, then maybe a point and its decimals.
_PLAIN = re.compile(r"([0-9]{1,15})(?:\.([0-9]+))?")

# Enough precision for every intermediate product and quotient we form:
# 16 integer digits x 12 fractional digits with headroom.
_CONTEXT = decimal.Context(
    prec=50, rounding=ROUND_HALF_EVEN, traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
)
ZERO = Decimal(0)

# An amount, unit count or price as a person or a client gave it: text or an exact
# number, never a float (a float has already lost the value that was meant).
DecimalInput = str | int | Decimal


def minor_units(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise InvalidInput(f"unsupported currency {currency!r}", field="currency", code="invalid_currency") from None


# Every amount read back is re-quantised to its currency: the quantum is made once.
_QUANTA = {code: Decimal(1).scaleb(-places) for code, places in MINOR_UNITS.items()}


def currency_quantum(currency: str) -> Decimal:
    quantum = _QUANTA.get(currency)
    return quantum if quantum is not None else Decimal(1).scaleb(-minor_units(currency))


def parse_decimal(
    value: object,
    *,
    field: str,
    places: int,
    allow_zero: bool = False,
    what: str = "amount",
) -> Decimal:
    """Turn user input into a positive Decimal with at most ``places`` decimals.

    Accepts strings and ints (and Decimals); refuses floats, because a float has
    already lost the exact value the user meant.
    """
    if type(value) is str and (plain := _PLAIN.fullmatch(value)) is not None and len(plain[2] or "") <= places:
        # The usual shape, "123.45" (below 1e15, no exponent, within ``places``): checked
        # by one regular expression, as a price on every market tick is.
        number = Decimal(value)
        if number or allow_zero:
            return number
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise InvalidInput(f'{field} must be a decimal string such as "100.00"', field=field, code=f"invalid_{what}")
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except decimal.InvalidOperation:
        raise InvalidInput(f"{field} is not a number: {str(value)[:40]!r}", field=field, code=f"invalid_{what}") from None
    if not number.is_finite():
        raise InvalidInput(f"{field} must be a finite number", field=field, code=f"invalid_{what}")
    if number < 0 or (number == 0 and not allow_zero):
        raise InvalidInput(
            f"{field} must be {'zero or more' if allow_zero else 'greater than zero'}", field=field, code=f"invalid_{what}"
        )
    if abs(number) >= MAX_MAGNITUDE:
        raise InvalidInput(f"{field} is too large", field=field, code=f"invalid_{what}")
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers have an int exponent
    if -exponent > places and number != number.quantize(Decimal(1).scaleb(-places), context=_CONTEXT):
        raise InvalidInput(f"{field} has more than {places} decimal places", field=field, code=f"invalid_{what}")
    return number.quantize(Decimal(1).scaleb(-places), context=_CONTEXT) if -exponent > places else number


def parse_amount(value: DecimalInput, currency: str, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A money amount in ``currency``, at most its minor-unit precision."""
    return quantize_money(parse_decimal(value, field=field, places=minor_units(currency), allow_zero=allow_zero), currency)


def parse_units(value: DecimalInput, *, field: str = "units") -> Decimal:
    return quantize_units(parse_decimal(value, field=field, places=UNIT_PLACES, what="units"))


def quantize_money(value: Decimal, currency: str, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    return value.quantize(currency_quantum(currency), rounding=rounding, context=_CONTEXT)


def money_quantizer(currency: str) -> Callable[[Decimal], Decimal]:
    """quantize_money for one currency, as a single call: for reading many amounts back."""
    quantum = currency_quantum(currency)
    return lambda value: value.quantize(quantum, ROUND_HALF_EVEN, _CONTEXT)


def quantize_units(value: Decimal, rounding: str = ROUND_DOWN) -> Decimal:
    return value.quantize(UNIT_QUANTUM, rounding=rounding, context=_CONTEXT)


def units_quantizer(value: Decimal) -> Decimal:
    """quantize_units with its rounding fixed: for reading many unit counts back."""
    return value.quantize(UNIT_QUANTUM, ROUND_DOWN, _CONTEXT)


_PLACES = {places: Decimal(1).scaleb(-places) for places in range(13)}


def quantize_places(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    return value.quantize(_PLACES.get(places) or Decimal(1).scaleb(-places), rounding=rounding, context=_CONTEXT)


def shown(amount: Decimal, currency: str) -> str:
    """An amount as a message names it: grouped digits and the currency, e.g. "2,814.23 USD"."""
    return f"{amount:,} {currency}"


def mul(a: Decimal, b: Decimal) -> Decimal:
    return _CONTEXT.multiply(a, b)


def div(a: Decimal, b: Decimal) -> Decimal:
    return _CONTEXT.divide(a, b)


def to_minor(amount: Decimal, currency: str) -> int:
    """An amount already at minor-unit precision as an integer count of minor units."""
    return int(amount.scaleb(minor_units(currency), context=_CONTEXT))


def from_minor(count: int, currency: str) -> Decimal:
    return quantize_money(Decimal(count).scaleb(-minor_units(currency), context=_CONTEXT), currency)


__all__ = [
    "MINOR_UNITS",
    "UNIT_PLACES",
    "UNIT_QUANTUM",
    "QUANTITY_PLACES",
    "PRICE_PLACES",
    "NAV_PER_UNIT_PLACES",
    "ZERO",
    "DecimalInput",
    "ROUND_DOWN",
    "ROUND_UP",
    "ROUND_HALF_EVEN",
    "minor_units",
    "currency_quantum",
    "parse_decimal",
    "parse_amount",
    "parse_units",
    "quantize_money",
    "quantize_units",
    "quantize_places",
    "shown",
    "mul",
    "div",
    "to_minor",
    "from_minor",
]
