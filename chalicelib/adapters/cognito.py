"""Cognito: sign-in and refresh through the user pool's public app client, and
the directory of who signs in (checking the tokens it issues: tokens.py)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

from chalicelib.domain.errors import InvalidInput, Unauthorized
from chalicelib.resources import FINANCE_GROUP, PASSWORD_POLICY
from chalicelib.services.ports import Challenge, Person, Throttled, Tokens

CHALLENGES = ("NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP")


def _tokens(result: dict[str, Any]) -> Tokens:
    return Tokens(
        access_token=result["AccessToken"],
        id_token=result["IdToken"],
        refresh_token=result.get("RefreshToken"),
        expires_in=int(result.get("ExpiresIn", 3600)),
    )


class CognitoAuth:
    """Signing in through the user pool's public app client, every step of it: a
    first sign-in's new password, TOTP set-up and codes, a forgotten password,
    signing out everywhere. Errors say what to do, never whether an email exists."""

    def __init__(self, client: Any, client_id: str) -> None:
        self._idp = client
        self._client_id = client_id

    def _answer(self, resp: dict[str, Any], email: str) -> Tokens | Challenge:
        if "AuthenticationResult" in resp:
            return _tokens(resp["AuthenticationResult"])
        name = resp.get("ChallengeName", "unknown")
        if name not in CHALLENGES:
            raise Unauthorized(f"sign-in needs a step ({name}) this API does not offer", code="challenge_required")
        return Challenge(name=name, session=resp["Session"], email=email)

    def _initiate(self, flow: str, params: dict[str, str]) -> Tokens | Challenge:
        errors = self._idp.exceptions
        try:
            resp = self._idp.initiate_auth(ClientId=self._client_id, AuthFlow=flow, AuthParameters=params)
        except (errors.NotAuthorizedException, errors.UserNotFoundException):
            # One answer for a wrong password and an unknown user: no account enumeration.
            raise Unauthorized("email or password is incorrect", code="invalid_credentials") from None
        except errors.UserNotConfirmedException:
            raise Unauthorized("this account is not confirmed yet", code="user_not_confirmed") from None
        except errors.PasswordResetRequiredException:
            raise Unauthorized("this account must reset its password", code="password_reset_required") from None
        return self._answer(resp, params.get("USERNAME", ""))

    def login(self, email: str, password: str) -> Tokens | Challenge:
        return self._initiate("USER_PASSWORD_AUTH", {"USERNAME": email, "PASSWORD": password})

    def refresh(self, refresh_token: str) -> Tokens:
        try:
            done = self._initiate("REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": refresh_token})
        except Unauthorized as exc:
            raise Unauthorized("refresh token is invalid or expired; sign in again", code="invalid_refresh_token") from exc
        if isinstance(done, Challenge):  # pragma: no cover - Cognito asks nothing more of a refresh
            raise Unauthorized("sign in again", code="invalid_refresh_token")
        return done

    def respond(
        self, challenge: str, *, email: str, session: str, new_password: str | None = None, code: str | None = None
    ) -> Tokens | Challenge:
        """Answer the challenge a sign-in was given; the tokens, or the next challenge."""
        responses = {"USERNAME": email}
        if challenge == "NEW_PASSWORD_REQUIRED":
            responses["NEW_PASSWORD"] = _meets_policy(new_password)
        elif challenge == "SOFTWARE_TOKEN_MFA":
            responses["SOFTWARE_TOKEN_MFA_CODE"] = _code(code)
        elif challenge != "MFA_SETUP":
            raise InvalidInput(f"challenge is one of {', '.join(CHALLENGES)}", field="challenge", code="invalid_challenge")
        with self._errors():
            resp = self._idp.respond_to_auth_challenge(
                ClientId=self._client_id, ChallengeName=challenge, Session=session, ChallengeResponses=responses
            )
        return self._answer(resp, email)

    def mfa_secret(self, *, session: str | None = None, access_token: str | None = None) -> tuple[str, str | None]:
        """A new TOTP secret for the user (during sign-in by session, once signed in by token), and the session to go on with."""
        with self._errors():
            resp = (
                self._idp.associate_software_token(Session=session)
                if session
                else self._idp.associate_software_token(AccessToken=access_token)
            )
        return resp["SecretCode"], resp.get("Session")

    def mfa_verify(self, code: object, *, session: str | None = None, access_token: str | None = None) -> str | None:
        """Check the first code from the authenticator; once signed in, TOTP becomes the user's
        preferred second factor. Returns the session to finish signing in with (during sign-in)."""
        with self._errors():
            if session:
                resp = self._idp.verify_software_token(Session=session, UserCode=_code(code), FriendlyDeviceName="Pooldesk")
            else:
                resp = self._idp.verify_software_token(
                    AccessToken=access_token, UserCode=_code(code), FriendlyDeviceName="Pooldesk"
                )
                self._idp.set_user_mfa_preference(
                    AccessToken=access_token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
                )
        if resp.get("Status") != "SUCCESS":
            raise InvalidInput("that code did not match; try the next one", field="code", code="invalid_code")
        session_next: str | None = resp.get("Session")
        return session_next

    def has_totp(self, access_token: str) -> bool:
        with self._errors():
            user = self._idp.get_user(AccessToken=access_token)
        return "SOFTWARE_TOKEN_MFA" in (user.get("UserMFASettingList") or [])

    def forgot(self, email: str) -> None:
        """Send a reset code, if there is such a user; the answer is the same either way."""
        errors = self._idp.exceptions
        try:
            self._idp.forgot_password(ClientId=self._client_id, Username=email)
        except (errors.UserNotFoundException, errors.InvalidParameterException, errors.NotAuthorizedException):
            pass  # never reveal whether an email has an account
        except errors.LimitExceededException:
            raise Unauthorized("too many attempts: wait a while, then try again", code="too_many_attempts") from None

    def reset(self, email: str, code: str, new_password: str) -> None:
        password = _meets_policy(new_password)
        with self._errors():
            self._idp.confirm_forgot_password(ClientId=self._client_id, Username=email, ConfirmationCode=code, Password=password)

    def logout(self, access_token: str) -> None:
        """Sign out everywhere: every refresh token of the user is revoked."""
        with self._errors():
            self._idp.global_sign_out(AccessToken=access_token)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Cognito's refusals as the API's: what to do next, naming the field."""
        errors = self._idp.exceptions
        try:
            yield
        except errors.InvalidPasswordException as exc:
            message = exc.response.get("Error", {}).get("Message", "the password does not meet the policy")
            raise InvalidInput(message, field="new_password", code="weak_password") from None
        except (errors.CodeMismatchException, errors.EnableSoftwareTokenMFAException):
            raise InvalidInput("that code did not match; try the next one", field="code", code="invalid_code") from None
        except errors.ExpiredCodeException:
            raise InvalidInput("that code has expired: ask for a new one", field="code", code="expired_code") from None
        except (errors.NotAuthorizedException, errors.ResourceNotFoundException, errors.UserNotFoundException):
            raise Unauthorized("the sign-in has expired or is not valid: start again", code="invalid_session") from None
        except errors.LimitExceededException:
            raise Unauthorized("too many attempts: wait a while, then try again", code="too_many_attempts") from None
        except ParamValidationError:
            # What Cognito would refuse before reading it (a session of the wrong length): not one of its sessions.
            raise Unauthorized("the sign-in has expired or is not valid: start again", code="invalid_session") from None


def _meets_policy(password: str | None) -> str:
    """Refuse a new password the pool would refuse, saying what it lacks."""
    if not password:
        raise InvalidInput("choose a new password", field="new_password", code="missing_field")
    missing = PASSWORD_POLICY.missing(password)
    if missing:
        raise InvalidInput(f"the new password needs {', '.join(missing)}", field="new_password", code="weak_password")
    return password


def _code(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not (len(text) == 6 and text.isdigit()):
        raise InvalidInput("the code is the 6 digits your authenticator app shows", field="code", code="invalid_code")
    return text


class CognitoDirectory:
    """Who signs in: the finance group's addresses, and each user's name and email,
    each kept for five minutes (a Lambda container asks Cognito once, not per request)."""

    def __init__(self, client: Any, user_pool_id: str, ttl_seconds: int = 300) -> None:
        self._idp = client
        self._pool = user_pool_id
        self._ttl_ns = ttl_seconds * 1_000_000_000
        self._cached: tuple[int, list[str]] | None = None
        self._people: dict[str, tuple[int, Person | None]] = {}
        self._lock = threading.Lock()

    def finance_emails(self) -> list[str]:
        with self._lock:
            if self._cached and time.monotonic_ns() - self._cached[0] < self._ttl_ns:
                return self._cached[1]
            emails: list[str] = []
            kwargs: dict[str, Any] = {"UserPoolId": self._pool, "GroupName": FINANCE_GROUP}
            while True:
                resp = self._idp.list_users_in_group(**kwargs)
                for user in resp.get("Users", []):
                    attrs = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
                    if user.get("Enabled", True) and attrs.get("email"):
                        emails.append(attrs["email"])
                if not resp.get("NextToken"):
                    break
                kwargs["NextToken"] = resp["NextToken"]
            self._cached = (time.monotonic_ns(), sorted(emails))
            return self._cached[1]

    def people(self, user_ids: Sequence[str]) -> dict[str, Person]:
        """Best effort: a user Cognito cannot tell us about right now is left out
        (and asked about again next time), so a directory outage never stops money moving."""
        found: dict[str, Person] = {}
        now = time.monotonic_ns()
        for user_id in dict.fromkeys(user_ids):
            with self._lock:
                hit = self._people.get(user_id)
            if hit is None or now - hit[0] >= self._ttl_ns:
                try:
                    hit = (now, self._lookup(user_id))
                except (ClientError, Throttled):
                    continue
                with self._lock:
                    self._people[user_id] = hit
            if hit[1] is not None:
                found[user_id] = hit[1]
        return found

    def _lookup(self, user_id: str) -> Person | None:
        if not user_id or '"' in user_id or "\\" in user_id:
            return None  # not a Cognito sub; never let it into a filter expression
        users = self._idp.list_users(UserPoolId=self._pool, Filter=f'sub = "{user_id}"', Limit=1).get("Users", [])
        if not users:
            return None
        attrs = {a["Name"]: a["Value"] for a in users[0].get("Attributes", [])}
        return Person(user_id=user_id, name=attrs.get("name", ""), email=attrs.get("email", ""))
