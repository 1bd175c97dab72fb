"""System tests start the local stack for real (python -m devstack) on free
loopback ports and talk to it over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    api: str
    aws: str
    ws: str
    process: subprocess.Popen[str]
    log: Path

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def start_stack(tmp: Path, *extra: str) -> Stack:
    api_port, aws_port, ws_port = free_port(), free_port(), free_port()
    log = tmp / f"devstack-{api_port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_", "POOLS_"))}
    process = subprocess.Popen(
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
        text=True,
    )
    api = f"http://127.0.0.1:{api_port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"devstack exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{api}/config", timeout=2).status_code == 200:
                return Stack(api, f"http://127.0.0.1:{aws_port}", f"ws://127.0.0.1:{ws_port}", process, log)
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"devstack did not answer within 90 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    if running.process.poll() is None:
        assert running.stop() == 0, running.log.read_text()


def login(api: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    resp = session.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=10)
    resp.raise_for_status()
    session.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
    return session
