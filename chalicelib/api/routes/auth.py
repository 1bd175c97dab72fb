"""Signing in, and what a client needs before it can."""

from __future__ import annotations

from chalicelib import wiring
from chalicelib.api import openapi
from chalicelib.api.bodies import LoginRequest, RefreshRequest
from chalicelib.api.http import Call, Reply
from chalicelib.api.service_schemas import ConfigResponse, MeResponse, TokensResponse
from chalicelib.config import settings

from .common import area

bp, api = area(__name__)


@api.route(
    "/auth/login",
    "POST",
    summary="Sign in with email and password",
    body=LoginRequest,
    response=TokensResponse,
    auth=False,
    tag="auth",
)
def login(call: Call) -> TokensResponse:
    return TokensResponse.of(wiring.cognito_auth().login(call.body.email.strip(), call.body.password))


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
