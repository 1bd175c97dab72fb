"""System tests start the local stack for real (python -m devstack) on free
loopback ports and talk to it over HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from devstack.launch import Stack
from devstack.launch import launch as start_stack
from devstack.mail import sent_mail

__all__ = ["Stack", "login", "start_stack", "wait_for_mail"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    if running.process.poll() is None:
        assert running.stop() == 0, running.log.read_text()


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
