"""People: finance invites staff (managers and finance) and disables logins; a
manager invites an investor from the investor's row. An invited person gets an
email with a temporary password; at their first sign-in they choose their own
(and, as staff, set up an authenticator). One login per person: someone invited
to a second pool keeps theirs and is told the new pool is there."""

from __future__ import annotations

import html
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from chalicelib.domain.decisions import clean_name
from chalicelib.domain.errors import Conflict, Forbidden, NotFound, one_of
from chalicelib.domain.model import Investor, InvestorStatus, Pool
from chalicelib.domain.operations import clean_email
from chalicelib.resources import FINANCE_GROUP, INVESTORS_GROUP, MANAGERS_GROUP, PASSWORD_POLICY

from .access import check_write
from .people_ports import Account, AccountRecords, Accounts, LoginPage, Membership, Standing
from .pools import PoolService
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


@dataclass(frozen=True)
class InvestorInvitation:
    account: Account  # created False: they had a login already, and were told of the new pool
    pool: Pool
    investor: Investor


@dataclass(frozen=True)
class Disabled:
    user_id: str
    email: str
    disabled: bool
    connections_closed: int


class PeopleService:
    def __init__(
        self,
        accounts: Accounts,
        mailer: Mailer,
        app_url: str,
        *,
        pools: PoolService,
        records: AccountRecords,
        hang_up: Callable[[str], int],
    ) -> None:
        self.accounts = accounts
        self.mailer = mailer
        self.app_url = app_url.rstrip("/")
        self.pools = pools
        self.records = records
        self._hang_up = hang_up

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

    def invite_investor(self, who: Principal, pool_id: str, investor_id: str) -> InvestorInvitation:
        """The pool's manager gives an investor a login to the portal, linked to this record."""
        pool = check_write(who, self.pools.repo.get_pool(pool_id), pool_id)
        investor = self.pools.investor(pool_id, investor_id)
        if investor.status is InvestorStatus.REMOVED:
            raise Conflict("this investor was removed from the pool", field="investor_id", code="investor_removed")
        address = clean_email(investor.email).lower()
        if not address:
            raise Conflict(
                "give the investor an email address first: the invitation is sent there", field="email", code="no_email"
            )
        if investor_id in self.records.linked_logins(pool_id):
            raise Conflict(f"{investor.name} has been invited to this pool already", code="already_invited")
        account = self.accounts.find(address)
        if account is None:
            password = temporary_password()
            account = self.accounts.invite(email=address, name=investor.name, group=INVESTORS_GROUP, temporary_password=password)
            message = self._investor_invitation(address, investor.name, pool.name, password if account.created else None)
        else:
            # One login per person: the same address in a second pool sees both.
            self.accounts.add_to_group(address, INVESTORS_GROUP)
            message = self._investor_invitation(address, investor.name, pool.name, None)
        self.records.link(Membership(account.user_id, pool_id, investor_id, self.pools.now()))
        self.mailer.send(message)
        return InvestorInvitation(account, pool, investor)

    def disable(self, who: Principal, user_id: str) -> Disabled:
        """Finance disables a login: its password, its refresh tokens, every token it holds
        and its live connections stop working at once."""
        email = self._login(who, user_id)
        if user_id == who.user_id:
            raise Conflict("you cannot disable your own login", code="cannot_disable_self")
        self.accounts.disable(user_id)
        self.records.set_standing(user_id, replace(self.records.standing(user_id), disabled=True))
        return Disabled(user_id, email, True, self._hang_up(user_id))

    def enable(self, who: Principal, user_id: str) -> Disabled:
        email = self._login(who, user_id)
        self.accounts.enable(user_id)
        self.records.set_standing(user_id, replace(self.records.standing(user_id), disabled=False))
        return Disabled(user_id, email, False, 0)

    def logins(self, who: Principal, *, limit: int, cursor: str | None) -> tuple[LoginPage, dict[str, Standing]]:
        """Finance's list of every login: role, whether it is disabled or still invited, and whether
        it has an authenticator (as Pooldesk has seen it)."""
        if not who.is_finance or who.is_system:
            raise Forbidden("only finance sees every login", code="forbidden")
        page = self.accounts.logins(limit=limit, cursor=cursor)
        return page, {login.user_id: self.records.standing(login.user_id) for login in page.items}

    def _login(self, who: Principal, user_id: str) -> str:
        if not who.is_finance or who.is_system:
            raise Forbidden("only finance disables and enables logins", code="forbidden")
        email = self.accounts.email_of(user_id)
        if email is None:
            raise NotFound(f"user {user_id} not found", field="user_id", code="user_not_found")
        return email

    def _investor_invitation(self, email: str, name: str, pool_name: str, password: str | None) -> Email:
        link = f"{self.app_url}/#/login"
        lines = [f"Dear {name},", f"you can now follow your holding in {pool_name} on Pooldesk."]
        if password is not None:
            lines += [
                f"Sign in at {link} with {email} and this temporary password: {password}",
                "You will choose your own password at the first sign-in. The temporary password expires in 7 days.",
            ]
        else:
            lines.append(f"Sign in at {link} as usual: it is listed with your other holdings.")
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        return Email(
            to=(email,),
            subject=f"Your holding in {pool_name} on Pooldesk",
            text="\n".join(lines),
            html=f'<html><body style="font-family: sans-serif">{body}</body></html>',
        )

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
