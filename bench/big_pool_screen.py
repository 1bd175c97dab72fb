"""The pool screen for a pool of 10,000 investors, in Debian's Chromium against
the real local stack: how long the investors tab takes to show its first page,
how long a search and the next page take, the longest task that blocked the
page's main thread, and how many rows the page holds. Prints figures; asserts nothing.

    .venv/bin/python -m bench.big_pool_screen [--investors 10000]

Seeding goes through the API, one investor at a time, as a manager would (about
a minute for 10,000 on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

from devstack.browser import CHROMIUM, CHROMIUM_ARGS
from devstack.launch import launch

MANAGER = ("manager@example.com", "Manager-demo-1")
# Records every main-thread task over 50 ms (what a user feels as a freeze).
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
  .observe({ type: "longtask", buffered: true });
"""


def seed(api: str, investors: int) -> str:
    http = requests.Session()
    token = http.post(f"{api}/auth/login", json={"email": MANAGER[0], "password": MANAGER[1]}, timeout=10).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    pid = str(http.post(f"{api}/pools", json={"name": "Ten Thousand Fund", "currency": "USD"}, timeout=10).json()["id"])

    def add(n: int) -> None:
        with requests.Session() as own:
            own.headers.update(http.headers)
            for i in range(n, investors, 4):
                body = {"name": f"Investor {i:05d}", "email": f"investor{i:05d}@example.com"}
                resp = own.post(f"{api}/pools/{pid}/investors", json=body, timeout=30)
                resp.raise_for_status()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(add, range(4)))
    print(f"seeded {investors} investors through the API in {time.monotonic() - started:.0f} s", flush=True)
    return pid


def measure(api: str, pid: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(LONG_TASKS)
        page.goto(f"{api}/")
        page.get_by_label("Email").fill(MANAGER[0])
        page.get_by_label("Password").fill(MANAGER[1])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Pools").wait_for()

        started = time.monotonic()
        page.goto(f"{api}/#/pools/{pid}/investors")
        page.locator("tr[data-investor-id]").first.wait_for(timeout=60_000)
        first_page = time.monotonic() - started
        rows = page.locator("tr[data-investor-id]").count()

        started = time.monotonic()
        page.get_by_role("button", name="Next").click()
        page.get_by_test_id("investor-range").filter(has_text="51\u2013100").wait_for(timeout=60_000)
        next_page = time.monotonic() - started

        started = time.monotonic()
        page.get_by_label("Search investors").fill("investor09999")
        page.locator("tr[data-investor-id]").filter(has_text="Investor 09999").wait_for(timeout=60_000)
        page.wait_for_function("document.querySelectorAll('tr[data-investor-id]').length === 1", timeout=60_000)
        search = time.monotonic() - started

        long_tasks = page.evaluate("window.__longTasks")
        dom_nodes = page.evaluate("document.getElementsByTagName('*').length")
        browser.close()
    print(f"investors tab, first page of {rows} rows shown:  {first_page * 1000:.0f} ms")
    print(f"next page:                                  {next_page * 1000:.0f} ms")
    print(f"search for the last investor (server-side):  {search * 1000:.0f} ms (includes the 250 ms typing pause)")
    worst = max(long_tasks, default=0.0)
    print(f"main-thread tasks over 50 ms: {len(long_tasks)}, longest {worst:.0f} ms; DOM elements on the page: {dom_nodes}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--investors", type=int, default=10_000)
    args = ap.parse_args(argv)
    stack = launch(Path(tempfile.mkdtemp(prefix="pooldesk-bench-")), "--no-feed", "--no-seed")
    try:
        pid = seed(stack.api, args.investors)
        measure(stack.api, pid)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
