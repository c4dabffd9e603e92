"""What every HTTP answer carries, whichever blueprint made it (docs/architecture.md, "Security").

The pages set their own Content-Security-Policy (web_common.security_headers, the printable report);
everything else (the API, its docs page, files) gets a policy that loads nothing and cannot be framed.
"""
from __future__ import annotations

from flask import Response
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns: 32-bit on PostgreSQL. A larger path id is a 404, not a database error.
MAX_ID = 2**31 - 1
NOTHING_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class IdConverter(IntegerConverter):
    """`<int:...>` limited to what an id column holds."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def baseline_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")  # tokens in page URLs stay out of Referer
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if "Content-Security-Policy" not in headers:
        # The API's docs page has an inline style and nothing else; anything else gets no policy to load.
        headers["Content-Security-Policy"] = DOCS_CSP if response.mimetype == "text/html" else NOTHING_CSP
    headers.pop("Server", None)  # no version for a scanner to match
    return response
