"""/openapi.json, generated from the route registry and the pydantic schemas."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .http import RouteSpec
from .pushes import PUSH_MESSAGES
from .service_schemas import ErrorResponse

_ERRORS = {
    "400": "Malformed request: the field named is wrong",
    "401": "No valid access token (or, signing in: wrong credentials; a webhook: no valid signature)",
    "403": "Your role may not do this (finance is read-only)",
    "404": "Not found, or not yours",
    "409": "Conflicts with the pool's current state",
    "422": "Refused by the accounting rules, or an Idempotency-Key reused with another body",
    "503": "Busy: nothing was changed; retry after Retry-After seconds with the same Idempotency-Key",
}


def _query_schema(name: str, route: RouteSpec) -> dict[str, Any]:
    if name == "limit":
        return {"type": "integer", "minimum": 1, "maximum": route.limit_max, "description": f"page size, 1-{route.limit_max}"}
    if name == "cursor":
        return {"type": "string", "description": "next_cursor from the previous page, as given"}
    return {"type": "string"}


def build(routes: list[RouteSpec], *, title: str = "Pooldesk API", version: str = "1") -> dict[str, Any]:
    """The document; its components also describe what the WebSocket pushes, so a
    client's types for pushes come from the same place as its types for answers."""
    models: set[type[BaseModel]] = {ErrorResponse, *PUSH_MESSAGES}
    for r in routes:
        models |= {m for m in (r.body, r.response, r.accepted) if m is not None}
    ordered = sorted(models, key=lambda m: m.__name__)
    keyed, defs = models_json_schema(
        [(m, "validation" if m in {r.body for r in routes} else "serialization") for m in ordered],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))

    def ref(model: type[BaseModel], mode: Literal["validation", "serialization"]) -> dict[str, Any]:
        return keyed[(model, mode)]

    paths: dict[str, Any] = {}
    for r in routes:
        op: dict[str, Any] = {
            "summary": r.summary,
            "tags": [r.tag],
            "operationId": re.sub(r"[^a-zA-Z0-9]+", "_", f"{r.method}_{r.path}").strip("_").lower(),
            "responses": {
                str(r.status): {
                    "description": "OK",
                    "content": {"application/json": {"schema": ref(r.response, "serialization")}} if r.response else {},
                }
            },
        }
        params: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", r.path)
        ]
        params += [{"name": q, "in": "query", "required": False, "schema": _query_schema(q, r)} for q in r.query]
        if r.idempotent:
            params.append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "Repeat the request with the same key and body to get the first result; nothing moves twice.",
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
                }
            )
        if r.accepted is not None:
            op["responses"]["202"] = {
                "description": "Held for finance's approval (four eyes): nothing moved yet",
                "content": {"application/json": {"schema": ref(r.accepted, "serialization")}},
            }
        for code, meaning in r.also:
            op["responses"][str(code)] = {"description": meaning, "content": op["responses"][str(r.status)]["content"]}
        if r.idempotent:
            op["responses"]["200"] = {
                "description": "A replay: this Idempotency-Key was seen with the same body; the first result, nothing moved",
                "headers": {"Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true"]}}},
                "content": op["responses"][str(r.status)]["content"],
            }
        if params:
            op["parameters"] = params
        if r.body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(r.body, "validation")}}}
        if r.auth:
            op["security"] = [{"bearer": []}]
        for status, text in _ERRORS.items():
            op["responses"][status] = {
                "description": text,
                "content": {"application/json": {"schema": ref(ErrorResponse, "serialization")}},
            }
        paths.setdefault(r.path, {})[r.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Run investment pools: unit/NAV accounting, money movements, distributions. "
            "Amounts are decimal strings.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "Cognito access token"}},
        },
    }
