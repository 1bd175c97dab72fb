"""Signing in, and what a client needs before it can."""

from __future__ import annotations

from urllib.parse import quote

from chalicelib import wiring
from chalicelib.api import openapi
from chalicelib.api.bodies import (
    ChallengeRequest,
    ForgotRequest,
    LoginRequest,
    MfaSetupRequest,
    MfaVerifyRequest,
    RefreshRequest,
    ResetRequest,
)
from chalicelib.api.http import Call, Reply
from chalicelib.api.service_schemas import (
    ConfigResponse,
    MeResponse,
    MfaSecretResponse,
    MfaVerifiedResponse,
    SignInResponse,
    TokensResponse,
    WsTicketResponse,
)
from chalicelib.config import settings
from chalicelib.domain.errors import Unauthorized

from .common import area, authenticate

bp, api = area(__name__)


@api.route(
    "/auth/login",
    "POST",
    summary="Sign in with email and password: the tokens, or the further step Cognito asks for",
    body=LoginRequest,
    response=SignInResponse,
    auth=False,
    tag="auth",
)
def login(call: Call) -> SignInResponse:
    return SignInResponse.of(wiring.sign_in().login(call.body.email.strip(), call.body.password))


@api.route(
    "/auth/challenge",
    "POST",
    summary="Answer a sign-in's challenge (a new password, or the authenticator's code): the tokens, or the next step",
    body=ChallengeRequest,
    response=SignInResponse,
    auth=False,
    tag="auth",
)
def answer_challenge(call: Call) -> SignInResponse:
    b = call.body
    done = wiring.sign_in().respond(
        b.challenge, email=b.email.strip(), session=b.session, new_password=b.new_password, code=b.code
    )
    return SignInResponse.of(done)


def _signed_in_token(call: Call) -> str:
    """The caller's access token, checked (for the steps a signed-in user takes on a route that also serves sign-in)."""
    header = call.header("Authorization") or ""
    token = header.removeprefix("Bearer ").strip()
    if not token:
        raise Unauthorized("sign in first, or send the sign-in's session", code="not_signed_in")
    authenticate(token)
    return token


@api.route(
    "/auth/mfa/setup",
    "POST",
    summary="A new authenticator (TOTP) secret, and an otpauth URI to show as a QR code",
    body=MfaSetupRequest,
    response=MfaSecretResponse,
    auth=False,
    tag="auth",
)
def mfa_setup(call: Call) -> MfaSecretResponse:
    b = call.body
    cognito = wiring.cognito_auth()
    if b.session:
        secret, session = wiring.sign_in().mfa_secret(session=b.session)
        who = (b.email or "").strip()
    else:
        token = _signed_in_token(call)
        secret, session = cognito.mfa_secret(access_token=token)
        user_id = wiring.token_verifier().verify(token).user_id  # an access token names the user, not their email
        person = wiring.directory().people([user_id]).get(user_id)
        who = person.email if person else ""
    label = quote(f"Pooldesk:{who}" if who else "Pooldesk", errors="replace")  # an email is text, not always encodable
    return MfaSecretResponse(
        secret=secret, otpauth_uri=f"otpauth://totp/{label}?secret={secret}&issuer=Pooldesk", session=session
    )


@api.route(
    "/auth/mfa/verify",
    "POST",
    summary="Check the authenticator's first code: it becomes the second factor (during a sign-in, the tokens follow)",
    body=MfaVerifyRequest,
    response=MfaVerifiedResponse,
    auth=False,
    tag="auth",
)
def mfa_verify(call: Call) -> MfaVerifiedResponse:
    b = call.body
    if b.session:
        done = wiring.sign_in().mfa_verify(b.code, email=(b.email or "").strip(), session=b.session)
        return MfaVerifiedResponse(enabled=True, signed_in=SignInResponse.of(done))
    token = _signed_in_token(call)
    wiring.cognito_auth().mfa_verify(b.code, access_token=token)
    wiring.sign_in().enrolled(token)
    return MfaVerifiedResponse(enabled=True)


@api.route(
    "/auth/forgot",
    "POST",
    summary="Email a code to reset a forgotten password (the answer never says whether the email has an account)",
    body=ForgotRequest,
    status=202,
    auth=False,
    tag="auth",
)
def forgot_password(call: Call) -> Reply:
    wiring.cognito_auth().forgot(call.body.email.strip())
    return Reply({"sent": "if the email has an account, a code is on its way"}, 202)


@api.route(
    "/auth/reset",
    "POST",
    summary="Set a new password with the emailed code",
    body=ResetRequest,
    auth=False,
    tag="auth",
)
def reset_password(call: Call) -> Reply:
    b = call.body
    wiring.cognito_auth().reset(b.email.strip(), b.code.strip(), b.new_password)
    return Reply({"reset": True})


@api.route("/auth/logout", "POST", summary="Sign out everywhere: every refresh token is revoked", tag="auth")
def logout(call: Call) -> Reply:
    header = call.header("Authorization") or ""
    token = header.removeprefix("Bearer ").strip()
    if not token:
        raise Unauthorized("sign in first", code="not_signed_in")
    who = authenticate(token)
    wiring.cognito_auth().logout(token)
    # Cognito revokes the refresh tokens; the access tokens already handed out are refused here.
    wiring.sessions().signed_out(who)
    return Reply({"signed_out": True})


@api.route(
    "/auth/ws-ticket",
    "POST",
    summary="A single-use ticket, valid 30 seconds, for opening the WebSocket (wss://…/?ticket=…)",
    response=WsTicketResponse,
    status=201,
    tag="auth",
)
def ws_ticket(call: Call) -> Reply:
    t = wiring.sessions().ticket(call.who)
    return Reply(WsTicketResponse(ticket=t.ticket, expires_at=t.expires_at), 201)


@api.route(
    "/auth/refresh",
    "POST",
    summary="Exchange a refresh token for new tokens",
    body=RefreshRequest,
    response=TokensResponse,
    auth=False,
    tag="auth",
)
def refresh(call: Call) -> TokensResponse:
    return TokensResponse.of(wiring.cognito_auth().refresh(call.body.refresh_token), refresh_token=call.body.refresh_token)


@api.route("/config", "GET", summary="What a client needs to connect", response=ConfigResponse, auth=False, tag="meta")
def client_config(call: Call) -> ConfigResponse:
    s = settings()
    return ConfigResponse(region=s.region, user_pool_id=s.user_pool_id, client_id=s.client_id, websocket_url=s.websocket_url)


@api.route("/openapi.json", "GET", summary="This API's OpenAPI document", auth=False, tag="meta")
def openapi_document(call: Call) -> Reply:
    from chalicelib.api.routes import ROUTES  # every area's routes, this one's included

    return Reply(openapi.build(list(ROUTES)))


@api.route("/me", "GET", summary="Who the token belongs to", response=MeResponse, tag="auth")
def me(call: Call) -> MeResponse:
    return MeResponse.of(call.who)
