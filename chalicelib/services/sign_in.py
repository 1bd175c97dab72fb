"""Signing in, with an authenticator required of staff. The user pool's MFA is
optional (investors may use a password alone), so managers and finance are held to
TOTP here: a staff sign-in whose login has no authenticator yet gets its tokens only
after setting one up. Until then the tokens are held server-side under a one-time
handle the client sees as the MFA_SETUP challenge's session."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib.domain.errors import Unauthorized

from .people_ports import AccountRecords, Authenticator, HeldSignIns
from .ports import Challenge, Principal, Tokens

HELD_FOR = timedelta(minutes=10)
# Cognito's own sessions never start so: an MFA_SETUP session that does is one of ours.
HELD_PREFIX = "pooldesk-setup-"


def _digest(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()


class SignIn:
    def __init__(
        self,
        cognito: Authenticator,
        verify: Callable[[str], Principal],
        records: AccountRecords,
        held: HeldSignIns,
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cognito = cognito
        self._verify = verify
        self.records = records
        self.held = held
        self.now = clock
        self._sleep = sleep

    def login(self, email: str, password: str) -> Tokens | Challenge:
        return self._finish(self.cognito.login(email, password), email)

    def respond(
        self, challenge: str, *, email: str, session: str, new_password: str | None = None, code: str | None = None
    ) -> Tokens | Challenge:
        done = self.cognito.respond(challenge, email=email, session=session, new_password=new_password, code=code)
        return self._finish(done, email)

    def mfa_secret(self, *, session: str) -> tuple[str, str | None]:
        """A new TOTP secret during a sign-in: Cognito's own MFA_SETUP, or a staff sign-in held here."""
        if session.startswith(HELD_PREFIX):
            tokens = self._held(session)
            secret, _ = self.cognito.mfa_secret(access_token=tokens.access_token)
            return secret, session
        return self.cognito.mfa_secret(session=session)

    def mfa_verify(self, code: object, *, email: str, session: str) -> Tokens | Challenge:
        """The authenticator's first code during a sign-in: it is turned on, and the tokens follow."""
        if session.startswith(HELD_PREFIX):
            tokens = self._held(session)
            self.cognito.mfa_verify(code, access_token=tokens.access_token)
            self.enrolled(tokens.access_token)
            self.held.release(_digest(session))
            return tokens
        after = self.cognito.mfa_verify(code, session=session) or session
        return self.cognito.respond("MFA_SETUP", email=email, session=after)

    def enrolled(self, access_token: str) -> None:
        """An authenticator was just turned on: the login's staff tokens are accepted from now on."""
        who = self._verify(access_token)
        standing = self.records.standing(who.user_id)
        if not standing.mfa_enrolled:
            self.records.set_standing(who.user_id, replace(standing, mfa_enrolled=True))

    def _finish(self, done: Tokens | Challenge, email: str) -> Tokens | Challenge:
        if isinstance(done, Challenge):
            return done
        who = self._verify(done.access_token)
        standing = self.records.standing(who.user_id)
        if standing.refusal(who.issued_at) and not standing.disabled:
            done, who = self._after_sign_out(done, standing.signed_out_at)
        if not (who.is_manager or who.is_finance):
            return done  # investors: an authenticator is theirs to choose
        if standing.mfa_exempt or standing.mfa_enrolled:
            return done
        if self.cognito.has_totp(done.access_token):
            self.records.set_standing(who.user_id, replace(standing, mfa_enrolled=True))
            return done
        handle = HELD_PREFIX + secrets.token_urlsafe(32)
        self.held.hold(_digest(handle), done, self.now() + HELD_FOR)
        return Challenge(name="MFA_SETUP", session=handle, email=email)

    def _after_sign_out(self, done: Tokens, signed_out_at: datetime | None) -> tuple[Tokens, Principal]:
        """Tokens stamped in the same second as the user's last sign-out everywhere would be refused
        with the stale ones (a token's iat is in whole seconds): wait out that second, and refresh."""
        if signed_out_at is not None and done.refresh_token:
            wait = (signed_out_at.replace(microsecond=0) + timedelta(seconds=1) - self.now()).total_seconds()
            if 0 < wait <= 1:
                self._sleep(wait)
            done = Tokens(
                access_token=(fresh := self.cognito.refresh(done.refresh_token)).access_token,
                id_token=fresh.id_token,
                refresh_token=done.refresh_token,
                expires_in=fresh.expires_in,
            )
        return done, self._verify(done.access_token)

    def _held(self, session: str) -> Tokens:
        found = self.held.held(_digest(session))
        if found is None or found[1] < self.now():
            raise Unauthorized("this sign-in has expired; sign in again", field="session", code="invalid_session")
        return found[0]
