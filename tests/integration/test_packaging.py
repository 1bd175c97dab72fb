"""app.py must import with no configuration and no AWS: `chalice package` and
CDK synth import it on a build machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import socket
def refuse(*a, **k):
    raise AssertionError("importing app.py opened a network connection")
socket.create_connection = refuse
socket.socket.connect = refuse
import app
routes = sum(len(methods) for methods in app.app.routes.values())
from chalicelib.api import openapi
spec = openapi.build(list(app.routes))
print(routes, len(spec["paths"]))
"""


def test_app_imports_without_configuration_or_network() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_", "POOLS_", "WEBSOCKET_"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    routes, paths = map(int, result.stdout.split())
    assert routes >= 20 and paths >= 12
