"""The local stack as a new user meets it: demo data, the API tour, real
concurrency against the serialised moto server, and a clean stop."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D
from pathlib import Path

import aiohttp
import requests

from devstack import tour
from devstack.demo import DEMO_USERS
from devstack.launch import Stack
from devstack.launch import launch as start_stack
from tests.support.stack import login, ws_url

ROOT = Path(__file__).resolve().parents[2]

MANAGER, MANAGER2, FINANCE = DEMO_USERS


def test_demo_users_see_their_demo_pools(stack: Stack) -> None:
    def names(user: object) -> set[str]:
        s = login(stack.api, user.email, user.password)  # type: ignore[attr-defined]
        return {p["name"] for p in s.get(f"{stack.api}/pools?limit=200", timeout=10).json()["items"]}

    mine = names(MANAGER)
    assert {"Harbor Growth Fund", "Meridian Income Fund"} <= mine
    assert "Northwind Partners Pool" not in mine
    assert names(MANAGER2) == {"Northwind Partners Pool"}
    assert {"Harbor Growth Fund", "Meridian Income Fund", "Northwind Partners Pool"} <= names(FINANCE)


def test_demo_pool_figures_are_consistent(stack: Stack) -> None:
    s = login(stack.api, MANAGER.email, MANAGER.password)
    pool = next(p for p in s.get(f"{stack.api}/pools", timeout=10).json()["items"] if p["name"] == "Harbor Growth Fund")
    investors = s.get(f"{stack.api}/pools/{pool['id']}/investors?limit=200", timeout=10).json()["items"]
    assert sum(D(i["units"]) for i in investors) == D(pool["units"])
    assert D(pool["nav"]) == D(pool["cash"]) + sum(D(p["market_value"]) for p in pool["positions"])
    assert sum(D(i["paid_out"]) for i in investors) == D("1200.00")


def test_the_api_tour_matches_the_hand_calculation(stack: Stack) -> None:
    assert tour.main(["--api", stack.api]) == 0


def test_concurrent_contributions_lose_no_update(stack: Stack) -> None:
    s = login(stack.api, MANAGER.email, MANAGER.password)
    pid = s.post(f"{stack.api}/pools", json={"name": "Race Fund", "currency": "USD"}, timeout=10).json()["id"]
    investors = [
        s.post(f"{stack.api}/pools/{pid}/investors", json={"name": f"Racer {i}"}, timeout=10).json()["id"] for i in range(4)
    ]
    token = s.headers["Authorization"]

    def contribute(n: int) -> tuple[int, str, str]:
        with requests.Session() as own:
            own.headers["Authorization"] = str(token)
            resp = own.post(
                f"{stack.api}/pools/{pid}/contributions",
                json={"investor_id": investors[n % 4], "amount": f"{n + 1}.00"},
                timeout=60,
            )
            body = resp.json()
            # A refusal shows its code (what a failure here needs to say); an answer, its investor.
            return resp.status_code, body.get("investor_id") or body.get("error", {}).get("code"), body.get("amount")

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(contribute, range(40)))
    # Each answer is for its own request: no thread read another's body.
    assert answers == [(201, investors[n % 4], f"{n + 1}.00") for n in range(40)]
    expected = sum(D(n + 1) for n in range(40))
    state = s.get(f"{stack.api}/pools/{pid}", timeout=10).json()
    assert D(state["cash"]) == expected == D("820")
    assert D(state["units"]) == expected
    rows = s.get(f"{stack.api}/pools/{pid}/investors", timeout=10).json()["items"]
    assert sum(D(r["units"]) for r in rows) == expected
    entries = s.get(f"{stack.api}/pools/{pid}/activity?limit=200", timeout=10).json()["items"]
    assert len([e for e in entries if e["type"] == "contribution"]) == 40


def test_ctrl_c_stops_everything_and_frees_the_ports(tmp_path: Path) -> None:
    own = start_stack(tmp_path, "--no-seed")
    assert own.stop() == 0
    for url in (own.api, own.aws):
        port = int(url.rsplit(":", 1)[1])
        with socket.socket() as probe:
            # SO_REUSEADDR: a connection closing (TIME_WAIT) may keep the port a while; a listener may not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))  # free again: nothing left listening
    assert "devstack: stopping" in own.log.read_text()


def test_ctrl_c_stops_promptly_with_a_browser_still_connected(tmp_path: Path) -> None:
    """An open WebSocket (a browser tab left on a pool) must not hang or crash the stop."""
    own = start_stack(tmp_path, "--no-seed", "--no-feed")
    http = login(own.api, MANAGER.email, MANAGER.password)

    async def connect_and_stop() -> tuple[int, float, int | None]:
        async with aiohttp.ClientSession() as session, session.ws_connect(ws_url(own.ws, own.api, http)) as ws:
            reading = asyncio.create_task(ws.receive(timeout=15))  # a browser is always reading
            started = time.monotonic()
            code = await asyncio.get_running_loop().run_in_executor(None, own.stop)
            elapsed = time.monotonic() - started
            await reading
            return code, elapsed, ws.close_code

    try:
        code, elapsed, close_code = asyncio.run(connect_and_stop())
    finally:
        if own.process.poll() is None:  # the test failed before stopping it: leave nothing behind
            own.process.kill()
    assert code == 0, own.log.read_text()[-2000:]
    assert elapsed < 8
    assert close_code == 1001  # "going away": the browser reconnects when the stack is back


def test_a_busy_port_gets_a_clear_message(stack: Stack, tmp_path: Path) -> None:
    import subprocess
    import sys

    port = stack.api.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "devstack", "--api-port", port, "--aws-port", "0", "--no-seed"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_an_unknown_route_answers_in_the_error_shape_with_nosniff(stack: Stack) -> None:
    s = login(stack.api, MANAGER.email, MANAGER.password)
    for resp in (
        requests.get(f"{stack.api}/no/such/route", timeout=10),
        s.post(f"{stack.api}/pools/x/nothing", json={}, timeout=10),
    ):
        assert resp.status_code == 404, resp.text
        assert resp.json()["error"]["code"] == "route_not_found"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    for resp in (s.get(f"{stack.api}/pools", timeout=10), s.get(f"{stack.api}/pools/nope", timeout=10)):
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_the_stack_logs_warnings_only_unless_asked(stack: Stack) -> None:
    """No INFO lines, request lines or metric JSON in the terminal after API traffic."""
    s = login(stack.api, MANAGER.email, MANAGER.password)
    for _ in range(3):
        assert s.get(f"{stack.api}/pools", timeout=10).status_code == 200
    time.sleep(1)
    lines = stack.log.read_text().splitlines()
    assert not [line for line in lines if '"level":"INFO"' in line or '"level":"DEBUG"' in line]
    assert not [line for line in lines if '"_aws"' in line]  # EMF metrics
    assert not [line for line in lines if '"GET /pools' in line]  # access lines


def test_the_web_app_is_served_compressed_and_its_hashed_files_cached_for_good(stack: Stack) -> None:
    # As CloudFront serves it: the page always fresh, hashed assets immutable, both gzipped.
    dist = ROOT / "web" / "dist"
    assert (dist / "index.html").is_file(), "the web app is built first (make web; make test does it)"
    page = requests.get(f"{stack.api}/", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert page.status_code == 200
    assert (page.headers["Content-Encoding"], page.headers["Cache-Control"]) == ("gzip", "no-cache")
    assert page.headers["Vary"] == "Accept-Encoding"
    assert page.content == (dist / "index.html").read_bytes()  # requests undid the gzip
    script = re.search(r'src="(/assets/[^"]+\.js)"', page.text)
    assert script is not None
    asset = requests.get(f"{stack.api}{script[1]}", headers={"Accept-Encoding": "gzip, br"}, timeout=10)
    assert asset.headers["Content-Encoding"] == "gzip"
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    on_disk = (dist / script[1].lstrip("/")).read_bytes()
    assert asset.content == on_disk
    assert int(asset.headers["Content-Length"]) < len(on_disk) / 2
    plain = requests.get(f"{stack.api}{script[1]}", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers and plain.content == on_disk
