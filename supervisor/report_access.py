"""The printable reports are posted a form with the panel's token (a link cannot carry the
Authorization header, and a token in a URL would end up in logs and history): who may read them."""
from __future__ import annotations

import datetime as dt

from flask import request

from server import permissions
from server.auth import Principal, authenticate
from server.models import Branch
from server.queue import queries


def report_reader(session, branch_code: str, now: dt.datetime) -> tuple[Principal, Branch]:
    """The form token's principal and the branch, once it may read that branch's reports; refusals
    raise the API's errors (JSON, 401/403/404)."""
    principal = authenticate(session, (request.form.get("token") or "")[:256], now)
    permissions.require_admitted("may_read_reports", principal)
    branch = queries.branch_by_code(session, branch_code)
    permissions.require("may_read_reports", principal, branch_id=branch.id)
    return principal, branch
