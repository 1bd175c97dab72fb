"""Access tokens from the Cognito user pool, checked against its published keys
(JWKS). Apart from cognito.py: only the API's requests check tokens, and PyJWT
with its cryptography is the largest thing a cold start would otherwise load."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import jwt
import requests

from chalicelib.domain.errors import Unauthorized
from chalicelib.services.ports import Principal


class SigningKeys:
    """The user pool's public keys, fetched once and kept for an hour; an
    unknown key id (after a rotation) triggers at most one refetch a minute."""

    def __init__(self, url: str, *, ttl_seconds: int = 3600, min_refetch_seconds: int = 60) -> None:
        self._url = url
        self._ttl_ns = ttl_seconds * 1_000_000_000
        self._min_refetch_ns = min_refetch_seconds * 1_000_000_000
        self._keys: dict[str, Any] = {}
        self._fetched_at_ns: int | None = None
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        try:
            resp = requests.get(self._url, timeout=5)
            resp.raise_for_status()
            key_set = jwt.PyJWKSet.from_dict(resp.json())
        except (requests.RequestException, ValueError, jwt.PyJWTError) as exc:
            raise Unauthorized("signing keys could not be fetched to check the token", code="invalid_token") from exc
        self._keys = {k.key_id: k.key for k in key_set.keys if k.key_id}
        self._fetched_at_ns = time.monotonic_ns()

    def get(self, kid: str) -> Any:
        with self._lock:
            never = self._fetched_at_ns is None
            age = 0 if self._fetched_at_ns is None else time.monotonic_ns() - self._fetched_at_ns
            if never or age > self._ttl_ns or (kid not in self._keys and age > self._min_refetch_ns):
                self._fetch()
            if kid not in self._keys:
                raise Unauthorized("token was signed with an unknown key", code="invalid_token")
            return self._keys[kid]


class TokenVerifier:
    """Checks signature (RS256, key from the pool's JWKS), issuer, expiry,
    token use and app client, then yields the principal."""

    def __init__(self, *, jwks_url: str, issuer: str, client_id: str, leeway_seconds: int = 30) -> None:
        self._keys = SigningKeys(jwks_url)
        self._issuer = issuer
        self._client_id = client_id
        self._leeway = leeway_seconds

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise Unauthorized("token must be signed with RS256", code="invalid_token")
            key = self._keys.get(str(header.get("kid", "")))
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token has expired; refresh it or sign in again", code="token_expired") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token is not valid: {exc}", code="invalid_token") from None
        # Access tokens name their app client in client_id (ID tokens use aud).
        if claims.get("token_use") != "access":
            raise Unauthorized("send the access token, not the ID token", code="invalid_token")
        if claims.get("client_id") != self._client_id:
            raise Unauthorized("token was issued to another app client", code="invalid_token")
        groups = claims.get("cognito:groups") or []
        return Principal(
            user_id=str(claims["sub"]),
            email=str(claims.get("email") or claims.get("username") or ""),
            groups=frozenset(str(g) for g in groups),
            issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
        )
