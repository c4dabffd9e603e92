"""The panel's report files: the day report, the staff report over a period and the monthly ranking,
as a printable page (in a new tab) or a CSV/XLSX download, in the panel's language.

Like the printable day report (`day-report` in __init__.py) the panel posts its token in a form: a
download link cannot carry the Authorization header, and a token in a URL ends up in logs and history.
The figures and files are the report API's own (server/reports/reads.py, export.py).
"""
from __future__ import annotations

import logging

from flask import current_app, make_response, request

from server.api.core import ApiError, RouteDoc, document
from server.i18n import current_locale, normalize
from server.queue.clock import business_day, utc_now
from server.reports.labels import Labels
from server.reports.ranking import MIN_RATED

from . import REPORT_CSP, bp
from .report_access import report_reader

log = logging.getLogger(__name__)

KINDS = ("day", "staff", "ranking")
FORMATS = ("html", "csv", "xlsx")
MIMETYPES = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DATE = {"format": "date", "minLength": 10, "maxLength": 10}

document(RouteDoc("/<branch_code>/report-file", ["POST"], "A report as a printable page or a CSV/XLSX download, in "
                  "the panel's language: the day report, the staff report over a period, or the monthly ranking "
                  "with the service star; the panel posts its token in a form", "may_read_reports", None,
                  tags=["reports"], produces=tuple(MIMETYPES.values()), prefix="/supervisor",
                  form={"token": (str, True, "a supervisor's bearer token", {"minLength": 1, "maxLength": 256}),
                        "kind": (str, True, "day | staff | ranking", {"enum": list(KINDS)}),
                        "format": (str, False, "html (default) | csv | xlsx", {"enum": list(FORMATS)}),
                        "date": (str, False, "day: YYYY-MM-DD; default today", DATE),
                        "from": (str, False, "staff: first day; default the 1st of this month", DATE),
                        "to": (str, False, "staff: last day; default today", DATE),
                        "month": (str, False, "ranking: YYYY-MM; default this month",
                                  {"minLength": 7, "maxLength": 7}),
                        "lang": (str, False, "zh-Hant | zh-Hans | en; default the page's", {"maxLength": 16})}))


def _choice(name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = request.form.get(name) or default
    if value not in allowed:
        raise ApiError(400, "invalid_form", f"{name} must be one of {', '.join(allowed)}")
    return value


def _build(session, branch, kind: str, now, clock_now):
    """(report data, tables, printable page renderer, file stem) for the asked kind."""
    from server.reports import export, reads
    from server.reports.periods import parse_date, parse_month

    today = business_day(now, branch.timezone)
    form = request.form
    stem = f"counterflow-{branch.code}"
    if kind == "day":
        day = parse_date(form["date"]) if form.get("date") else today
        report, close = reads.day_report(session, branch, day, clock_now)
        return (export.report_tables(report), lambda locale: export.to_html(report, close, locale),
                f"{stem}-{day.isoformat()}")
    if kind == "staff":
        first = parse_date(form["from"], "from") if form.get("from") else today.replace(day=1)
        last = parse_date(form["to"], "to") if form.get("to") else today
        report = reads.period_report(session, branch, first, last, clock_now)
        tables = export.report_tables(report)  # the staff report leads with the tellers' table
        tables.sort(key=lambda t: t.name != "tellers")
        return (tables, lambda locale: export.to_html(report, None, locale),
                f"{stem}-{first.isoformat()}-{last.isoformat()}-staff")
    first, last = parse_month(form.get("month") or today.strftime("%Y-%m"))
    ranking = reads.ranking_report(session, branch, first, last, clock_now, MIN_RATED)
    return (export.ranking_tables(ranking), lambda locale: export.ranking_html(ranking, locale),
            f"{stem}-{first:%Y-%m}-ranking")


@bp.post("/<branch_code>/report-file")
def report_file(branch_code: str):
    from server.reports import export

    hub = current_app.extensions["counterflow"]
    now = utc_now()
    with hub.db.read() as session:
        principal, branch = report_reader(session, branch_code, now)  # refusals: the API's JSON errors
        kind = _choice("kind", KINDS)
        fmt = _choice("format", FORMATS, "html")
        tables, page, stem = _build(session, branch, kind, now, hub.engine.clock())
    locale = normalize(request.form.get("lang")) or current_locale()
    labels = Labels(locale)
    if fmt == "html":
        body = page(locale)
    elif fmt == "csv":
        body = export.to_csv(tables[0], labels)
    else:
        body = export.to_xlsx(tables, stem, labels)
    log.info("report file", extra={"branch": branch_code, "kind": kind, "format": fmt, "by": principal.name})
    response = make_response(body)
    response.headers["Content-Type"] = MIMETYPES[fmt]
    if fmt != "html":
        suffix = f"-{tables[0].name}" if fmt == "csv" and kind == "day" else ""
        response.headers["Content-Disposition"] = f'attachment; filename="{stem}{suffix}.{fmt}"'
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
