"""Pro-rata allocation by the largest-remainder method.

A total of N minor units is split in proportion to weights so that the parts
sum to N exactly. Each part first gets the floor of its exact share; the minor
units left over go one each to the largest fractional remainders. Ties are
broken by the larger weight, then by key, so the same inputs always give the
same split (a replayed distribution allocates identically).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from .errors import RuleViolation


def allocate(total_minor: int, weights: Sequence[tuple[str, Decimal]]) -> dict[str, int]:
    """Split ``total_minor`` (an int >= 0) across ``weights`` (key, weight > 0)."""
    if total_minor < 0:
        raise ValueError("total must not be negative")
    if not weights:
        raise RuleViolation("there is nobody holding units to allocate to", code="no_unit_holders")
    if any(w <= 0 for _, w in weights):
        raise ValueError("weights must be positive")
    # Exact rational arithmetic: no Decimal precision limit can bias a remainder.
    total_weight = sum((Fraction(w) for _, w in weights), Fraction(0))
    parts: dict[str, int] = {}
    remainders: list[tuple[Fraction, Fraction, str]] = []
    for key, weight in weights:
        exact = Fraction(total_minor) * Fraction(weight) / total_weight
        floor = exact.numerator // exact.denominator
        parts[key] = floor
        remainders.append((exact - floor, Fraction(weight), key))
    left = total_minor - sum(parts.values())
    # Largest remainder first; then larger weight; then key ascending.
    remainders.sort(key=lambda r: (-r[0], -r[1], r[2]))
    for _, _, key in remainders[:left]:
        parts[key] += 1
    return parts
