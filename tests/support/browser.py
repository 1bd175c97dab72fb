"""Driving the web app in Chromium: signing in, and screenshots of the main screens."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from devstack.launch import Stack

from .api import MANAGER
from .stack import login

# Where the browser tests leave screenshots of the main screens (the best are copied to docs/img/).
SCREENSHOTS = Path(os.environ.get("POOLDESK_SCREENSHOTS", Path(__file__).resolve().parents[1] / "browser" / "screenshots"))


def sign_in(page: Page, stack: Stack, email: str, password: str) -> None:
    page.goto(f"{stack.api}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Pools")).to_be_visible()


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def funded_pool(stack: Stack, amounts: dict[str, str], *, name: str | None = None) -> tuple[str, dict[str, str]]:
    """A pool of the demo manager's, with investors who contributed ``amounts``."""
    s = login(stack.api, MANAGER.email, MANAGER.password)
    pool = s.post(
        f"{stack.api}/pools", json={"name": name or f"Fund {uuid.uuid4().hex[:6]}", "currency": "USD"}, timeout=10
    ).json()
    ids = {}
    for who, amount in amounts.items():
        inv = s.post(f"{stack.api}/pools/{pool['id']}/investors", json={"name": who}, timeout=10).json()
        ids[who] = inv["id"]
        resp = s.post(
            f"{stack.api}/pools/{pool['id']}/contributions", json={"investor_id": inv["id"], "amount": amount}, timeout=10
        )
        assert resp.status_code == 201, resp.text
    return pool["id"], ids
