"""The Chalice app, with the REST API loaded when something first reads its routes.

Every Lambda function's handler is a name in app.py, so every cold start imports
it; the stream, queue and WebSocket functions never serve a REST route. Chalice
reads its route table only through ``app.routes``: the API function's first
request, the local server, the test client, ``chalice package`` and CDK synth.
Registering the blueprints on that first read keeps the API's modules (every
route, body and answer, and the services they name) out of every other
function's cold start. bench/cold_start.py measures it.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice


class LazyApiChalice(Chalice):
    """A Chalice app whose REST routes are the blueprints of chalicelib/api/routes, registered on first read."""

    _api_loaded = False

    @property  # Chalice declares a plain attribute; reading it loads the API
    def routes(self) -> Any:
        if not self._api_loaded:
            self._api_loaded = True  # first: registering a blueprint reads the table itself
            from chalicelib.api.routes import BLUEPRINTS

            for blueprint in BLUEPRINTS:
                self.register_blueprint(blueprint)
        return self._route_table

    @routes.setter
    def routes(self, table: Any) -> None:
        # Chalice's __init__ sets the empty table.
        self._route_table = table
