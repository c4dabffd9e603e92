"""The customer's ticket page behind the QR code: /t/<tracking token>.

The token is the only key (24 random bytes); the page shows that ticket's public fields and
nothing else, and follows it live (people ahead, then "go to counter N").
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from server.audiences import OWN_TICKET, branch_info, pick
from server.i18n import LOCALES
from server.models import Branch, Ticket
from server.queue import queries
from server.queue.errors import NotFound
from server.web_common import render_page
from server.web_common.qr import qr_response

from .messages import MESSAGES
from .remote import MESSAGES as REMOTE_MESSAGES, remote_config

bp = Blueprint("ticket_page", __name__, url_prefix="/t", template_folder="templates", static_folder="static")

MAX_TOKEN = 64


def _lookup(token: str) -> tuple[dict, dict] | None:
    """(public ticket, branch info) for a tracking token, or None."""
    if len(token) > MAX_TOKEN:
        return None
    try:
        with current_app.extensions["counterflow"].db.read() as session:
            view = queries.ticket_by_token(session, token)
            branch = session.get(Branch, session.get(Ticket, view["id"]).branch_id)
            return pick(view, OWN_TICKET), branch_info(branch)
    except NotFound:
        return None


def ticket_url(token: str) -> str:
    base = current_app.extensions["counterflow"].settings.public_base_url or request.url_root
    return f"{base.rstrip('/')}/t/{token}"


@bp.get("/<token>")
def ticket(token: str):
    found = _lookup(token)
    if found is None:
        return render_page("common/not_found.html", surface="ticket", messages=MESSAGES,
                           title_key="not_found_title", status=404)
    view, branch = found
    # The customer rates their own ticket here once served (docs/architecture.md, "Security").
    config = {"branch": branch, "join": {"audience": "ticket", "token": token}, "initial": view,
              "rating": {"path": f"/api/v1/public/tickets/{token}/rating"}, "remote": remote_config(token)}
    response = render_page("ticket_page/index.html", surface="ticket", messages={**MESSAGES, **REMOTE_MESSAGES},
                           locales=LOCALES,
                           config=config)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/<token>/qr.svg")
def qr(token: str):
    """The ticket page's address as a QR code, for the kiosk screen when the printer failed."""
    if _lookup(token) is None:
        return Response("not found", status=404, mimetype="text/plain")
    return qr_response(ticket_url(token))
