"""API plumbing: the blueprint, a route registry for the OpenAPI document, JSON bodies, errors, auth."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from ..auth import Principal, Unauthorized, authenticate_with_expiry
from ..outage import RETRY_AFTER_S, is_database_unavailable
from ..queue.clock import utc_now
from ..queue.errors import DomainError

log = logging.getLogger(__name__)

api = Blueprint("api", __name__, url_prefix="/api/v1")

STATUS_BY_KIND = {"not_found": 404, "conflict": 409, "invalid": 400, "forbidden": 403, "unauthorized": 401}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, detail: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail or {}


def error_response(status: int, code: str, message: str, detail: dict | None = None):
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if detail:
        body["error"]["detail"] = detail
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="counterflow"'
    return response


def register_error_handlers(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return error_response(err.status, err.code, err.message, err.detail)

    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        return error_response(STATUS_BY_KIND.get(err.kind, 409), err.code, err.message, err.detail)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if not request.path.startswith("/api/"):
            return err
        codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 400: "bad_request"}
        return error_response(err.code or 500, codes.get(err.code, "http_error"), err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if is_database_unavailable(err):  # an outage, not a bug: once in the log, 503 to the client
            hub().outage.refused(err, request.path)
            if not request.path.startswith("/api/") and request.accept_mimetypes.accept_html:
                from ..web_common import unavailable_page  # a page, not JSON, for a browser loading a page

                return unavailable_page(RETRY_AFTER_S)
            response = error_response(503, "database_unavailable",
                                      "the database cannot be reached; try again in a few seconds")
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
            return response
        log.exception("unhandled error", extra={"path": request.path})
        return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")


# ---------------------------------------------------------------------------- route registry
@dataclass
class RouteDoc:
    rule: str
    methods: list[str]
    summary: str
    auth: bool
    body: dict | None
    roles: tuple[str, ...] = ()
    tags: list[str] = field(default_factory=list)
    success: int = 200


ROUTES: list[RouteDoc] = []


def route(rule: str, methods: list[str] | None = None, *, summary: str, auth: bool = True,
          body: dict | None = None, tag: str = "", success: int = 200):
    """Register a Flask route and describe it for /api/v1/openapi.json in one place."""
    methods = methods or ["GET"]

    def decorator(fn):
        ROUTES.append(RouteDoc(rule, methods, summary, auth, body, tags=[tag] if tag else [], success=success))

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if auth:
                g.principal = current_principal()
            return fn(*args, **kwargs)

        api.add_url_rule(rule, endpoint=fn.__name__, view_func=wrapper, methods=methods)
        return wrapper

    return decorator


# ---------------------------------------------------------------------------- request helpers
def hub():
    return current_app.extensions["counterflow"]


def current_principal() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("auth_required", "send 'Authorization: Bearer <token>'; get one from POST /api/v1/auth/token")
    token, now, cache = token.strip(), utc_now(), hub().principals
    cached = cache.get(token, now)
    if cached is not None:
        return cached
    with hub().db.read() as session:
        found, expires_at = authenticate_with_expiry(session, token, now)
    cache.put(token, found, expires_at)
    return found


def principal() -> Principal:
    return g.principal


# A body field spec: name -> (type or tuple of types, required, description)
FieldSpec = tuple[type | tuple[type, ...], bool, str]


def json_body(spec: dict[str, FieldSpec] | None = None, *, allow_empty: bool = False) -> dict:
    """Parse the JSON object body and check each field's type; unknown fields are refused."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        data: Any = {}
        if not allow_empty and spec and any(required for _, required, _ in spec.values()):
            raise ApiError(400, "body_required", "send a JSON object body")
    else:
        try:
            data = request.get_json(force=True, silent=False)
        except Exception:
            raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", "the request body must be a JSON object")
    if spec is None:
        return data
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise ApiError(400, "unknown_field", f"unknown field(s): {', '.join(unknown)}", {"fields": unknown})
    for name, (types, required, _) in spec.items():
        if name not in data or data[name] is None:
            if required:
                raise ApiError(400, "missing_field", f"field {name!r} is required", {"field": name})
            continue
        value = data[name]
        expected = types if isinstance(types, tuple) else (types,)
        # bool is an int in Python; a JSON true is not a number here.
        if isinstance(value, bool) and bool not in expected:
            raise ApiError(400, "invalid_type", f"field {name!r} must be {_type_names(expected)}", {"field": name})
        if not isinstance(value, expected):
            raise ApiError(400, "invalid_type", f"field {name!r} must be {_type_names(expected)}", {"field": name})
    return data


def _type_names(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object",
             float: "a number"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def query_number(name: str, default: float, lo: float, hi: float, kind: type = int):
    """A numeric query parameter (int or float), checked against [lo, hi]; a clear 400 otherwise."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        noun = "an integer" if kind is int else "a number"
        raise ApiError(400, "invalid_query", f"query parameter {name!r} must be {noun}") from None
    if not lo <= value <= hi:
        raise ApiError(400, "invalid_query", f"query parameter {name!r} must be between {lo:g} and {hi:g}")
    return value


def query_int(name: str, default: int, lo: int, hi: int) -> int:
    return query_number(name, default, lo, hi, int)
