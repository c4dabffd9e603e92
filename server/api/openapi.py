"""The OpenAPI 3.1 document, built from the same registry that registers the routes."""
from __future__ import annotations

import re

from flask import Response, jsonify

from .core import ROUTES, route

_PARAM = re.compile(r"<(?:(int):)?(\w+)>")
_JSON_TYPES = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object", float: "number"}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                            "detail": {"type": "object"}}}},
}


def openapi_path(rule: str) -> str:
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", "/api/v1" + rule)


def _body_schema(body: dict) -> dict:
    props, required = {}, []
    for name, (types, is_required, description) in body.items():
        types = types if isinstance(types, tuple) else (types,)
        names = [_JSON_TYPES[t] for t in types]
        props[name] = {"type": names[0] if len(names) == 1 else names}
        if description:
            props[name]["description"] = description
        if is_required:
            required.append(name)
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def build_document() -> dict:
    paths: dict[str, dict] = {}
    for doc in ROUTES:
        path = openapi_path(doc.rule)
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "integer" if kind else "string"}}
            for kind, name in _PARAM.findall(doc.rule)
        ]
        for method in doc.methods:
            op = {
                "summary": doc.summary,
                "operationId": f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}",
                "tags": doc.tags,
                "parameters": params,
                "responses": {
                    str(doc.success): {"description": "success", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "4XX": {"description": "error", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                },
            }
            if doc.body is not None:
                op["requestBody"] = {"required": any(r for _, r, _ in doc.body.values()),
                                     "content": {"application/json": {"schema": _body_schema(doc.body)}}}
            if doc.auth:
                op["security"] = [{"bearer": []}]
            else:
                op["security"] = []
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "CounterFlow hub API", "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


@route("/openapi.json", summary="This document", auth=False, tag="meta")
def openapi_document():
    return jsonify(build_document())


DOCS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CounterFlow API</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}
code{background:#eef;padding:0 .3em}li{margin:.3em 0}.m{display:inline-block;width:4.5em;font-weight:bold}</style>
</head><body><h1>CounterFlow API v1</h1><p>Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a>.
Send <code>Authorization: Bearer &lt;token&gt;</code>; get a token from <code>POST /api/v1/auth/token</code>.</p>
<ul>{items}</ul></body></html>"""


@route("/docs", summary="A readable list of the API's routes", auth=False, tag="meta")
def docs_page():
    from html import escape

    items = "".join(
        f"<li><span class=m>{m}</span><code>{escape(openapi_path(d.rule))}</code> — {escape(d.summary)}</li>"
        for d in ROUTES for m in d.methods
    )
    return Response(DOCS_PAGE.replace("{items}", items), mimetype="text/html")
