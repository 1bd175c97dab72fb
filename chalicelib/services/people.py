"""Inviting people: finance invites staff (managers and finance). The invited
person gets an email with a temporary password; at their first sign-in they
choose their own (and, as staff, set up an authenticator)."""

from __future__ import annotations

import html
import secrets
import string
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.decisions import clean_name
from chalicelib.domain.errors import Conflict, Forbidden, one_of
from chalicelib.domain.operations import clean_email
from chalicelib.resources import FINANCE_GROUP, MANAGERS_GROUP, PASSWORD_POLICY

from .people_ports import Account, Accounts
from .ports import Email, Mailer, Principal


class StaffRole(StrEnum):
    MANAGER = "manager"
    FINANCE = "finance"


GROUP_OF = {StaffRole.MANAGER: MANAGERS_GROUP, StaffRole.FINANCE: FINANCE_GROUP}


def temporary_password() -> str:
    """A one-time password that meets the pool's policy: 20 random characters, every kind represented."""
    kinds = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "-!@#%^*+="]
    chars = [secrets.choice(k) for k in kinds] + [secrets.choice(string.ascii_letters + string.digits) for _ in range(16)]
    secrets.SystemRandom().shuffle(chars)
    password = "".join(chars)
    # Built to meet the policy: every kind of character is drawn at least once.
    assert not PASSWORD_POLICY.missing(password)  # nosec B101
    return password


@dataclass(frozen=True)
class Invitation:
    account: Account
    role: StaffRole


class PeopleService:
    def __init__(self, accounts: Accounts, mailer: Mailer, app_url: str) -> None:
        self.accounts = accounts
        self.mailer = mailer
        self.app_url = app_url.rstrip("/")

    def invite_staff(self, who: Principal, *, email: object, role: object, name: object = "") -> Invitation:
        if not who.is_finance or who.is_system:
            raise Forbidden("only finance invites staff", code="forbidden")
        address = clean_email(email).lower()  # one login per address, however it is typed
        if not address:
            raise Conflict("an invitation needs an email address", field="email", code="invalid_email")
        wanted = one_of(StaffRole, role, "role")
        person = clean_name(name, field="name") if isinstance(name, str) and name.strip() else ""
        password = temporary_password()
        account = self.accounts.invite(email=address, name=person, group=GROUP_OF[wanted], temporary_password=password)
        if not account.created:
            raise Conflict(f"{address} already has a Pooldesk login", field="email", code="already_a_user")
        self.mailer.send(self._invitation(address, person, wanted, password))
        return Invitation(account, wanted)

    def _invitation(self, email: str, name: str, role: StaffRole, password: str) -> Email:
        link = f"{self.app_url}/#/login"
        lines = [
            f"{'Dear ' + name if name else 'Hello'},",
            f"you are invited to Pooldesk as {'a fund manager' if role is StaffRole.MANAGER else 'finance'}.",
            f"Sign in at {link} with {email} and this temporary password: {password}",
            "You will choose your own password, then set up an authenticator app (a code from it at every sign-in).",
            "The temporary password expires in 7 days.",
        ]
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        return Email(
            to=(email,),
            subject="Your Pooldesk invitation",
            text="\n".join(lines),
            html=f'<html><body style="font-family: sans-serif">{body}</body></html>',
        )
