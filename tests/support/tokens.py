"""Tokens signed with the very key moto's Cognito signs with, so only the claim under test differs."""

from __future__ import annotations

import gzip
import json
import time
from importlib import resources
from typing import Any

import jwt

from devstack.provision import CognitoIds


def cognito_private_key() -> Any:
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    return jwt.PyJWK.from_dict(json.loads(gzip.decompress(raw))).key


def claims(ids: CognitoIds, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{ids.user_pool_id}",
        "sub": "user-123",
        "client_id": ids.client_id,
        "token_use": "access",
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["finance"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}
