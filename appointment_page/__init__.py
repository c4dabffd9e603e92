"""The public appointment pages (docs/architecture.md, "Appointments"): booking at /b/<branch>/book
(no sign-in, phone-sized, three languages) and the appointment's own page /a/<token>, which its QR
opens: the customer sees their slot and code, cancels, or checks in and follows their ticket.

The token (24 random bytes) is the only key to an appointment; neither page shows a name, phone or
e-mail address once booked.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from server.audiences import branch_info
from server.i18n import LOCALES
from server.models import Branch
from server.queue import appointment_queries
from server.queue.errors import NotFound
from server.web_common import render_page
from server.web_common.qr import qr_response

from .messages import MESSAGES

bp = Blueprint("appointment_page", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/appointment")

MAX_TOKEN = 64


def _hub():
    return current_app.extensions["counterflow"]


def appointment_url(token: str) -> str:
    base = _hub().settings.public_base_url or request.url_root
    return f"{base.rstrip('/')}/a/{token}"


def _not_found() -> Response:
    return render_page("common/not_found.html", surface="appointment", messages=MESSAGES,
                       title_key="not_found_title", status=404)


@bp.get("/b/<code>/book")
def book(code: str):
    with _hub().db.read() as session:
        branch = session.query(Branch).filter_by(code=code[:32]).one_or_none()
        if branch is None:
            return _not_found()
        info = branch_info(branch)
    config = {"branch": info, "api": f"/api/v1/public/branches/{code}/appointments"}
    return render_page("appointment_page/book.html", surface="booking", messages=MESSAGES, locales=LOCALES,
                       config=config, branch=info)


@bp.get("/a/<token>")
def appointment(token: str):
    try:
        with _hub().db.read() as session:
            view, branch = appointment_queries.by_token(session, token[:MAX_TOKEN])
            info = branch_info(branch)
    except NotFound:
        return _not_found()
    config = {"branch": info, "initial": view, "api": f"/api/v1/public/appointments/{token}",
              "qr": f"/a/{token}/qr.svg"}
    response = render_page("appointment_page/appointment.html", surface="appointment", messages=MESSAGES,
                           locales=LOCALES, config=config, branch=info)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/a/<token>/qr.svg")
def qr(token: str):
    """The appointment page's address as a QR code: shown after booking, scanned at the door or kiosk."""
    try:
        with _hub().db.read() as session:
            appointment_queries.by_token(session, token[:MAX_TOKEN])
    except NotFound:
        return Response("not found", status=404, mimetype="text/plain")
    return qr_response(appointment_url(token))
