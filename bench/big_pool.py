"""A pool of many investors on the real local stack: the first page of its
investors and a search, through the API and in Debian's Chromium.

Seeding writes each investor as adding them through the API would leave them
(the investor, its ledger entry, its search terms, the pool's count) straight
to the stack's table, a batch at a time: the API adds about 7 a second on 2
cores, which made 10,000 investors a 25-minute wait for nothing measured.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import requests

from bench.report import Result, chart
from devstack.launch import Stack, launch

SIZES = [1_000, 5_000, 10_000]
MANAGER = ("manager@example.com", "Manager-demo-1")
REPEATS = 5
# Records every main-thread task over 50 ms (what a user feels as a freeze).
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
  .observe({ type: "longtask", buffered: true });
"""


def pools_table(db: Any) -> str:
    return str(next(t for t in db.list_tables()["TableNames"] if t.endswith("pooldesk-pools")))


def seed(stack: Stack, http: requests.Session, investors: int) -> str:
    """A pool made through the API, then ``investors`` added to it straight in the table."""
    from chalicelib.adapters import pool_items as items
    from chalicelib.adapters import search_items as searching
    from chalicelib.domain import operations as ops
    from chalicelib.domain.model import Stamp
    from chalicelib.services.ids import new_id

    made = http.post(f"{stack.api}/pools", json={"name": f"Pool of {investors:,}", "currency": "USD"}, timeout=10)
    made.raise_for_status()
    pid = str(made.json()["id"])
    fake_key = "bench"  # the stack's moto takes any credentials
    db = boto3.client(
        "dynamodb", endpoint_url=stack.aws, region_name="us-east-1", aws_access_key_id=fake_key, aws_secret_access_key=fake_key
    )
    table = pools_table(db)
    state = db.get_item(TableName=table, Key=items.key(items.pool_pk(pid), items.STATE), ConsistentRead=True)["Item"]
    pool, version = items.pool_of(state), int(state["version"]["N"])
    puts: list[dict[str, Any]] = []
    for i in range(investors):
        stamp = Stamp(entry_id=new_id(), at=pool.updated_at, actor=pool.manager_id)
        d = ops.add_investor(
            pool, investor_id=new_id("inv_"), name=f"Investor {i:05d}", email=f"investor{i:05d}@example.com", stamp=stamp
        )
        pool, inv = d.pool, d.investor
        puts += [items.investor_item(inv, pool.currency), items.entry_item(d.entry, pool.currency), *searching.term_items(inv)]
    for start in range(0, len(puts), 25):
        request: dict[str, Any] = {table: [{"PutRequest": {"Item": item}} for item in puts[start : start + 25]]}
        while request:
            request = db.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
    db.put_item(TableName=table, Item=items.pool_item(pool, version + 1))
    return pid


def _ms(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def median_ms(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    return statistics.median(_ms(fn) for _ in range(repeats))


def api_figures(api: str, http: requests.Session, pid: str, investors: int) -> dict[str, float]:
    """Median wall times of what the investors tab asks, and of reading the whole pool."""
    last = f"{investors - 1:05d}"

    def get(query: str) -> Any:
        resp = http.get(f"{api}/pools/{pid}/investors?{query}", timeout=120)
        resp.raise_for_status()
        return resp.json()

    assert [i["name"] for i in get(f"q={last}")["items"]] == [f"Investor {last}"]
    assert len(get("q=investor&limit=50")["items"]) == 50

    def whole_pool() -> None:
        cursor, seen = "", 0
        while True:
            page = get(f"limit=200{cursor}")
            seen += len(page["items"])
            if not page["next_cursor"]:
                break
            cursor = f"&cursor={page['next_cursor']}"
        assert seen == investors

    return {
        "first": median_ms(lambda: get("limit=50")),
        "one": median_ms(lambda: get(f"q={last}")),
        "many": median_ms(lambda: get("q=investor&limit=50")),
        "whole": median_ms(whole_pool, repeats=1),
    }


def browser_figures(api: str, pid: str, investors: int) -> dict[str, float]:
    """Median times in Chromium: the investors tab opened from the pools list (the pool
    and its first page asked for at once) until its first row shows; a search typed
    until its one row shows, less the 250 ms the box waits for typing to pause."""
    from playwright.sync_api import sync_playwright

    from devstack.browser import CHROMIUM, CHROMIUM_ARGS

    last = f"{investors - 1:05d}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(LONG_TASKS)
        page.goto(f"{api}/")
        page.get_by_label("Email").fill(MANAGER[0])
        page.get_by_label("Password").fill(MANAGER[1])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Pools").wait_for()
        rows = page.locator("tr[data-investor-id]")

        def open_tab() -> None:
            page.goto(f"{api}/#/pools")
            page.get_by_role("heading", name="Pools").wait_for()
            started = time.perf_counter()
            page.goto(f"{api}/#/pools/{pid}/investors")
            rows.first.wait_for(timeout=60_000)
            opened.append((time.perf_counter() - started) * 1000)

        def find_one() -> None:
            box = page.get_by_label("Search investors")
            box.fill("")
            rows.filter(has_text="Investor 00000").wait_for(timeout=60_000)
            started = time.perf_counter()
            box.fill(last)
            rows.filter(has_text=f"Investor {last}").wait_for(timeout=60_000)
            found.append((time.perf_counter() - started) * 1000 - 250)

        opened: list[float] = []
        found: list[float] = []
        for _ in range(3):
            open_tab()
        shown = rows.count()
        for _ in range(3):
            find_one()
        long_tasks = page.evaluate("window.__longTasks")
        browser.close()
    assert shown == 50, shown
    return {"open": statistics.median(opened), "search": statistics.median(found), "longest": max(long_tasks, default=0.0)}


def run(*, sizes: list[int] = SIZES) -> Result:
    result = Result(
        key="big_pool",
        title="A large pool's investors: first page and search",
        what=(
            "One local stack (moto over HTTP, as `make run`, without stream consumers); a pool of N investors, "
            "each written as the API "
            "writes one. API: medians of 5 requests, the first page of 50, a search matching one investor "
            "(the last added, by a word of the name), a search matching every investor (its first 50); beside "
            "them, reading the whole pool 200 at a time, what a search cost before the index. Browser: "
            "medians of 3 in Chromium, the Investors tab opened from the pools list until its first row "
            "shows, and a search typed until its row shows (less the 250 ms typing pause)."
        ),
        columns=[
            "investors",
            "seeded in",
            "API first page",
            "API search, one match",
            "API search, many",
            "whole pool read",
            "browser: tab to first row",
            "browser: search to row",
            "longest main-thread task",
        ],
    )
    xs: list[float] = []
    series: dict[str, list[float]] = {"API first page": [], "API search, one match": [], "browser: tab to first row": []}
    whole: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as logs:
        # Without stream consumers: in AWS they drain the seeding's stream beside DynamoDB,
        # but locally they share one process with moto and would be timed instead.
        stack = launch(Path(logs), "--no-feed", "--no-seed", "--no-streams")
        try:
            http = requests.Session()
            token = http.post(f"{stack.api}/auth/login", json={"email": MANAGER[0], "password": MANAGER[1]}, timeout=10)
            http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            for n in sizes:
                started = time.perf_counter()
                pid = seed(stack, http, n)
                seeded = time.perf_counter() - started
                api = api_figures(stack.api, http, pid, n)
                web = browser_figures(stack.api, pid, n)
                result.rows.append(
                    [
                        f"{n:,}",
                        f"{seeded:.0f} s",
                        f"{api['first']:.0f} ms",
                        f"{api['one']:.0f} ms",
                        f"{api['many']:.0f} ms",
                        f"{api['whole']:.0f} ms ({api['whole'] / api['one']:.0f} times the search)",
                        f"{web['open']:.0f} ms",
                        f"{web['search']:.0f} ms",
                        f"{web['longest']:.0f} ms",
                    ]
                )
                xs.append(float(n))
                series["API first page"].append(api["first"])
                series["API search, one match"].append(api["one"])
                series["browser: tab to first row"].append(web["open"])
                whole.append(api["whole"])
            http.close()
        finally:
            stack.stop()
    result.chart = chart(
        "big_pool",
        "A large pool's investors",
        "investors in the pool",
        "ms",
        {k: (xs, v) for k, v in series.items()},
        right={"whole pool read": (xs, whole)},
        right_label="ms (whole pool)",
    )
    result.notes.append(
        "A search reads one range of the pool's search index (the terms the longest word begins) and then the "
        "investors found, in one batch; its time stays flat as the pool grows, while reading the whole pool grows "
        "with it."
    )
    return result
