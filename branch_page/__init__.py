"""The branch's public page on a phone: /b/<code> (docs/architecture.md, "Remote queue").

No sign-in. It lists the services with people waiting and the estimated wait, lets the customer take
a ticket without the kiosk (channel `remote`: it waits "not checked in" until they arrive), and links
to booking an appointment. /b/<code>/door is what the door poster's QR opens: the phone that holds a
remote ticket checks it in there. The page talks to the API (server/api/remote_routes.py) only.
"""
from __future__ import annotations

from flask import Blueprint, request

from server.i18n import LOCALES
from server.web_common import render_page
from server.web_common.pages import branch_or_404

from .messages import MESSAGES

bp = Blueprint("branch_page", __name__, url_prefix="/b", template_folder="templates", static_folder="static")

REFRESH_S = 30  # waits and estimates are fetched again this often while the page is open


def _not_found():
    return render_page("common/not_found.html", surface="branch", messages=MESSAGES, title_key="not_found_title",
                       status=404)


@bp.get("/<code>")
def branch(code: str):
    found = branch_or_404(code)
    if found is None:
        return _not_found()
    config = {"branch": found, "refresh_s": REFRESH_S,
              "api": {"data": f"/api/v1/public/branches/{found['code']}/remote",
                      "take": f"/api/v1/public/branches/{found['code']}/remote-tickets"},
              "book_url": f"/b/{found['code']}/book", "tokens_key": f"counterflow.remote.{found['code']}"}
    response = render_page("branch_page/index.html", surface="branch", messages=MESSAGES, locales=LOCALES,
                           config=config)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/<code>/door")
def door(code: str):
    found = branch_or_404(code)
    if found is None:
        return _not_found()
    config = {"branch": found, "door_key": request.args.get("k", "")[:64],
              "tokens_key": f"counterflow.remote.{found['code']}", "check_in": "/api/v1/public/tickets/{token}/check-in"}
    return render_page("branch_page/door.html", surface="branch", messages=MESSAGES, title_key="door_title",
                       locales=LOCALES, config=config)
