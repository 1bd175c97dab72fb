"""The local stack's servers: moto as the AWS endpoint and the Chalice app.

moto is served single-threaded so each request (a TransactWriteItems above
all) is atomic, as in DynamoDB; moto is not safe under concurrent requests.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

ROOT = Path(__file__).resolve().parents[1]


class PortInUse(RuntimeError):
    pass


@dataclass
class Served:
    name: str
    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _serve(name: str, server: Any, url: str) -> Served:
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return Served(name, url, server, thread)


def start_moto(host: str, port: int) -> Served:
    # Stable Cognito pool ids across restarts; must be set before moto loads.
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from devstack import moto_patches

    moto_patches.install()
    # One line per AWS call drowns the API's own log; keep warnings only.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = DomainDispatcherApplication(create_backend_app)
    try:
        server: BaseWSGIServer = make_server(host, port, app, threaded=False)
    except OSError as exc:
        raise PortInUse(f"cannot listen on {host}:{port} for the AWS endpoint: {exc.strerror}") from exc
    actual = server.server_port
    return _serve("moto", server, f"http://{host}:{actual}")


def start_api(host: str, port: int) -> Served:
    """Serve app.py the way API Gateway would, with chalice's local gateway."""
    from chalice.config import Config
    from chalice.local import LocalDevServer

    from app import app

    config_file = ROOT / ".chalice" / "config.json"
    config = Config.create(
        chalice_stage="dev",
        app_name="pooldesk",
        project_dir=str(ROOT),
        config_from_disk=json.loads(config_file.read_text()),
    )
    try:
        dev = LocalDevServer(app, config, host, port)
    except OSError as exc:
        raise PortInUse(f"cannot listen on {host}:{port} for the API: {exc.strerror}") from exc
    actual = dev.server.server_address[1]
    return _serve("api", dev.server, f"http://{host}:{actual}")
