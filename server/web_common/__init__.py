"""What every browser page shares: the base template, the JS client (counterflow.js), the vendored
Socket.IO client, and `render_page`, which hands a page its config and translated strings as JSON.

docs/ui.md explains how a new surface (counter terminal, supervisor panel) plugs in.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import Blueprint, Response, current_app, make_response, render_template, request, url_for

from ..i18n import HTML_LANG, INTL_LANG, LOCALES, SPEECH_LANG, catalogs, current_locale
from ..queue.names import local_name
from .messages import LANGUAGE_NAMES, MESSAGES as COMMON_MESSAGES

STATIC_DIR = Path(__file__).resolve().parent / "static"

bp = Blueprint("web_common", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/common")


@functools.lru_cache(maxsize=256)
def _file_version(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def asset(endpoint: str, filename: str) -> str:
    """URL of a static file with a content hash, so a browser never runs yesterday's script."""
    blueprint = endpoint.split(".", 1)[0]
    folder = current_app.blueprints[blueprint].static_folder
    path = Path(folder) / filename
    version = _file_version(str(path), path.stat().st_mtime) if path.exists() else "0"
    return url_for(endpoint, filename=filename, v=version)


def security_headers(response: Response) -> Response:
    """Pages load only our own scripts and talk only to their own hub."""
    host = request.host
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self' ws://{host} wss://{host}; media-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # tracking and device tokens stay out of Referer
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def render_page(template: str, *, surface: str, messages: Mapping[str, object], title_key: str = "title",
                locales: Iterable[str] | None = None, config: dict | None = None, status: int = 200,
                **context) -> Response:
    """Render a surface's page with `page` (the JSON config the JS reads) and `t(key)` for the template.

    `locales` are the languages the page can switch to without a reload (default: just the current one).
    """
    locale = current_locale()
    wanted = list(dict.fromkeys([locale, *(locales or [])]))
    all_messages = {**COMMON_MESSAGES, **messages}
    page = {
        "surface": surface,
        "locale": locale,
        "locales": wanted,
        "catalogs": catalogs(all_messages, wanted),
        "languages": {loc: {"name": LANGUAGE_NAMES[loc], "html": HTML_LANG[loc], "speech": SPEECH_LANG[loc],
                            "intl": INTL_LANG[loc]} for loc in LOCALES},
        "socket_path": "/socket.io",
        **(config or {}),
    }
    strings = page["catalogs"][locale]

    def t(key: str, **params) -> str:
        text = strings[key]
        return text % params if params else text

    html = render_template(template, page=page, t=t, surface=surface, title_key=title_key, asset=asset,
                           local_name=local_name, **context)
    return security_headers(make_response(html, status))


def unavailable_page(retry_after: int) -> Response:
    """The page a browser gets while the database is away (503): it reloads itself after `retry_after`."""
    response = render_page("common/unavailable.html", surface="unavailable", messages={},
                           title_key="connection_lost", status=503, retry_after=retry_after)
    response.headers["Retry-After"] = str(retry_after)
    return response


__all__ = ["bp", "render_page", "asset", "security_headers", "unavailable_page", "LOCALES"]
