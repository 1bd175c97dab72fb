"""The ports of managing people (invitations, and later disabling): separate from
ports.py, which holds what the fund's use cases need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Account:
    user_id: str  # the user pool's sub
    email: str
    created: bool  # False: the person had an account already (one login, however many invitations)


class Accounts(Protocol):
    """The user pool, as an administrator sees it."""

    def invite(self, *, email: str, name: str, group: str, temporary_password: str) -> Account:
        """Create the user with a temporary password (they must choose their own at first sign-in), in ``group``;
        a person who already has an account is left as they are (``created`` False)."""
        ...
