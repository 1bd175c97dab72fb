"""Query-string parameters, parsed and checked at the edge: each refusal names its parameter."""

from __future__ import annotations

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.model import EntryType

MAX_PAGE = 200
MAX_SEARCH = 120


def page_limit(value: str | None, default: int = 50, maximum: int = MAX_PAGE) -> int:
    if value is None or value == "":
        return default
    try:
        limit = int(value)
    except ValueError:
        raise InvalidInput("limit must be a whole number", field="limit", code="invalid_limit") from None
    if not 1 <= limit <= maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum}", field="limit", code="invalid_limit")
    return limit


def search_text(value: str | None) -> str | None:
    """What to search for, trimmed and case-folded; None for an empty search."""
    if value is None or not value.strip():
        return None
    if len(value) > MAX_SEARCH:
        raise InvalidInput(f"search must be at most {MAX_SEARCH} characters", field="q", code="invalid_search")
    return value.strip().casefold()


def entry_types(value: str | None) -> frozenset[EntryType] | None:
    """Comma-separated ledger entry types; None for every type."""
    if value is None or not value.strip():
        return None
    wanted = set()
    for part in value.split(","):
        try:
            wanted.add(EntryType(part.strip()))
        except ValueError:
            known = ", ".join(t.value for t in EntryType)
            raise InvalidInput(f"type {part.strip()!r} is not one of: {known}", field="type", code="invalid_type") from None
    return frozenset(wanted)


def optional_text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None
