"""The local stack over HTTP, as the system and browser tests reach it."""

from __future__ import annotations

import time
from typing import Any

import requests

from devstack.launch import Stack
from devstack.mail import sent_mail


def login(api: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    resp = session.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=10)
    resp.raise_for_status()
    session.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
    return session


def wait_for_mail(stack: Stack, subject: str, seconds: float = 30) -> list[dict[str, Any]]:
    """The emails with this subject, once at least one has arrived (or none, after the wait)."""
    deadline = time.monotonic() + seconds
    while True:
        found = [m for m in sent_mail(stack.aws) if m.get("subject") == subject]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def ws_url(stack_ws: str, api: str, http: requests.Session) -> str:
    """The WebSocket's address with a fresh single-use ticket (no token travels in a URL)."""
    resp = http.post(f"{api}/auth/ws-ticket", timeout=10)
    resp.raise_for_status()
    return f"{stack_ws}/?ticket={resp.json()['ticket']}"
