"""Forged, expired and misdirected tokens are refused with 401.

Tokens here are signed with the very key moto's Cognito signs with (or with a
stranger's key), so only the claim under test differs from a real token.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import wiring
from chalicelib.services.people_ports import Standing
from devstack.provision import CognitoIds
from tests.support.api import Api, error
from tests.support.tokens import claims, cognito_private_key


def call(api: Api, token: str) -> Any:
    return api.client.http.get("/pools", headers={"Authorization": f"Bearer {token}"})


def test_a_correctly_signed_token_is_accepted(api: Api, cognito: CognitoIds) -> None:
    token = jwt.encode(claims(cognito), cognito_private_key(), algorithm="RS256", headers={"kid": "dummy"})
    # A finance user's token, from a login with no authenticator: refused until one is set up.
    refused = call(api, token)
    assert (refused.status_code, error(refused)["code"]) == (401, "mfa_required")
    wiring.account_records().set_standing("user-123", Standing(mfa_enrolled=True))
    assert call(api, token).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"exp": int(time.time()) - 3600}, "token_expired"),
        ({"client_id": "another-app-client"}, "invalid_token"),
        ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse"}, "invalid_token"),
        ({"token_use": "id"}, "invalid_token"),
        ({"exp": None}, "invalid_token"),
        ({"sub": None}, "invalid_token"),
    ],
)
def test_wrong_claims_are_refused(api: Api, cognito: CognitoIds, overrides: dict[str, Any], code: str) -> None:
    token = jwt.encode(claims(cognito, **overrides), cognito_private_key(), algorithm="RS256", headers={"kid": "dummy"})
    resp = call(api, token)
    assert resp.status_code == 401
    assert error(resp)["code"] == code


def test_a_token_signed_by_another_key_is_refused(api: Api, cognito: CognitoIds) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims(cognito), stranger, algorithm="RS256", headers={"kid": "dummy"})
    resp = call(api, token)
    assert resp.status_code == 401 and error(resp)["code"] == "invalid_token"


def test_unsigned_and_symmetric_tokens_are_refused(api: Api, cognito: CognitoIds) -> None:
    unsigned = jwt.encode(claims(cognito), "", algorithm="none")
    assert call(api, unsigned).status_code == 401
    hs = jwt.encode(claims(cognito), "secret-guess-of-at-least-32-bytes!!", algorithm="HS256", headers={"kid": "dummy"})
    assert call(api, hs).status_code == 401


def test_an_unknown_key_id_is_refused(api: Api, cognito: CognitoIds) -> None:
    token = jwt.encode(claims(cognito), cognito_private_key(), algorithm="RS256", headers={"kid": "rotated-away"})
    resp = call(api, token)
    assert resp.status_code == 401 and error(resp)["code"] == "invalid_token"
