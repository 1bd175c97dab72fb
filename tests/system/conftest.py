"""System tests start the local stack for real (python -m devstack) on free
loopback ports and talk to it over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.launch import Stack
from devstack.launch import launch as start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    if running.process.poll() is None:
        assert running.stop() == 0, running.log.read_text()
