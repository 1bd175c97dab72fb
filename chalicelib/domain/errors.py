"""Errors the domain raises when it refuses a decision.

Each carries a machine-readable ``code`` and, where one input is to blame, the
``field`` that names it, so the API can answer precisely without guessing.
HTTP statuses are chosen by the handlers, not here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class DomainError(Exception):
    """A request the accounting rules refuse. Nothing has changed."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    """A value is malformed: wrong type, sign, precision or size."""

    code = "invalid_input"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (closed pool, units still held)."""

    code = "conflict"


class RuleViolation(DomainError):
    """Well-formed, but the accounting rules forbid it (above holdings, above cash)."""

    code = "rule_violation"


class Unauthorized(DomainError):
    """Who is calling could not be established: no, bad or expired credentials."""

    code = "unauthorized"


class Forbidden(DomainError):
    """The user is known and may see this, but their role may not do it."""

    code = "forbidden"


def one_of(enum: type[E], value: object, field: str) -> E:
    """``value`` as one of ``enum``'s members, or a refusal listing them (code ``invalid_<field>``)."""
    try:
        return enum(str(value))
    except ValueError:
        known = ", ".join(f'"{m.value}"' for m in enum)
        raise InvalidInput(f"{field} must be one of {known}", field=field, code=f"invalid_{field}") from None
