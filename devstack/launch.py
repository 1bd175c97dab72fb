"""Start the local stack as a child process on free loopback ports, for the
system tests and the benchmarks, and stop it with Ctrl-C's signal."""

from __future__ import annotations

import os
import signal
import socket
import subprocess  # starts our own stack, argv only, no shell  # nosec B404
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    api: str
    aws: str
    ws: str
    process: subprocess.Popen[Any]
    log: Path

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)

    def reconcile(self) -> subprocess.CompletedProcess[str]:
        """`make reconcile` against this stack: every pool refolded, drift emailed, exit 1 on drift."""
        return subprocess.run(  # our interpreter and module, fixed argv  # nosec B603
            [sys.executable, "-m", "devstack.reconcile", "--aws", self.aws, "--api", self.api, "--ws", self.ws],
            cwd=ROOT,
            env=_clean_environment(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def _clean_environment() -> dict[str, str]:
    # The child configures AWS itself; nothing of the caller's may leak in.
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_", "POOLS_"))}


def launch(log_dir: Path, *extra: str, timeout: float = 90) -> Stack:
    api_port, aws_port, ws_port = free_port(), free_port(), free_port()
    log = log_dir / f"devstack-{api_port}.log"
    env = _clean_environment()
    process = subprocess.Popen(  # our own interpreter and module, fixed argv  # nosec B603
        [
            sys.executable,
            "-m",
            "devstack",
            "--api-port",
            str(api_port),
            "--aws-port",
            str(aws_port),
            "--ws-port",
            str(ws_port),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{api_port}"
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"devstack exited with {process.returncode}:\n{log.read_text()}")
            try:
                if requests.get(f"{api}/config", timeout=(2, 15)).status_code == 200:
                    return Stack(api, f"http://127.0.0.1:{aws_port}", f"ws://127.0.0.1:{ws_port}", process, log)
            except (requests.ConnectionError, requests.Timeout):
                # Not listening yet, or its first request is still loading what it serves
                # (the API and its services load on first use, as in Lambda).
                pass
            time.sleep(0.3)
    except BaseException:
        # Whatever went wrong here, no stack may outlive its launcher (a leaked one ate two
        # cores for the rest of a test run).
        process.kill()
        raise
    process.kill()
    raise RuntimeError(f"devstack did not answer within {timeout:.0f} s:\n{log.read_text()}")
