"""Cold start: what each Lambda function loads before it can do its work.

Every function's handler is a name in app.py, so every cold start imports it.
Each run is a fresh interpreter that imports boto3 (which every function needs,
and which a bare Lambda function would import anyway), then app.py, then what
that function's first invocation builds (its consumer module and, through
wiring, its services and adapters; no AWS request is made). The ratio of the
whole to boto3 alone is taken within each run, so a busy machine moves both.

Bytecode is compiled once beforehand, into a cache of its own: the deployment
ships compiled bytecode (infrastructure/bytecode.py), as Lambda's read-only
file system would otherwise have every cold start compile every module again.
The same figure without bytecode is printed beside it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess  # our own interpreter on a fixed script  # nosec B404
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.report import Result

ROOT = Path(__file__).resolve().parents[1]

# What each kind of function does on its first invocation, beyond importing app.py.
FIRST_CALL = {
    "import app (every function)": "",
    # The route table (every area of the API), the token check and the pools service.
    "API: first request": "app.app.routes; wiring.sessions(); wiring.token_verifier(); wiring.pool_service()",
    "prices consumer": "from chalicelib.consumers import market_ticks; wiring.market_data()",
    "webhook consumer": "from chalicelib.consumers import webhook_events; wiring.brokerage_service()",
    "pushes consumer": "from chalicelib.consumers import pool_changes; wiring.live_updates()",
    "alerts consumer": "from chalicelib.consumers import alerts; wiring.alerts()",
}

SCRIPT = """
import json, time
t0 = time.perf_counter()
import boto3
t1 = time.perf_counter()
import app
t2 = time.perf_counter()
from chalicelib import wiring
{first}
t3 = time.perf_counter()
print(json.dumps({{"boto3": t1 - t0, "app": t2 - t0, "first": t3 - t0}}))
"""

# What settings() needs to build clients; nothing is called (boto3 only wants some credentials).
STAND_IN = "cold-start"
ENV = {
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": STAND_IN,
    "AWS_SECRET_ACCESS_KEY": STAND_IN,
    "POOLS_TABLE": "pools",
    "EVENTS_TABLE": "events",
    "CONNECTIONS_TABLE": "connections",
    "COGNITO_USER_POOL_ID": "eu-west-1_coldstart",
    "COGNITO_CLIENT_ID": "cold-start",
}


@dataclass(frozen=True)
class Start:
    boto3: float
    app: float
    first: float

    @property
    def ratio(self) -> float:
        return self.app / self.boto3


def one_start(first: str = "", *, cache: str | None) -> Start:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT)}
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        # No bytecode at all (an empty cache): every module compiled, as from a package that ships none.
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="pooldesk-nopyc-")
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up run writes the cache
        env["PYTHONPYCACHEPREFIX"] = cache
    done = subprocess.run(  # nosec B603
        [sys.executable, "-c", SCRIPT.format(first=first)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Start(figures["boto3"], figures["app"], figures["first"])


def starts(first: str = "", runs: int = 9, *, cache: str | None) -> list[Start]:
    return [one_start(first, cache=cache) for _ in range(runs)]


def compiled_cache(kinds: dict[str, str] = FIRST_CALL) -> str:
    """A bytecode cache with every module app.py and its first calls import (one warm-up run)."""
    cache = tempfile.mkdtemp(prefix="pooldesk-pyc-")
    for first in kinds.values():
        one_start(first, cache=cache)
    return cache


def median(values: list[float]) -> float:
    return statistics.median(values)


def run(runs: int = 9, bare_runs: int = 3, kinds: int | None = None) -> Result:
    chosen = dict(list(FIRST_CALL.items())[:kinds])
    cache = compiled_cache(chosen)
    result = Result(
        key="cold_start",
        title="Cold start",
        what=(
            f"A fresh interpreter per run ({runs} runs, medians): `import boto3`, then `import app`, then what "
            "that function's first invocation builds (its consumer and services; no AWS request). The ratio "
            "is taken within each run. Bytecode compiled beforehand, as the deployment ships it; the last "
            "column is `import app` with none at all."
        ),
        columns=["function", "import boto3", "import app", "+ first call", "ratio to boto3 (app)", "ratio (first call)"],
    )
    for label, first in chosen.items():
        measured = starts(first, runs, cache=cache)
        result.rows.append(
            [
                label,
                f"{median([s.boto3 for s in measured]) * 1000:.0f} ms",
                f"{median([s.app for s in measured]) * 1000:.0f} ms",
                f"{median([s.first for s in measured]) * 1000:.0f} ms" if first else "",
                f"{median([s.ratio for s in measured]):.2f}x",
                f"{median([s.first / s.boto3 for s in measured]):.2f}x" if first else "",
            ]
        )
    bare = starts("", bare_runs, cache=None)
    result.notes.append(
        f"Without bytecode, `import app` takes {median([s.app for s in bare]) * 1000:.0f} ms "
        f"({median([s.ratio for s in bare]):.2f}x boto3): what a cold start would pay if the package shipped none."
    )
    return result
