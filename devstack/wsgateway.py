"""The local stack's stand-in for API Gateway's WebSocket API.

Clients connect to ``ws://127.0.0.1:8001/?ticket=...`` (from ``POST /auth/ws-ticket``); the gateway calls the
app's ``$connect``, ``$default`` and ``$disconnect`` handlers with API
Gateway's event shapes, refusing the upgrade when ``$connect`` answers with an
error status. It also serves the management API the app pushes through with
boto3's ``apigatewaymanagementapi`` (``POST``/``DELETE /@connections/{id}``),
answering 410 GoneException for a connection that is no longer there, as
API Gateway does (moto's stand-in never does).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

log = logging.getLogger("devstack.ws")

Handler = Callable[[dict[str, Any], Any], Any]


class WebSocketGateway:
    def __init__(self, host: str, port: int, *, connect: Handler, message: Handler, disconnect: Handler) -> None:
        self.host = host
        self.port = port
        self._handlers = {"$connect": connect, "$default": message, "$disconnect": disconnect}
        self._sockets: dict[str, web.WebSocketResponse] = {}
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="ws-gateway", daemon=True)
        self.url = f"ws://{host}:{port}"

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._websocket)
        app.router.add_post("/@connections/{connection_id}", self._post)
        app.router.add_delete("/@connections/{connection_id}", self._delete)
        app.router.add_get("/@connections/{connection_id}", self._describe)
        self._runner = web.AppRunner(app, access_log=None)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start_site(), self._loop)
        future.result(timeout=10)

    async def _start_site(self) -> None:
        assert self._runner is not None
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=20)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _shutdown(self) -> None:
        # Close every open socket first ("going away", as API Gateway does on a
        # deploy): the runner's cleanup waits for each connection's handler,
        # which otherwise reads its socket forever while a browser tab is open.
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down") for ws in list(self._sockets.values())),
            return_exceptions=True,
        )
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def management_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- API Gateway event shapes ---------------------------------------------------

    def _event(self, route: str, connection_id: str, request: web.Request | None, body: str | None = None) -> dict[str, Any]:
        kind = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
        event: dict[str, Any] = {
            "requestContext": {
                "routeKey": route,
                "eventType": kind,
                "connectionId": connection_id,
                "apiId": "local",
                "stage": "local",
                "domainName": f"{self.host}:{self.port}",
                "requestId": uuid.uuid4().hex,
                "connectedAt": int(time.time() * 1000),
                "requestTimeEpoch": int(time.time() * 1000),
            },
            "isBase64Encoded": False,
        }
        if request is not None:
            event["headers"] = dict(request.headers)
            event["queryStringParameters"] = dict(request.query) or None
        if body is not None:
            event["body"] = body
        return event

    async def _call(self, route: str, event: dict[str, Any]) -> dict[str, Any]:
        handler = self._handlers[route]
        result = await self._loop.run_in_executor(None, handler, event, None)
        return result if isinstance(result, dict) else {"statusCode": 200}

    # -- the WebSocket side -------------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        connection_id = base64.b64encode(os.urandom(9)).decode()
        answer = await self._call("$connect", self._event("$connect", connection_id, request))
        status = int(answer.get("statusCode", 200))
        if status >= 300:
            return web.Response(status=status, text=answer.get("body") or "", content_type="application/json")
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        self._sockets[connection_id] = ws
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self._call("$default", self._event("$default", connection_id, None, message.data))
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            self._sockets.pop(connection_id, None)
            await self._call("$disconnect", self._event("$disconnect", connection_id, None))
        return ws

    # -- the management API ---------------------------------------------------------------

    @staticmethod
    def _gone(connection_id: str) -> web.Response:
        return web.Response(
            status=410,
            text=json.dumps({"message": f"connection {connection_id} is gone"}),
            content_type="application/json",
            headers={"x-amzn-ErrorType": "GoneException"},
        )

    async def _post(self, request: web.Request) -> web.Response:
        connection_id = request.match_info["connection_id"]
        ws = self._sockets.get(connection_id)
        if ws is None or ws.closed:
            return self._gone(connection_id)
        data = await request.read()
        try:
            await ws.send_str(data.decode())
        except ConnectionError:
            return self._gone(connection_id)
        return web.Response(status=200)

    async def _delete(self, request: web.Request) -> web.Response:
        connection_id = request.match_info["connection_id"]
        ws = self._sockets.get(connection_id)
        if ws is None:
            return self._gone(connection_id)
        await ws.close()
        return web.Response(status=204)

    async def _describe(self, request: web.Request) -> web.Response:
        connection_id = request.match_info["connection_id"]
        if connection_id not in self._sockets:
            return self._gone(connection_id)
        return web.json_response({"ConnectionId": connection_id})
