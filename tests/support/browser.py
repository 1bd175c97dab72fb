"""Driving the web app in Chromium: signing in, and screenshots of the main screens."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from devstack.launch import Stack

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
