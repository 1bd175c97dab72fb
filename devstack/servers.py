"""The local stack's servers: moto as the AWS endpoint and the Chalice app.

moto is served single-threaded so each request (a TransactWriteItems above
all) is atomic, as in DynamoDB; moto is not safe under concurrent requests.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from chalicelib.resources import API_RESPONSE_HEADERS, ROUTE_NOT_FOUND, web_content_security_policy

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
    # Authenticator codes are checked, as Cognito checks them (moto gives every user one fixed secret).
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
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


WEB_DIST = ROOT / "web" / "dist"


# What is worth compressing of the web app's files (images other than SVG already are).
COMPRESSIBLE = frozenset(
    {"text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json"}
)


@functools.lru_cache(maxsize=256)
def _gzip(path: Path, modified_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def gzipped(path: Path) -> bytes:
    """A file's gzip, made once per version of the file."""
    return _gzip(path, path.stat().st_mtime_ns)


def web_handler(web_dir: Path, connect_src: str) -> type[Any]:
    """Chalice's local request handler, also serving the built web app.

    The browser app and the API share one origin, as behind CloudFront in
    production: ``/`` and ``/assets/*`` are the app's files, every other path
    is the API. The app routes in the URL fragment (``/#/pools/...``), so no
    app path can shadow an API path.
    """
    import mimetypes

    from chalice.local import ChaliceRequestHandler

    root = web_dir.resolve()
    policy = web_content_security_policy(connect_src)

    class WebAppRequestHandler(ChaliceRequestHandler):
        def _static_file(self) -> Path | None:
            path = str(self.path).split("?", 1)[0].split("#", 1)[0]
            if path in ("/", "/index.html"):
                return root / "index.html"
            if path.startswith("/assets/") or path in ("/favicon.svg",):
                candidate = (root / path.lstrip("/")).resolve()
                # Never serve outside web/dist, whatever the path says.
                if candidate.is_relative_to(root) and candidate.is_file():
                    return candidate
                return None
            return None

        def _serve_static(self, file: Path, head: bool) -> None:
            if not file.is_file():
                body = b"The web app is not built: run `make web` (make run does it for you).\n"
                self.send_response(503)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            # Compressed as CloudFront compresses them (the stack's cache policy): a browser
            # that accepts gzip gets the app's code in a quarter of the bytes.
            compress = kind in COMPRESSIBLE and "gzip" in (self.headers.get("Accept-Encoding") or "")
            body = gzipped(file) if compress else file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept-Encoding")
            if compress:
                self.send_header("Content-Encoding", "gzip")
            # Hashed asset names never change; the page itself must always be fresh.
            immutable = file.parent.name == "assets"
            self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            if file.name == "index.html":
                self.send_header("Content-Security-Policy", policy)
                self.send_header("Referrer-Policy", "no-referrer")
                self.send_header("X-Frame-Options", "DENY")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def do_GET(self) -> None:
            file = self._static_file()
            if file is not None:
                self._serve_static(file, head=False)
            else:
                self._generic_handle()

        def do_HEAD(self) -> None:
            file = self._static_file()
            if file is not None:
                self._serve_static(file, head=True)
            else:
                self._generic_handle()

        def _method_not_allowed(self) -> None:
            # http.server answers methods it has no do_X for with 501 and an HTML page;
            # an HTTP method no route declares is the client's mistake: 405, in our error shape.
            body = json.dumps(
                {"error": {"code": "method_not_allowed", "message": f"{self.command} is not allowed here", "field": None}}
            ).encode()
            self.send_response(405)
            self.send_header("Content-Type", "application/json")
            self.send_header("Allow", "GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_TRACE = do_CONNECT = do_QUERY = _method_not_allowed

        def _send_error_response(self, error: Any) -> None:
            # Chalice's local gateway answers a path no route declares as API Gateway
            # does by default (403, "Missing Authentication Token"); the deployed API
            # answers it with a gateway response in our error shape (infrastructure/),
            # and so does this.
            body = error.body if isinstance(error.body, bytes) else str(error.body or "").encode()
            if error.CODE == 403 and (b"Missing Authentication Token" in body or b"Authorization header requires" in body):
                payload = json.dumps(ROUTE_NOT_FOUND.body()).encode()
                self.send_response(ROUTE_NOT_FOUND.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in API_RESPONSE_HEADERS.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
                return
            super()._send_error_response(error)

        def log_message(self, format: str, *args: Any) -> None:
            # One line per request only when the stack logs at INFO or below (POWERTOOLS_LOG_LEVEL).
            if logging.getLogger("pooldesk").isEnabledFor(logging.INFO):
                super().log_message(format, *args)

    return WebAppRequestHandler


def _burst_tolerant_server() -> type[Any]:
    from chalice.local import ThreadedHTTPServer

    class Server(ThreadedHTTPServer):
        # socketserver listens with a backlog of 5: a burst of connections (a page's
        # parallel requests from a few browsers) beyond that was reset. The kernel
        # caps this at net.core.somaxconn.
        request_queue_size = 1024

    return Server


def start_api(host: str, port: int, *, web_dir: Path = WEB_DIST, connect_src: str = "") -> Served:
    """Serve app.py the way API Gateway would, with chalice's local gateway, and the web app beside it."""
    from chalice.config import Config
    from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

    server_cls = _burst_tolerant_server()

    from app import app

    config_file = ROOT / ".chalice" / "config.json"
    config = Config.create(
        chalice_stage="dev",
        app_name="pooldesk",
        project_dir=str(ROOT),
        config_from_disk=json.loads(config_file.read_text()),
    )
    # The server is threaded: make app.current_request thread-local, as chalice's
    # own create_local_server does, or concurrent requests read each other's bodies.
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice  # type: ignore[assignment]  # a LazyApiChalice still: it is a base
    try:
        dev = LocalDevServer(app, config, host, port, handler_cls=web_handler(web_dir, connect_src), server_cls=server_cls)
    except OSError as exc:
        raise PortInUse(f"cannot listen on {host}:{port} for the API: {exc.strerror}") from exc
    actual = dev.server.server_address[1]
    return _serve("api", dev.server, f"http://{host}:{actual}")
