"""Kiosk (取號機): the customer's touch screen for taking a ticket, plus a guide's priority mode.

The page authenticates to the API with a kiosk device token, given once as ?token= and then kept in
the browser's localStorage.
"""
from __future__ import annotations

from flask import Blueprint

from server.i18n import LOCALES
from server.web_common import render_page
from server.web_common.pages import branch_or_404

from .check_in import CHECK_IN_MESSAGES
from .messages import MESSAGES

# The one check-in: an appointment's code or a phone ticket's number (check_in.py).
MESSAGES = {**MESSAGES, **CHECK_IN_MESSAGES}

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates", static_folder="static")

RESULT_SECONDS = 10  # the ticket stays on screen this long, then the next customer's start screen
QR_RESULT_SECONDS = 30  # longer when the customer must scan the on-screen QR code
GUIDE_IDLE_SECONDS = 120  # a guide left signed in is signed out after this much inactivity


@bp.get("/<branch_code>")
def kiosk(branch_code: str):
    branch = branch_or_404(branch_code)
    if branch is None:
        return render_page("common/not_found.html", surface="kiosk", messages=MESSAGES, title_key="not_found_title",
                           status=404)
    config = {
        "branch": branch,
        "join": {"audience": "kiosk", "branch": branch["code"]},
        "token_key": f"counterflow.kiosk.{branch['code']}.token",
        "api": {"issue": f"/api/v1/branches/{branch['code']}/tickets", "sign_in": "/api/v1/auth/token",
                "sign_out": "/api/v1/auth/logout", "hall": f"/api/v1/branches/{branch['code']}/hall",
                "check_in": f"/api/v1/branches/{branch['code']}/check-in"},
        # Opening hours pass without an event: the kiosk asks whether the hall is open this often.
        "hall_refresh_s": 30,
        "qr_path": "/t/{token}/qr.svg",
        "result_seconds": RESULT_SECONDS,
        "qr_result_seconds": QR_RESULT_SECONDS,
        "guide_idle_seconds": GUIDE_IDLE_SECONDS,
        "priorities": ["normal", "priority", "vip"],
    }
    return render_page("kiosk/index.html", surface="kiosk", messages=MESSAGES, locales=LOCALES, config=config)
