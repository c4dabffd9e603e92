"""API plumbing: the blueprint, a route registry for the OpenAPI document, JSON bodies, errors, auth."""
from __future__ import annotations

import functools
import json
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import permissions
from ..auth import Principal, Unauthorized, authenticate_with_expiry
from ..outage import RETRY_AFTER_S, is_database_unavailable
from ..models import Alert, Counter, Device, DeviceFault, Ticket
from ..queue.clock import utc_now
from ..queue.errors import DomainError, NotFound
from ..queue.repository import branch_id_by_code

log = logging.getLogger(__name__)

api = Blueprint("api", __name__, url_prefix="/api/v1")

STATUS_BY_KIND = {"not_found": 404, "conflict": 409, "invalid": 400, "forbidden": 403, "unauthorized": 401,
                  "too_many": 429}


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
        codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 400: "bad_request",
                 415: "unsupported_media_type"}
        response = error_response(err.code or 500, codes.get(err.code, "http_error"), err.description or err.name)
        for name, value in err.get_headers():
            if name == "Allow":  # a 405 says which methods the resource has (RFC 9110)
                response.headers["Allow"] = value
        return response

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
    capability: str
    body: dict | None
    tags: list[str] = field(default_factory=list)
    success: int = 200
    produces: tuple[str, ...] = ("application/json",)
    query: dict | None = None  # name -> (type, description, constraints) for the OpenAPI document
    prefix: str = "/api/v1"  # pages outside the API (the printable report) are documented too
    form: dict | None = None  # an application/x-www-form-urlencoded body (pages only)
    scope_in_engine: bool = False  # the branch/counter check runs in the engine's transaction (route())

    @property
    def auth(self) -> bool:
        return self.capability != "public"


ROUTES: list[RouteDoc] = []


def route(rule: str, methods: list[str] | None = None, *, summary: str, capability: str,
          body: dict | None = None, tag: str = "", success: int = 200,
          produces: tuple[str, ...] = ("application/json",), query: dict | None = None,
          scope_in_engine: bool = False):
    """Register a Flask route and describe it for /api/v1/openapi.json in one place.

    `capability` (server/permissions.py) is checked before the handler runs: first the caller's kind,
    then the branch or counter named by the path (docs/architecture.md, "Security"). With
    `scope_in_engine` the handler passes the engine a guard that makes the same branch/counter check
    inside its transaction against the row it locks, so the separate read before it is skipped (the
    hot path: issue and the counter actions)."""
    methods = methods or ["GET"]
    permissions.capability(capability)  # a typo fails at import, not at the first request

    def decorator(fn):
        ROUTES.append(RouteDoc(rule, methods, summary, capability, body, tags=[tag] if tag else [],
                               success=success, produces=produces, query=query, scope_in_engine=scope_in_engine))

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if capability != "public":
                g.principal = current_principal()
                permissions.require_admitted(capability, g.principal)
                if not scope_in_engine:
                    check_scope(capability, g.principal, kwargs)
            return fn(*args, **kwargs)

        api.add_url_rule(rule, endpoint=fn.__name__, view_func=wrapper, methods=methods)
        return wrapper

    return decorator


def document(doc: RouteDoc) -> None:
    """Describe a page route outside /api/v1 in the OpenAPI document (its blueprint serves it)."""
    ROUTES.append(doc)


# Records a path names by id: they belong to one branch.
BY_ID = (("ticket_id", Ticket, "ticket_not_found"), ("alert_id", Alert, "alert_not_found"),
         ("fault_id", DeviceFault, "fault_not_found"), ("device_id", Device, "device_not_found"))


def check_scope(capability: str, p: Principal, path: dict) -> None:
    """The branch or counter a path names, checked against the capability before the handler runs."""
    with hub().db.read() as session:
        if "counter_id" in path:
            counter = session.get(Counter, path["counter_id"])
            if counter is None:
                raise NotFound("counter_not_found", f"no counter with id {path['counter_id']}")
            bound = permissions.bound_counter_ids(session, p)
            if capability in ("may_operate_counter", "may_rate"):
                action = "open" if request.path.endswith("/open") else ""
                permissions.require(capability, p, counter=counter, bound_counters=bound, action=action)
            else:
                permissions.require(capability, p, branch_id=counter.branch_id)
            return
        for key, model, code in BY_ID:
            if key in path:
                row = session.get(model, path[key])
                # Another branch's record answers as missing: its ids are not confirmed to outsiders.
                if row is None or not p.in_branch(row.branch_id):
                    raise NotFound(code, f"no {key.removesuffix('_id')} with id {path[key]}")
                permissions.require(capability, p, branch_id=row.branch_id)
                return
        if "code" in path:
            permissions.require(capability, p, branch_id=branch_id_by_code(session, path["code"]))


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


# A body field spec: name -> (type or tuple of types, required, description[, constraints]).
# Constraints use the JSON Schema words (minLength, maxLength, minimum, maximum, enum) so the OpenAPI
# document shows exactly what json_body enforces.
FieldSpec = tuple
INT64 = (-(2**63), 2**63 - 1)  # any JSON integer, even in a free-form object
INT32 = (-(2**31), 2**31 - 1)  # an integer field: the INTEGER columns are 32-bit on PostgreSQL
DEFAULT_MAX_TEXT = 500  # the longest text column; a field with a shorter column says so


def strict_json(raw: bytes) -> Any:
    """Parse JSON refusing duplicate keys and NaN/Infinity, which other parsers read differently."""
    def pairs(items):
        seen: dict = {}
        for key, value in items:
            if key in seen:
                raise ApiError(400, "duplicate_key", f"the key {key!r} appears twice in one object")
            seen[key] = value
        return seen

    def constant(name):
        raise ApiError(400, "malformed_json", f"{name} is not JSON")

    try:
        text = raw.decode("utf-8")
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None


def bad_text(value: str) -> bool:
    """A lone surrogate cannot be stored or encoded; NUL is refused by PostgreSQL."""
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def check_text(value: Any, where: str) -> None:
    if isinstance(value, str):
        if bad_text(value):
            raise ApiError(400, "invalid_text", f"{where} holds a NUL or an unpaired surrogate character")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_text(k, where)
            check_text(v, where)
    elif isinstance(value, list):
        for v in value:
            check_text(v, where)
    elif isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        raise ApiError(400, "invalid_value", f"{where} holds an integer beyond 64 bits")
    elif isinstance(value, float) and not math.isfinite(value):  # 1e400 parses as infinity
        raise ApiError(400, "invalid_value", f"{where} holds a number too large to represent")


def constraints_of(spec: FieldSpec) -> dict:
    types = spec[0] if isinstance(spec[0], tuple) else (spec[0],)
    found = dict(spec[3]) if len(spec) > 3 else {}
    if str in types:
        found.setdefault("maxLength", DEFAULT_MAX_TEXT)
    if int in types and float not in types:
        found.setdefault("minimum", INT32[0])
        found.setdefault("maximum", INT32[1])
    return found


def _check_constraints(name: str, value: Any, rules: dict) -> None:
    def bad(message: str):
        raise ApiError(400, "invalid_value", f"field {name!r} {message}", {"field": name})

    if isinstance(value, str):
        if len(value) < rules.get("minLength", 0):
            bad(f"needs at least {rules['minLength']} character(s)")
        if len(value) > rules.get("maxLength", len(value)):
            bad(f"has at most {rules['maxLength']} characters")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in rules and value < rules["minimum"] or "maximum" in rules and value > rules["maximum"]:
            bad(f"must be between {rules.get('minimum')} and {rules.get('maximum')}")
    if "enum" in rules and value not in rules["enum"]:
        # invalid_<field>, as the domain names these (invalid_priority, invalid_policy, invalid_role)
        raise ApiError(400, f"invalid_{name}", f"field {name!r} must be one of {', '.join(map(str, rules['enum']))}",
                       {"field": name})
    if isinstance(value, list) and len(value) > rules.get("maxItems", len(value)):
        bad(f"has at most {rules['maxItems']} items")


def json_body(spec: dict[str, FieldSpec] | None = None, *, allow_empty: bool = False) -> dict:
    """Parse the JSON object body and check each field's type and constraints; unknown fields are refused."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        data: Any = {}
        if not allow_empty and spec and any(s[1] for s in spec.values()):
            raise ApiError(400, "body_required", "send a JSON object body")
    else:
        mimetype = request.mimetype or ""
        if mimetype != "application/json" and not mimetype.endswith("+json"):
            raise ApiError(415, "unsupported_media_type", "send the body as Content-Type: application/json")
        data = strict_json(raw)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", "the request body must be a JSON object")
    check_text(data, "the body")
    if spec is None:
        return data
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise ApiError(400, "unknown_field", f"unknown field(s): {', '.join(unknown)}", {"fields": unknown})
    for name, field_spec in spec.items():
        types, required = field_spec[0], field_spec[1]
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
        _check_constraints(name, value, constraints_of(field_spec))
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


@api.before_app_request
def _refuse_bad_text_in_url():
    """A NUL or a lone surrogate in a path segment or query value would reach SQL (PostgreSQL refuses
    NUL with an error, not a miss): a clear 400 before any handler."""
    for value in [*(request.view_args or {}).values(), *request.args.values()]:
        if isinstance(value, str) and bad_text(value):
            raise ApiError(400, "invalid_text", "the URL holds a NUL or an unpaired surrogate character")
