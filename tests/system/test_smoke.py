"""The post-deploy smoke test passes against a healthy stack (the local one)."""

from __future__ import annotations

import pytest

from devstack.launch import Stack
from infrastructure.smoke import run


def test_the_smoke_test_passes_against_a_healthy_stack(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(stack.api) == []
    assert capsys.readouterr().out.count("ok    ") == 6


def test_the_smoke_test_names_what_fails() -> None:
    assert run("http://127.0.0.1:9") == [
        "the web app is served with its security headers",
        "/config names the WebSocket endpoint",
        "the OpenAPI document is served",
        "a wrong password is refused",
        "the API needs a token",
        "an unsigned webhook is refused",
    ]
