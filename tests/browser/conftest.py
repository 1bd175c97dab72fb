"""Browser tests: Playwright drives Debian's Chromium, headless, against the
real local stack started here (no market feed, so every tick is the test's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from devstack.browser import CHROMIUM, CHROMIUM_ARGS
from devstack.launch import Stack
from devstack.launch import launch as start_stack

ROOT = Path(__file__).resolve().parents[2]

expect.set_options(timeout=15_000)


@pytest.fixture(scope="package")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run `make test` (it builds the web app) or `make web`")
    running = start_stack(tmp_path_factory.mktemp("web-stack"), "--no-feed")
    yield running
    if running.process.poll() is None:
        assert running.stop() == 0, running.log.read_text()


# Package-scoped: Playwright's sync API keeps an event loop running in this
# thread while it is open, which would break asyncio.run() in the system tests.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(f"{e}\n{e.stack}"))
    yield p
    assert not errors, f"the page raised: {errors}"
