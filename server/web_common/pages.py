"""Helpers for the surfaces' page routes."""
from __future__ import annotations

from flask import current_app

from ..audiences import branch_info
from ..queue import queries
from ..queue.errors import NotFound


def branch_or_404(code: str) -> dict | None:
    """The branch's public info for a page, or None (the caller renders the not-found page)."""
    if len(code) > 32:
        return None
    try:
        with current_app.extensions["counterflow"].db.read() as session:
            return branch_info(queries.branch_by_code(session, code))
    except NotFound:
        return None
