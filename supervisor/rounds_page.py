"""The rounds page (巡視表), for a tablet carried round the hall by the guide or the supervisor: the
opening, midday and closing rounds item by item, the opening record (開業登記) and the closing round's
device step. Like the panel it signs in through the API; everything it changes goes through the
API (docs/architecture.md, "Rounds")."""
from __future__ import annotations

from flask import url_for

from server.i18n import LOCALES
from server.queue.clock import business_day, utc_now
from server.web_common import render_page
from server.web_common.pages import branch_or_404

from . import bp
from .messages import ERRORS, MESSAGES
from .round_messages import ROUND_ERRORS, ROUND_MESSAGES

PAGE_MESSAGES = {**MESSAGES, **ROUND_MESSAGES}  # sign-in and opening strings shared with the panel
ROUND_ROLES = ("guide", "supervisor", "admin")


@bp.get("/<branch_code>/rounds")
def rounds_page(branch_code: str):
    branch = branch_or_404(branch_code)
    if branch is None:
        return render_page("common/not_found.html", surface="rounds", messages=PAGE_MESSAGES,
                           title_key="not_found_title", status=404)
    code = branch["code"]
    api = f"/api/v1/branches/{code}"
    today = business_day(utc_now(), branch["timezone"])
    config = {
        "branch": branch,
        "api": {"sign_in": "/api/v1/auth/token", "sign_out": "/api/v1/auth/logout",
                "sheet": f"{api}/round-sheets/{{kind}}", "rounds": f"{api}/rounds",
                "task_done": f"{api}/rounds/{{id}}/tasks/{{key}}/done", "record": f"{api}/opening-record",
                "check": f"{api}/opening-check", "open": f"{api}/open", "closing": f"{api}/closing-status",
                "idle": f"{api}/devices/idle", "recurring": f"{api}/reports/round-problems"},
        "storage_key": f"counterflow.rounds.{code}.session",
        "panel_path": url_for("supervisor.panel", branch_code=code),
        "roles": list(ROUND_ROLES),
        "errors": {**ERRORS, **ROUND_ERRORS},
        "today": today.isoformat(),
        "month_start": today.replace(day=1).isoformat(),
    }
    return render_page("supervisor/rounds.html", surface="rounds", messages=PAGE_MESSAGES, locales=LOCALES,
                       config=config)
