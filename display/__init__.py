"""Lobby display (叫號屏): the called number and counter, recent calls, waiting per service, the
supervisor's message line and the time, with a chime and a spoken announcement in two languages.

Public data only: it may run without a token, or with a display device token (?token=).
"""
from __future__ import annotations

from flask import Blueprint, request

from server.i18n import DEFAULT_LOCALE, current_locale, normalize
from server.web_common import render_page
from server.web_common.pages import branch_or_404

from .messages import MESSAGES

bp = Blueprint("display", __name__, url_prefix="/display", template_folder="templates", static_folder="static")

RECENT_CALLS = 6  # shown besides the current call

# Seconds the service star and the recent calls each stay on screen in turn (wall-star.js).
STAR_ROTATION_S = 10


def second_locale(primary: str) -> str | None:
    """The smaller second language under every line: English under Chinese, Chinese under English."""
    wanted = request.args.get("lang2")
    if wanted == "none":
        return None
    chosen = normalize(wanted) if wanted else ("en" if primary != "en" else DEFAULT_LOCALE)
    return chosen if chosen and chosen != primary else None


@bp.get("/<branch_code>")
def display(branch_code: str):
    branch = branch_or_404(branch_code)
    if branch is None:
        return render_page("common/not_found.html", surface="display", messages=MESSAGES,
                           title_key="not_found_title", status=404)
    primary = current_locale()
    secondary = second_locale(primary)
    config = {
        "branch": branch,
        "join": {"audience": "display", "branch": branch["code"]},
        "token_key": f"counterflow.display.{branch['code']}.token",
        "secondary": secondary,
        "announce_locales": [loc for loc in (primary, secondary) if loc],
        "recent_calls": RECENT_CALLS,
        "star_rotation_s": STAR_ROTATION_S,
    }
    return render_page("display/index.html", surface="display", messages=MESSAGES,
                       locales=[loc for loc in (primary, secondary) if loc], config=config)
