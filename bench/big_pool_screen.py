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


def measure(api: str, pid: str, last: int) -> None:
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
        page.goto(f"{api}/#/pools/{pid}")
        page.get_by_test_id("nav").wait_for(timeout=60_000)
        print(
            f"pool screen (figures, chart, positions, activity) shown: {(time.monotonic() - started) * 1000:.0f} ms", flush=True
        )

        started = time.monotonic()
        page.get_by_role("link", name="Investors").click()
        page.locator("tr[data-investor-id]").first.wait_for(timeout=60_000)
        rows = page.locator("tr[data-investor-id]").count()
        dom_nodes = page.evaluate("document.getElementsByTagName('*').length")
        print(f"investors tab, first page of {rows} rows shown: {(time.monotonic() - started) * 1000:.0f} ms", flush=True)

        started = time.monotonic()
        page.get_by_role("button", name="Next").click()
        page.get_by_test_id("investor-range").filter(has_text="51\u2013100").wait_for(timeout=60_000)
        print(f"next page: {(time.monotonic() - started) * 1000:.0f} ms", flush=True)

        started = time.monotonic()
        page.get_by_label("Search investors").fill(f"investor{last:05d}")
        page.locator("tr[data-investor-id]").filter(has_text=f"Investor {last:05d}").wait_for(timeout=300_000)
        print(
            f"search matching one investor of {last + 1} (reads the whole pool on the server): "
            f"{(time.monotonic() - started) * 1000:.0f} ms, including the 250 ms typing pause",
            flush=True,
        )

        long_tasks = page.evaluate("window.__longTasks")
        browser.close()
    worst = max(long_tasks, default=0.0)
    print(f"main-thread tasks over 50 ms: {len(long_tasks)}, longest {worst:.0f} ms")
    print(f"DOM elements with the first page shown: {dom_nodes}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--investors", type=int, default=10_000)
    ap.add_argument("--api", help="measure a running stack (with --pool) instead of starting and seeding one")
    ap.add_argument("--pool", help="the seeded pool's id, with --api")
    ap.add_argument("--keep", action="store_true", help="leave the seeded stack running afterwards (Ctrl-C stops it)")
    args = ap.parse_args(argv)
    if args.api and args.pool:
        measure(args.api, args.pool, args.investors - 1)
        return 0
    stack = launch(Path(tempfile.mkdtemp(prefix="pooldesk-bench-")), "--no-feed", "--no-seed")
    try:
        pid = seed(stack.api, args.investors)
        print(f"stack: {stack.api}  pool: {pid}", flush=True)
        measure(stack.api, pid, args.investors - 1)
        if args.keep:
            print("kept running; Ctrl-C stops it", flush=True)
            stack.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if stack.process.poll() is None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
