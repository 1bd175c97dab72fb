"""Every Lambda function's cold start imports app.py: it must stay close to a bare
`import boto3`, and a function must load only what it runs.

The ratio is taken within each fresh interpreter (boto3, then app), so a busy
machine slows both; the module checks need no clock at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import cold_start

ROOT = Path(__file__).resolve().parents[2]


def loaded_after(statement: str) -> set[str]:
    """Top-level packages and our own modules a fresh interpreter holds after ``statement``."""
    script = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **cold_start.ENV, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_app_loads_no_api_no_tracer_and_no_consumer() -> None:
    loaded = loaded_after("import app")
    assert "app" in loaded
    for heavy in (
        "chalicelib.api.routes",  # the REST API: loaded on the first read of app.routes
        "chalicelib.api.schemas",
        "pydantic",
        "aws_xray_sdk",  # the tracer: made on the first invocation
        "jwt",  # token checks: the API's first request
        "chalicelib.consumers.market_ticks",  # each consumer: its own first invocation
        "chalicelib.services.pools",  # services: built through wiring on first use
    ):
        assert heavy not in loaded, f"import app loaded {heavy}"


def test_the_prices_consumer_loads_neither_the_api_nor_token_checks() -> None:
    loaded = loaded_after(f"import app\nfrom chalicelib import wiring\n{cold_start.FIRST_CALL['prices consumer']}")
    assert "chalicelib.services.market" in loaded
    for heavy in ("chalicelib.api.routes", "chalicelib.api.schemas", "jwt", "chalicelib.services.brokerage"):
        assert heavy not in loaded, f"the prices consumer loaded {heavy}"


def test_reading_the_route_table_loads_the_whole_api() -> None:
    import app

    assert len(app.app.routes) > 50
    assert {spec.path for spec in app.routes} == set(app.app.routes)


def test_import_app_costs_at_most_half_again_a_bare_import_boto3() -> None:
    cache = tempfile.mkdtemp(prefix="pooldesk-pyc-")
    cold_start.one_start(cache=cache)  # compile once, as the deployment ships bytecode
    ratios = sorted(cold_start.one_start(cache=cache).ratio for _ in range(5))
    assert ratios[2] <= 1.5, f"import app took {ratios[2]:.2f}x import boto3 (median of {ratios})"
