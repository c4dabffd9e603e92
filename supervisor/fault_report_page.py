"""The printed fault report (seed 4-8, for the archive): the panel posts its token, the period and its
language in a form, as for the day-end report (a link cannot carry the Authorization header)."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app, make_response, render_template, request
from flask_babel import force_locale

from server.devices.fault_report import fault_report
from server.i18n import HTML_LANG, normalize
from server.queue.clock import business_day, utc_now
from server.reports.periods import parse_date

from . import REPORT_CSP, bp
from .report_access import report_reader
from .messages import MESSAGES

log = logging.getLogger(__name__)
# Inlined into the page: it opens in its own tab under REPORT_CSP, which loads no stylesheet.
STYLE = (Path(__file__).resolve().parent / "static" / "fault_report.css").read_text(encoding="utf-8")


def who(label: str | None, system: str) -> str:
    """An actor label ("user:name", "device:name", "system") as people read it."""
    if label == "system":
        return system
    return (label or "").split(":", 1)[-1]


@bp.post("/<branch_code>/fault-report")
def fault_report_page(branch_code: str):
    hub = current_app.extensions["counterflow"]
    locale = normalize(request.form.get("lang")) or "zh_Hant"
    now = utc_now()
    with hub.db.read() as session:
        principal, branch = report_reader(session, branch_code, now)  # refusals: the API's JSON errors
        today = business_day(now, branch.timezone)
        first = parse_date(request.form["from"], "from") if request.form.get("from") else today.replace(day=1)
        last = parse_date(request.form["to"], "to") if request.form.get("to") else today
        report = fault_report(session, branch, first, last, hub.engine.clock())
    log.info("fault report printed", extra={"branch": branch_code, "from": first.isoformat(),
                                            "to": last.isoformat(), "by": principal.name})
    with force_locale(locale):
        texts = {key: str(text) for key, text in MESSAGES.items()}
        html = render_template("supervisor/fault_report.html", r=report, m=texts, lang=HTML_LANG[locale], style=STYLE,
                               who=lambda label: who(label, texts["system"]))
    response = make_response(html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
