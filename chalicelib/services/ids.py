"""Identifiers that sort by creation time (ULID layout, Crockford base32)."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RANDOM_BITS = 80
_lock = threading.Lock()
_last = 0  # the last id's 128-bit value, so ids made in one millisecond still sort in the order they were made


def ulid(now_ms: int | None = None) -> str:
    """48 bits of milliseconds then 80 random bits: 26 characters, lexically time-ordered.

    Within one millisecond, ids from this process keep their order (the random
    part counts up from the last, as ULID's monotonic mode does), so entries a
    command writes in quick succession list in the order they were made."""
    global _last  # noqa: PLW0603 - one counter per process, guarded by the lock
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        value = (ms << _RANDOM_BITS) | int.from_bytes(os.urandom(10), "big")
        if now_ms is None and value >> _RANDOM_BITS <= _last >> _RANDOM_BITS:
            value = _last + 1
        if now_ms is None:
            _last = value
    chars = []
    for _ in range(26):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(prefix: str = "") -> str:
    return f"{prefix}{ulid()}"
