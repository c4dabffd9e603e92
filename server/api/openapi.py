"""The OpenAPI 3.1 document, built from the same registry that registers the routes."""
from __future__ import annotations

import re

from flask import Response, jsonify

from ..permissions import capability
from ..http_headers import MAX_ID
from .core import ROUTES, RouteDoc, constraints_of, route

_PARAM = re.compile(r"<(?:(int):)?(\w+)>")
_JSON_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object", float: "number"}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                            "detail": {"type": "object"}}}},
}


def openapi_path(rule: str, prefix: str = "/api/v1") -> str:
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", prefix + rule)


def _field_schema(spec) -> dict:
    types = spec[0] if isinstance(spec[0], tuple) else (spec[0],)
    names = [_JSON_TYPES[t] for t in types]
    schema: dict = {"type": names[0] if len(names) == 1 else names}
    rules = constraints_of(spec)
    # A constraint applies to the JSON types it names; OpenAPI 3.1 ignores the others, as json_body does.
    schema.update(rules)
    if spec[2]:
        schema["description"] = spec[2]
    if list in types:
        schema["items"] = {"type": "string", "maxLength": 32}
    return schema


def _body_schema(body: dict) -> dict:
    props = {name: _field_schema(spec) for name, spec in body.items()}
    required = [name for name, spec in body.items() if spec[1]]
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _parameters(doc: RouteDoc) -> list[dict]:
    params = []
    for kind, name in _PARAM.findall(doc.rule):
        # Path ids are what the int converter accepts (server/http_headers.py IdConverter).
        schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID} if kind else {
            "type": "string", "minLength": 1, "maxLength": 64}
        if name == "day":
            schema = {"type": "string", "format": "date"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    for name, (types, description, rules) in (doc.query or {}).items():
        params.append({"name": name, "in": "query", "required": False, "description": description,
                       "schema": {"type": _JSON_TYPES[types], **rules}})
    return params


def _responses(doc: RouteDoc) -> dict:
    content = {mime: {"schema": {"type": "object"} if mime == "application/json" else {"type": "string"}}
               for mime in doc.produces}
    responses = {str(doc.success): {"description": "success", "content": content},
                 "4XX": {"description": "error", "content": {"application/json": {"schema": ERROR_SCHEMA}}}}
    if doc.rule == "/auth/token":
        responses["429"] = {"description": "too many failed sign-ins: wait Retry-After seconds",
                            "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    return responses


def build_document() -> dict:
    paths: dict[str, dict] = {}
    for doc in ROUTES:
        path = openapi_path(doc.rule, doc.prefix)
        for method in doc.methods:
            cap = capability(doc.capability)
            op = {
                "summary": doc.summary,
                "operationId": f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}",
                "tags": doc.tags,
                "parameters": _parameters(doc),
                "responses": _responses(doc),
                # Who may call it: server/permissions.py; docs/architecture.md, "Security".
                "x-capability": doc.capability,
                "x-allowed": {"roles": sorted(set(cap.roles) | ({"admin"} if cap.roles else set())),
                              "device_tokens": list(cap.devices), "anyone": cap.anyone},
                "security": [{"bearer": []}] if doc.auth and not doc.form else [],
            }
            if doc.body is not None:
                op["requestBody"] = {"required": any(spec[1] for spec in doc.body.values()),
                                     "content": {"application/json": {"schema": _body_schema(doc.body)}}}
            if doc.form is not None:
                op["requestBody"] = {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": _body_schema(doc.form)}}}
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "CounterFlow hub API", "version": "1",
                 "description": "Each operation names its capability (x-capability) and who holds it (x-allowed)."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


@route("/openapi.json", summary="This document", capability="public", tag="meta")
def openapi_document():
    return jsonify(build_document())


DOCS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CounterFlow API</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}
code{background:#eef;padding:0 .3em}li{margin:.3em 0}.m{display:inline-block;width:4.5em;font-weight:bold}</style>
</head><body><h1>CounterFlow API v1</h1><p>Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a>.
Send <code>Authorization: Bearer &lt;token&gt;</code>; get a token from <code>POST /api/v1/auth/token</code>.</p>
<ul>{items}</ul></body></html>"""


@route("/docs", summary="A readable list of the API's routes (HTML)", capability="public", tag="meta",
       produces=("text/html",))
def docs_page():
    from html import escape

    items = "".join(
        f"<li><span class=m>{m}</span><code>{escape(openapi_path(d.rule, d.prefix))}</code> — {escape(d.summary)} "
        f"<small>({escape(d.capability)})</small></li>"
        for d in ROUTES for m in d.methods
    )
    return Response(DOCS_PAGE.replace("{items}", items), mimetype="text/html")
