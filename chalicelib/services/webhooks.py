"""Brokerage webhooks: signature checks and the event contract.

A request carries ``Pooldesk-Signature: t=<unix seconds>,v1=<hex>`` where the
hex is HMAC-SHA256 of ``"<t>.<raw body>"`` with one of the broker's secrets.
Several ``v1`` values may be sent, and several secrets may be active, so keys
rotate without downtime.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from chalicelib.domain.errors import Unauthorized

TOLERANCE_SECONDS = 300


class BadSignature(Unauthorized):
    code = "invalid_signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value a broker sends (also used by `make webhook` and tests)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(header: str | None, body: bytes, secrets: Sequence[str], now: int) -> int:
    """Check the signature header; returns its timestamp or raises BadSignature."""
    if not header:
        raise BadSignature("Pooldesk-Signature header is missing", field="Pooldesk-Signature", code="missing_signature")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and value:
            candidates.append(value.strip().lower())
    if timestamp is None or not candidates:
        raise BadSignature("Pooldesk-Signature must be t=<unix seconds>,v1=<hex>", field="Pooldesk-Signature")
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature(
            f"signature timestamp is more than {TOLERANCE_SECONDS} seconds from now; send a fresh one",
            field="Pooldesk-Signature",
            code="stale_signature",
        )
    signed = f"{timestamp}.".encode() + body
    for secret in secrets:
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        # compare_digest on every candidate: time does not depend on where a mismatch is.
        if any(hmac.compare_digest(expected, c) for c in candidates):
            return timestamp
    raise BadSignature("signature does not match", field="Pooldesk-Signature")
