"""A thin layer between Chalice and the use cases.

``Api.route`` registers a Chalice view that authenticates the caller, parses
and validates the JSON body against a pydantic model, runs the handler and
turns every refusal into ``{"error": {"code", "message", "field"}}`` with the
right status. The same registry feeds /openapi.json, so the spec cannot drift
from the routes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chalice.app import Blueprint, Response
from pydantic import BaseModel, ValidationError

from chalicelib.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
    Unauthorized,
)
from chalicelib.observability import count, logger
from chalicelib.resources import API_RESPONSE_HEADERS
from chalicelib.services.ports import InvalidCursor, Principal, Throttled

from .params import MAX_PAGE

MAX_BODY_BYTES = 64 * 1024

_STATUS: list[tuple[type[DomainError], int]] = [
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (RuleViolation, 422),
    (InvalidInput, 400),
    (DomainError, 400),
]


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    return Response(
        body=json.dumps({"error": {"code": code, "message": message, "field": field}}),
        status_code=status,
        headers={"Content-Type": "application/json", **API_RESPONSE_HEADERS},
    )


def _domain_error(exc: DomainError) -> Response:
    status = next(s for cls, s in _STATUS if isinstance(exc, cls))
    headers_extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    resp = error_response(status, exc.code, exc.message, exc.field)
    resp.headers.update(headers_extra)
    return resp


def _validation_error(exc: ValidationError) -> Response:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or None
    kind = first["type"]
    if kind == "missing":
        return error_response(400, "missing_field", f"{loc} is required", loc)
    if kind == "extra_forbidden":
        return error_response(400, "unknown_field", f"{loc} is not a field of this request", loc)
    if kind == "string_pattern_mismatch" and str(first.get("ctx", {}).get("pattern", "")).startswith("^\\s*[0-9]"):
        return error_response(400, f"invalid_{loc}", f'{loc} must be a positive decimal string such as "100.00"', loc)
    if kind == "string_type" and isinstance(first.get("input"), (int, Decimal)):
        return error_response(
            400, "invalid_type", f'{loc} must be a string; amounts travel as decimal strings such as "100.00"', loc
        )
    if kind == "string_type":
        return error_response(400, "invalid_type", f"{loc} must be a string", loc)
    return error_response(400, "invalid_field", f"{loc}: {first['msg']}", loc)


@dataclass(frozen=True)
class Reply:
    body: BaseModel | dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    """What a handler gets: who is calling, the validated body, query and headers."""

    principal: Principal | None
    body: Any
    query: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes = b""

    @property
    def who(self) -> Principal:
        assert self.principal is not None, "route registered without auth"
        return self.principal

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    summary: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    auth: bool
    tag: str
    query: tuple[str, ...]
    idempotent: bool
    limit_max: int  # the largest page ``limit`` the route accepts
    also: tuple[tuple[int, str], ...]  # other successful statuses, same body, and what each means
    accepted: type[BaseModel] | None = None  # 202's body: held for finance's approval, nothing moved


class Api:
    def __init__(self, app: Blueprint, authenticate: Callable[[str], Principal]) -> None:
        self.app = app
        self.routes: list[RouteSpec] = []
        self._authenticate = authenticate

    def route(
        self,
        path: str,
        method: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        auth: bool = True,
        tag: str = "pools",
        query: tuple[str, ...] = (),
        idempotent: bool = False,
        limit_max: int = MAX_PAGE,
        also: tuple[tuple[int, str], ...] = (),
        accepted: type[BaseModel] | None = None,
    ) -> Callable[[Callable[..., Reply | BaseModel]], Callable[..., Response]]:
        spec = RouteSpec(path, method, summary, body, response, status, auth, tag, query, idempotent, limit_max, also, accepted)
        self.routes.append(spec)

        def register(handler: Callable[..., Reply | BaseModel]) -> Callable[..., Response]:
            @functools.wraps(handler)
            def view(**params: str) -> Response:
                return self._dispatch(spec, handler, params)

            self.app.route(path, methods=[method])(view)
            return view

        return register

    def _dispatch(self, spec: RouteSpec, handler: Callable[..., Reply | BaseModel], params: dict[str, str]) -> Response:
        response = self._respond(spec, handler, params)
        # One line per request: the route template (never the query string or a
        # header), the status and, for a refusal, its machine-readable code.
        fields: dict[str, Any] = {"route": f"{spec.method} {spec.path}", "status": response.status_code}
        if response.status_code >= 400:
            fields["error"] = json.loads(response.body)["error"]["code"]
        logger.info("request handled", extra=fields)
        return response

    def _respond(self, spec: RouteSpec, handler: Callable[..., Reply | BaseModel], params: dict[str, str]) -> Response:
        request = self.app.current_request
        assert request is not None, "Chalice sets the request before calling a view"
        headers = {k.lower(): v for k, v in (request.headers or {}).items()}
        try:
            unknown = sorted(set(request.query_params or {}) - set(spec.query))
            if unknown:
                # A misspelt filter must not silently widen what is listed.
                raise InvalidInput(f"unknown query parameter {unknown[0]!r}", field=unknown[0], code="unknown_parameter")
            principal = self._principal(headers) if spec.auth else None
            body = self._body(spec, request.raw_body) if spec.body else None
            raw = request.raw_body
            call = Call(
                principal, body, dict(request.query_params or {}), headers, raw.encode() if isinstance(raw, str) else (raw or b"")
            )
            result = handler(call, **params)
        except DomainError as exc:
            return _domain_error(exc)
        except ValidationError as exc:
            return _validation_error(exc)
        except InvalidCursor as exc:
            return error_response(400, "invalid_cursor", str(exc), "cursor")
        except Throttled:
            # Over capacity even after the SDK's retries: nothing was written
            # (a transaction is all or nothing), so say when to come back.
            logger.warning("throttled", extra={"path": spec.path, "method": spec.method})
            count("Throttled")
            busy = error_response(
                503, "busy", "Pooldesk is busy; nothing was changed. Retry in a moment with the same Idempotency-Key."
            )
            busy.headers["Retry-After"] = "1"
            return busy
        except Exception:
            logger.exception("unhandled error", extra={"path": spec.path, "method": spec.method})
            count("UnhandledErrors")
            return error_response(
                500,
                "internal_error",
                "an unexpected error occurred on our side and was logged; retrying with the same Idempotency-Key is safe",
            )
        reply = result if isinstance(result, Reply) else Reply(result, spec.status)
        payload = reply.body.model_dump(mode="json") if isinstance(reply.body, BaseModel) else reply.body
        return Response(
            body=json.dumps(payload),
            status_code=reply.status,
            headers={"Content-Type": "application/json", "Cache-Control": "no-store", **API_RESPONSE_HEADERS, **reply.headers},
        )

    def _principal(self, headers: dict[str, str]) -> Principal:
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if not auth:
            raise Unauthorized("sign in first: send Authorization: Bearer <access token>", code="missing_token")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized('Authorization must be "Bearer <access token>"', code="invalid_token")
        return self._authenticate(token.strip())

    @staticmethod
    def _body(spec: RouteSpec, raw: str | bytes | None) -> BaseModel:
        assert spec.body is not None
        if isinstance(raw, str):
            raw = raw.encode()
        if raw and len(raw) > MAX_BODY_BYTES:
            raise InvalidInput(f"request body is larger than {MAX_BODY_BYTES} bytes", code="body_too_large")
        if not raw or not raw.strip():
            # An empty PUT must not quietly mean "every field at its default".
            raise InvalidInput("a JSON request body is required", code="missing_body")
        try:
            data = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError):
            raise InvalidInput("request body is not valid JSON", code="invalid_json") from None
        if not isinstance(data, dict):
            raise InvalidInput("request body must be a JSON object", code="invalid_json")
        return spec.body.model_validate(data)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice is refused: whichever value a proxy checked, we must not use the other."""
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _reject_constant(text: str) -> str:
    raise ValueError(f"{text} is not allowed")
