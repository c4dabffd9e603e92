"""Counter terminal (櫃員終端): a teller signs in, opens a counter and serves customers from the keyboard.

The page signs in through the API (POST /api/v1/auth/token) and keeps the bearer token in the tab's
sessionStorage, so closing the tab ends the session on that PC. The branch comes from the account,
so one URL (/counter) serves every teller of every branch.
"""
from __future__ import annotations

from flask import Blueprint

from server.i18n import LOCALES
from server.web_common import render_page

from .messages import ERRORS, MESSAGES, PAUSE_REASONS
from .roster_messages import ROSTER_MESSAGES
from .survey_messages import SURVEY_ERRORS, SURVEY_MESSAGES
from .ticket_messages import TICKET_ERRORS, TICKET_MESSAGES

bp = Blueprint("counter_terminal", __name__, url_prefix="/counter", template_folder="templates",
               static_folder="static")

# Action -> keys (KeyboardEvent.key values; " " is the space bar). Shown on each button.
SHORTCUTS = {
    "call_next": ["F1", "N"],
    "complete_next": [" "],
    "recall": ["R"],
    "start": ["S"],
    "complete": ["C"],
    "no_show": ["X"],
    "transfer": ["T"],
    "pause": ["P"],
}
ACTIONS = ("call_next", "complete_next", "recall", "start", "complete", "no_show", "transfer", "pause")
TELLER_ROLES = ("teller", "supervisor", "admin")
MAX_PAUSE_REASON = 120  # the engine's limit


@bp.get("", strict_slashes=False)
def terminal():
    config = {
        "api": {"sign_in": "/api/v1/auth/token", "sign_out": "/api/v1/auth/logout", "me": "/api/v1/me",
                "counters": "/api/v1/branches/{branch}/counters", "counter": "/api/v1/counters/{id}",
                "my_roster": "/api/v1/branches/{branch}/roster/mine"},
        "storage_key": "counterflow.counter.session",
        "roles": list(TELLER_ROLES),
        "actions": list(ACTIONS),
        "shortcuts": SHORTCUTS,
        "pause_reasons": list(PAUSE_REASONS),
        "max_pause_reason": MAX_PAUSE_REASON,
        "errors": {**ERRORS, **TICKET_ERRORS, **SURVEY_ERRORS},
        "chooser_refresh_s": 10,
    }
    messages = {**MESSAGES, **TICKET_MESSAGES, **SURVEY_MESSAGES, **ROSTER_MESSAGES}
    return render_page("counter_terminal/index.html", surface="counter", messages=messages,
                       locales=LOCALES,
                       config=config)

