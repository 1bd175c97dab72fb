"""A TOTP code as an authenticator app computes it (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from collections.abc import Callable

STEP = 30


def totp(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    counter = int((time.time() if at is None else at) // STEP)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def code_to_type(
    secret: str,
    *,
    time_to_use: float = 10.0,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """The code a careful person types: when the authenticator's countdown is nearly
    out, they wait for the next code. The stand-in checks a code against the current
    step only, so a code typed in a step's last seconds can reach it after the step
    has turned; under a loaded suite that took a browser sign-in past its wait."""
    now = clock()
    left = STEP - now % STEP
    if left < time_to_use:
        sleep(left + 0.05)
        now = clock()
    return totp(secret, now)
