"""Supervisor panel (值班主管): the hall live (counters, queues, alerts, emergency mode, the display's
message line), devices and the opening check, and the day (numbers, charts, staffing advice, day close).

Like the counter terminal it signs in through the API and keeps the bearer token in sessionStorage.
Charts are drawn by Chart.js, shipped in static/vendor (MIT, see chart.js-LICENSE.md): no CDN.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, make_response, request, url_for

from server.api.core import RouteDoc, document
from server.i18n import LOCALES, current_locale, normalize
from server.queue.clock import business_day, utc_now
from server.web_common import render_page
from server.web_common.pages import branch_or_404

from .appointment_messages import APPOINTMENT_MESSAGES
from .messages import ERRORS, MESSAGES, PAUSE_REASONS
from .report_access import report_reader
from .survey_messages import SURVEY_ERRORS, SURVEY_MESSAGES
from .ticket_messages import TICKET_ERRORS, TICKET_MESSAGES

# The tickets tab's, the appointments tab's and the teller survey's strings (ticket_messages.py,
# appointment_messages.py, survey_messages.py).
MESSAGES = {**MESSAGES, **TICKET_MESSAGES, **APPOINTMENT_MESSAGES, **SURVEY_MESSAGES}
ERRORS = {**ERRORS, **TICKET_ERRORS, **SURVEY_ERRORS}

log = logging.getLogger(__name__)

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor", template_folder="templates",
               static_folder="static")

SUPERVISOR_ROLES = ("supervisor", "admin")
# The printable report has its own inline style and a print button: it gets a policy of its own.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _api_paths(code: str) -> dict:
    branch = f"/api/v1/branches/{code}"
    return {
        "sign_in": "/api/v1/auth/token", "sign_out": "/api/v1/auth/logout", "me": "/api/v1/me",
        "alert_ack": "/api/v1/alerts/{id}/ack",
        "emergency_start": f"{branch}/emergency/start", "emergency_end": f"{branch}/emergency/end",
        "hall_settings": f"{branch}/hall-settings",
        "display_message": f"{branch}/display-message",
        "devices": f"/api/v1/devices?branch={code}", "faults": f"/api/v1/faults?branch={code}&open=1",
        "fault_ack": "/api/v1/faults/{id}/ack", "fault_resolve": "/api/v1/faults/{id}/resolve",
        "fault_report": "/api/v1/faults", "fault_investigate": "/api/v1/faults/{id}/investigation",
        "fault_history": f"{branch}/reports/faults",
        "agents": f"{branch}/agents",
        "opening": f"{branch}/opening", "opening_check": f"{branch}/opening-check", "open": f"{branch}/open",
        "day_report": f"{branch}/reports/day", "day_close": f"{branch}/day-close",
        "chart_hourly": f"{branch}/charts/hourly", "chart_wait": f"{branch}/charts/wait-distribution",
        "chart_satisfaction": f"{branch}/charts/satisfaction", "staffing": f"{branch}/staffing",
        "waiting": f"{branch}/waiting", "ticket_cancel": "/api/v1/tickets/{id}/cancel",
        "ticket_move": "/api/v1/tickets/{id}/move", "ticket_priority": "/api/v1/tickets/{id}/priority",
        "ticket_check_in": "/api/v1/tickets/{id}/check-in",
        "counter_close": "/api/v1/counters/{id}/supervisor-close",
        "staff_report": f"{branch}/reports/staff", "ranking": f"{branch}/reports/ranking",
        "comments": f"{branch}/comments", "wall_star": f"{branch}/wall-star", "surveys": f"{branch}/surveys",
        "appointments": f"{branch}/appointments", "appointment_settings": f"{branch}/appointment-settings",
        "appointment_check_in": f"{branch}/appointments/check-in",
        "roster": f"{branch}/roster", "roster_shifts": f"{branch}/roster/shifts",
        "roster_copy": f"{branch}/roster/copy-week", "roster_actual": f"{branch}/roster/actual",
    }


@bp.get("/<branch_code>")
def panel(branch_code: str):
    branch = branch_or_404(branch_code)
    if branch is None:
        return render_page("common/not_found.html", surface="supervisor", messages=MESSAGES,
                           title_key="not_found_title", status=404)
    code = branch["code"]
    config = {
        "branch": branch,
        "join": {"audience": "supervisor", "branch": code},
        "api": _api_paths(code),
        "print_path": url_for("supervisor.day_report", branch_code=code),
        "report_file_path": url_for("supervisor.report_file", branch_code=code),
        "storage_key": f"counterflow.supervisor.{code}.session",
        "roles": list(SUPERVISOR_ROLES),
        "errors": ERRORS,
        "pause_reasons": list(PAUSE_REASONS),
        "today": business_day(utc_now(), branch["timezone"]).isoformat(),
        "month_start": business_day(utc_now(), branch["timezone"]).replace(day=1).isoformat(),
        "fault_print_path": url_for("supervisor.fault_report_page", branch_code=code),
        "refresh_debounce_ms": 1500,
    }
    return render_page("supervisor/index.html", surface="supervisor", messages=MESSAGES, locales=LOCALES,
                       config=config)


# The page is documented in the API's OpenAPI document too, with its form body.
document(RouteDoc("/<branch_code>/day-report", ["POST"], "The printable day-end report (HTML); the panel posts its "
                  "token in a form", "may_read_reports", None, tags=["reports"], produces=("text/html",),
                  prefix="/supervisor",
                  form={"token": (str, True, "a supervisor's bearer token", {"minLength": 1, "maxLength": 256}),
                        "date": (str, False, "YYYY-MM-DD; default today", {"format": "date"})}))


@bp.post("/<branch_code>/day-report")
def day_report(branch_code: str):
    """The printable day-end report in a new tab. The panel posts its token in a form (a link cannot
    carry the Authorization header, and a token in a URL would end up in logs and history)."""
    from server.reports import export, reads
    from server.reports.periods import parse_date

    hub = current_app.extensions["counterflow"]
    now = utc_now()
    with hub.db.read() as session:
        principal, branch = report_reader(session, branch_code, now)  # refusals: the API's JSON errors
        day = parse_date(request.form["date"]) if request.form.get("date") else business_day(now, branch.timezone)
        report, close = reads.day_report(session, branch, day, hub.engine.clock())
    log.info("day report printed", extra={"branch": branch_code, "business_day": day.isoformat(),
                                          "by": principal.name})
    locale = normalize(request.form.get("lang")) or current_locale()
    response = make_response(export.to_html(report, close, locale))
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


from . import report_files  # noqa: E402,F401  (registers its route on bp)

from . import fault_report_page  # noqa: E402,F401  (registers the printed fault report on bp)

document(RouteDoc("/<branch_code>/fault-report", ["POST"], "The printed fault report for a period (HTML); the panel "
                  "posts its token in a form", "may_read_reports", None, tags=["reports"], produces=("text/html",),
                  prefix="/supervisor",
                  form={"token": (str, True, "a supervisor's bearer token", {"minLength": 1, "maxLength": 256}),
                        "from": (str, False, "YYYY-MM-DD; default the 1st of this month", {"format": "date"}),
                        "to": (str, False, "YYYY-MM-DD; default today", {"format": "date"}),
                        "lang": (str, False, "zh-Hant | zh-Hans | en", {"maxLength": 16})}))

from . import rounds_page  # noqa: E402,F401  (registers the rounds page on bp)
