"""Soak: the local stack under ticks, webhooks and API traffic at once, for a
bounded time; then everything must reconcile and the stack must not leak.

    make soak                                 # 10 minutes
    .venv/bin/python -m bench.soak --seconds 60

While it runs: the demo feed puts market ticks on Kinesis; each manager thread
contributes, withdraws and now and then distributes in its own pools, with an
Idempotency-Key on every request and some requests deliberately sent twice; a
broker posts signed trades, dividends and fees for the linked demo account,
some twice. Every few seconds the stack's memory, threads and open files are
sampled. Afterwards: every 201 is in the ledger exactly once, every webhook
event was applied or parked once, `make reconcile` finds every unit and cent,
and threads and open files are back where they were. tests/system/test_soak.py
runs a short form of this in `make test`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

from chalicelib.services.webhooks import sign
from devstack.demo import DEMO_ACCOUNT, DEMO_BROKER, DEMO_BROKER_SECRET, DEMO_USERS
from devstack.launch import Stack, launch
from devstack.webhook import sample


@dataclass
class Sample:
    at: float
    rss_mb: float
    threads: int
    open_files: int


@dataclass
class SoakReport:
    seconds: float
    api_calls: int = 0
    api_latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # 5xx, connection errors, broken promises
    webhooks_sent: int = 0
    webhook_ids: set[str] = field(default_factory=set)
    samples: list[Sample] = field(default_factory=list)
    ledger_problems: list[str] = field(default_factory=list)
    reconcile_exit: int | None = None
    reconcile_output: str = ""
    writes: int = 0  # ledger entries created during the soak

    def percentile(self, p: float) -> float:
        ordered = sorted(self.api_latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0

    @property
    def busy_growth_mb_per_minute(self) -> float:
        busy = [x for x in self.samples if x.at <= self.seconds]
        return (busy[-1].rss_mb - busy[0].rss_mb) / max(busy[-1].at - busy[0].at, 1) * 60 if len(busy) > 1 else 0.0

    @property
    def idle_growth_mb(self) -> float:
        """After the traffic stops (the demo feed still ticking): growth means something keeps piling up."""
        idle = [x for x in self.samples if x.at > self.seconds + 2]
        return idle[-1].rss_mb - idle[0].rss_mb if len(idle) > 1 else 0.0

    def table(self) -> str:
        first, last = self.samples[0], self.samples[-1]
        peak = max(s.rss_mb for s in self.samples)
        rows = [
            ("duration", f"{self.seconds:.0f} s"),
            ("API requests", f"{self.api_calls} ({self.api_calls / self.seconds:.1f}/s)"),
            (
                "API latency p50 / p95 / p99",
                f"{self.percentile(0.5):.0f} / {self.percentile(0.95):.0f} / {self.percentile(0.99):.0f} ms",
            ),
            ("API answers", ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))),
            ("webhooks posted (unique)", f"{self.webhooks_sent} ({len(self.webhook_ids)})"),
            ("ledger entries written", str(self.writes)),
            ("stack memory start / peak / end", f"{first.rss_mb:.0f} / {peak:.0f} / {last.rss_mb:.0f} MB"),
            (
                "memory growth under load",
                f"{self.busy_growth_mb_per_minute:.0f} MB/min (moto holds every item and stream record)",
            ),
            ("memory growth once idle", f"{self.idle_growth_mb:+.1f} MB"),
            ("threads start / end", f"{first.threads} / {last.threads}"),
            ("open files start / end", f"{first.open_files} / {last.open_files}"),
            ("failures", str(len(self.failures))),
            (
                "ledger check",
                "every answer in the ledger exactly once" if not self.ledger_problems else "; ".join(self.ledger_problems[:5]),
            ),
            ("reconcile", "clean" if self.reconcile_exit == 0 else f"exit {self.reconcile_exit}"),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)


def _sample(process: psutil.Process, started: float) -> Sample:
    with process.oneshot():
        return Sample(
            at=time.monotonic() - started,
            rss_mb=process.memory_info().rss / 2**20,
            threads=process.num_threads(),
            open_files=process.num_fds(),
        )


def get_page(http: requests.Session, url: str, cursor: str | None) -> dict[str, Any]:
    """One page of a listing; anything but a 200 stops the run with what the API said."""
    params: dict[str, str] = {"limit": "200", **({"cursor": cursor} if cursor else {})}
    resp = http.get(url, params=params, timeout=60)
    if resp.status_code != 200:
        raise RuntimeError(f"GET {url} (cursor {cursor!r}): {resp.status_code} {resp.text[:500]}")
    return dict(resp.json())


class Manager(threading.Thread):
    """One fund manager working their own pools until the deadline."""

    def __init__(self, api: str, *, email: str, password: str, report: SoakReport, lock: threading.Lock, seed: int) -> None:
        super().__init__(daemon=True)
        self.api, self.report, self.lock = api, report, lock
        self.deadline = 0.0  # set when the soak starts, after every manager's setup
        self.http = requests.Session()
        token = self.http.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=10).json()
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"
        self.random = random.Random(seed)  # traffic shapes, not security  # nosec B311
        self.pools: dict[str, list[str]] = {}
        self.created: dict[str, list[str]] = {}  # pool -> entry ids answered 201 during the soak

    def setup(self, pools: int, investors: int) -> None:
        for n in range(pools):
            pid = self.http.post(
                f"{self.api}/pools", json={"name": f"Soak {uuid.uuid4().hex[:6]} {n}", "currency": "USD"}, timeout=10
            ).json()["id"]
            members = []
            for i in range(investors):
                inv = self.http.post(f"{self.api}/pools/{pid}/investors", json={"name": f"Investor {i}"}, timeout=10).json()["id"]
                self.http.post(
                    f"{self.api}/pools/{pid}/contributions", json={"investor_id": inv, "amount": "10000.00"}, timeout=10
                )
                members.append(inv)
            # Held symbols the demo feed ticks, so revaluations race the money movements.
            for symbol, qty in (("AAPL", "20"), ("MSFT", "10")):
                self.http.post(
                    f"{self.api}/pools/{pid}/trades",
                    json={"symbol": symbol, "side": "buy", "quantity": qty, "price": "100"},
                    timeout=10,
                )
            self.pools[pid] = members
            self.created[pid] = []

    def _call(self, path: str, body: dict[str, Any], key: str) -> requests.Response | None:
        started = time.perf_counter()
        try:
            resp = self.http.post(f"{self.api}{path}", json=body, headers={"Idempotency-Key": key}, timeout=30)
        except requests.RequestException as exc:
            with self.lock:
                self.report.failures.append(f"POST {path}: {exc}")
            return None
        with self.lock:
            self.report.api_calls += 1
            self.report.api_latencies.append(time.perf_counter() - started)
            self.report.statuses[resp.status_code] += 1
            if resp.status_code >= 500:
                self.report.failures.append(f"POST {path}: {resp.status_code} {resp.text[:200]}")
        return resp

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            pid = self.random.choice(sorted(self.pools))
            investor = self.random.choice(self.pools[pid])
            roll = self.random.random()
            if roll < 0.55:
                path, body = (
                    f"/pools/{pid}/contributions",
                    {"investor_id": investor, "amount": f"{self.random.randint(1, 500)}.{self.random.randint(0, 99):02d}"},
                )
            elif roll < 0.95:
                path, body = f"/pools/{pid}/withdrawals", {"investor_id": investor, "amount": f"{self.random.randint(1, 200)}.00"}
            else:
                path, body = f"/pools/{pid}/distributions", {"amount": f"{self.random.randint(1, 50)}.00"}
            key = uuid.uuid4().hex
            resp = self._call(path, body, key)
            if resp is None or resp.status_code != 201:
                continue
            entry_id = resp.json()["id"]
            self.created[pid].append(entry_id)
            if self.random.random() < 0.1:  # the client lost the answer and sends it again
                again = self._call(path, body, key)
                if again is not None and (again.status_code != 200 or again.json()["id"] != entry_id):
                    with self.lock:
                        self.report.failures.append(f"replay of {key} answered {again.status_code}, not the first result")

    def check_ledger(self) -> list[str]:
        problems = []
        for pid, expected in self.created.items():
            seen: Counter[str] = Counter()
            cursor = None
            while True:
                page = get_page(self.http, f"{self.api}/pools/{pid}/activity", cursor)
                seen.update(e["id"] for e in page["items"])
                cursor = page["next_cursor"]
                if not cursor:
                    break
            missing = [e for e in expected if seen[e] == 0]
            doubled = [e for e, n in seen.items() if n > 1]
            if missing or doubled:
                problems.append(f"pool {pid}: {len(missing)} answered entries missing, {len(doubled)} listed twice")
        return problems


class Broker(threading.Thread):
    """The demo broker posting signed events for the linked account, some twice."""

    def __init__(self, api: str, deadline: float, report: SoakReport, lock: threading.Lock, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.api, self.deadline, self.report, self.lock, self.every = api, deadline, report, lock, every
        self.random = random.Random(7)  # traffic shapes, not security  # nosec B311

    def post(self, event: dict[str, Any]) -> None:
        body = json.dumps(event).encode()
        headers = {"Content-Type": "application/json", "Pooldesk-Signature": sign(DEMO_BROKER_SECRET, int(time.time()), body)}
        try:
            resp = requests.post(f"{self.api}/webhooks/{DEMO_BROKER}", data=body, headers=headers, timeout=30)
        except requests.RequestException as exc:
            with self.lock:
                self.report.failures.append(f"webhook: {exc}")
            return
        with self.lock:
            self.report.webhooks_sent += 1
            if resp.status_code in (200, 202):
                self.report.webhook_ids.add(event["id"])
            else:
                self.report.failures.append(f"webhook {event['id']}: {resp.status_code} {resp.text[:200]}")

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            event = sample(self.random.choice(["trade", "dividend", "fee"]), DEMO_ACCOUNT)
            self.post(event)
            if self.random.random() < 0.2:
                self.post(event)  # the broker retries a delivery it thinks failed
            time.sleep(self.every)


def wait_for_webhooks(api: str, http: requests.Session, ids: set[str], timeout: float = 120) -> list[str]:
    """Wait until every event was applied or parked; returns the problems left."""
    pools = http.get(f"{api}/pools", params={"limit": 200}, timeout=30).json()["items"]
    linked = next(p["id"] for p in pools if p["name"] == "Harbor Growth Fund")
    deadline = time.monotonic() + timeout
    while True:
        settled: Counter[str] = Counter()
        cursor = None
        while True:
            page = get_page(http, f"{api}/pools/{linked}/webhook-events", cursor)
            settled.update(e["event_id"] for e in page["items"] if e["status"] in ("applied", "parked"))
            cursor = page["next_cursor"]
            if not cursor:
                break
        pending = ids - set(settled)
        doubled = [e for e, n in settled.items() if n > 1]
        if not pending or time.monotonic() > deadline:
            problems = [f"{len(pending)} webhook events never applied"] if pending else []
            return problems + ([f"{len(doubled)} webhook events listed twice"] if doubled else [])
        time.sleep(1)


def soak(
    stack: Stack,
    seconds: float,
    *,
    managers: int = 2,
    pools: int = 2,
    investors: int = 5,
    idle: float = 10.0,
    broker: bool = True,
) -> SoakReport:
    report = SoakReport(seconds=seconds)
    lock = threading.Lock()
    process = psutil.Process(stack.process.pid)
    users = [u for u in DEMO_USERS if u.group == "managers"]
    workers = [
        Manager(
            stack.api,
            email=users[n % len(users)].email,
            password=users[n % len(users)].password,
            report=report,
            lock=lock,
            seed=n,
        )
        for n in range(managers)
    ]
    for worker in workers:
        worker.setup(pools, investors)
    started = time.monotonic()
    report.samples.append(_sample(process, started))
    deadline = started + seconds
    for worker in workers:
        worker.deadline = deadline
    threads: list[threading.Thread] = [*workers, *([Broker(stack.api, deadline, report, lock)] if broker else [])]
    for thread in threads:
        thread.start()
    while time.monotonic() < deadline + idle:
        time.sleep(2)
        report.samples.append(_sample(process, started))
    for thread in threads:
        thread.join(timeout=60)
    report.writes = sum(len(w.created[p]) for w in workers for p in w.created) + len(report.webhook_ids)
    report.ledger_problems = [problem for w in workers for problem in w.check_ledger()]
    report.ledger_problems += wait_for_webhooks(stack.api, workers[0].http, report.webhook_ids)
    time.sleep(2)  # let the last stream batches land before the final sample
    report.samples.append(_sample(process, started))
    done = stack.reconcile()
    report.reconcile_exit, report.reconcile_output = done.returncode, done.stdout + done.stderr
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--managers", type=int, default=4)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        stack = launch(Path(tmp))
        try:
            print(
                f"Soaking the local stack for {args.seconds:.0f} s ({args.managers} managers, the demo feed, a broker)...",
                flush=True,
            )
            report = soak(stack, args.seconds, managers=args.managers)
        finally:
            stack.stop()
    print(report.table())
    print(report.reconcile_output.strip())
    if report.failures:
        print("failures:\n  " + "\n  ".join(report.failures[:20]))
    ok = not report.failures and not report.ledger_problems and report.reconcile_exit == 0
    mid = statistics.median(s.rss_mb for s in report.samples)
    print(f"median stack memory {mid:.0f} MB; {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
