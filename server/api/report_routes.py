"""The supervisor's day: day close, reports and exports, chart data, staffing advice (supervisor, admin)."""
from __future__ import annotations

import datetime as dt

from flask import Response, jsonify, request

from ..i18n import current_locale
from ..models import Branch
from ..queue import queries
from ..queue.clock import business_day
from ..reports import advice, export, reads
from ..reports.day_close import close_day
from ..reports.labels import Labels
from ..reports.periods import parse_date, parse_month
from ..reports.ranking import MIN_RATED
from ..reports.staffing import Target
from .core import ApiError, hub, json_body, principal, query_int, query_number, route

FORMATS = ("json", "csv", "xlsx", "html")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _supervisor_branch(code: str) -> Branch:
    with hub().db.read() as session:  # the registry checked the capability against this branch
        return queries.branch_by_code(session, code)


def _now() -> dt.datetime:
    return hub().engine.clock()  # the engine's clock, so tests and simulations can move time


def _today(branch: Branch) -> dt.date:
    return business_day(_now(), branch.timezone)


def _range(branch: Branch) -> tuple[dt.date, dt.date]:
    """?date=D, or ?from=A&to=B; default today."""
    if request.args.get("date"):
        day = parse_date(request.args["date"])
        return day, day
    first = parse_date(request.args["from"], "from") if request.args.get("from") else None
    last = parse_date(request.args["to"], "to") if request.args.get("to") else None
    if first is None and last is None:
        return _today(branch), _today(branch)
    return first or last, last or first


def _format(allowed: tuple[str, ...] = FORMATS) -> str:
    fmt = request.args.get("format", "json").lower()
    if fmt not in allowed:
        raise ApiError(400, "invalid_query", f"format must be one of {', '.join(allowed)}")
    return fmt


def _file(content: bytes | str, mimetype: str, filename: str | None) -> Response:
    response = Response(content, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _headers() -> Labels | None:
    """?lang= asks for spreadsheet headers in words of that language; without it they are the JSON names."""
    return Labels(current_locale()) if request.args.get("lang") else None


def _tables_response(tables: list[export.Table], fmt: str, stem: str) -> Response:
    if fmt == "xlsx":
        return _file(export.to_xlsx(tables, stem, _headers()), XLSX, f"{stem}.xlsx")
    name = request.args.get("table") or tables[0].name
    chosen = next((t for t in tables if t.name == name), None)
    if chosen is None:
        raise ApiError(400, "invalid_query", f"table must be one of {', '.join(t.name for t in tables)}")
    return _file(export.to_csv(chosen, _headers()), CSV, f"{stem}-{chosen.name}.csv")


def _report_response(report: dict, close: dict | None, fmt: str, stem: str):
    if fmt == "json":
        return jsonify({**report, "day_close": close})
    if fmt == "html":
        return _file(export.to_html(report, close, current_locale()), "text/html; charset=utf-8", None)
    return _tables_response(export.report_tables(report), fmt, stem)


# ---------------------------------------------------------------------------- day close
DATE = {"format": "date", "minLength": 10, "maxLength": 10}
DAY_CLOSE_BODY = {"date": (str, False, "YYYY-MM-DD; default the branch's current business day", DATE)}
FILES = ("application/json", "text/csv", XLSX, "text/html")
# Query parameters as the OpenAPI document shows them (the handlers below enforce the same).
Q_DATE = (str, "YYYY-MM-DD", DATE)
Q_RANGE = {"date": Q_DATE, "from": Q_DATE, "to": Q_DATE}
Q_FORMAT = {"format": (str, "json | csv | xlsx | html", {"enum": list(FORMATS)}),
            "table": (str, "csv: which table", {"maxLength": 32}),
            "lang": (str, "zh-Hant | zh-Hans | en: the html page's language; csv/xlsx headers in words",
                     {"maxLength": 16})}
Q_FORMAT_NO_HTML = {"format": (str, "json | csv | xlsx", {"enum": ["json", "csv", "xlsx"]}), "lang": Q_FORMAT["lang"]}
@route("/branches/<code>/day-close", ["POST"], summary="Close a business day (日結): abandon open tickets, close "
       "counters, lock the day, store the day-end report (supervisor)",
       capability="may_close_day", body=DAY_CLOSE_BODY, tag="reports", success=201)
def post_day_close(code: str):
    data = json_body(DAY_CLOSE_BODY)
    _supervisor_branch(code)
    day = parse_date(data["date"]) if data.get("date") else None
    return jsonify(close_day(hub().engine, code, principal().actor, day)), 201


# ---------------------------------------------------------------------------- reports
@route("/branches/<code>/reports/day", summary="Day-end report: settlement and statistics per service, counter "
       "and teller (?date=, ?format=json|csv|xlsx|html, ?table= for csv)", capability="may_read_reports", tag="reports",
       produces=FILES, query={"date": Q_DATE, **Q_FORMAT})
def day_report(code: str):
    branch = _supervisor_branch(code)
    fmt = _format()
    day = parse_date(request.args["date"]) if request.args.get("date") else _today(branch)
    with hub().db.read() as session:
        report, close = reads.day_report(session, branch, day, _now())
    return _report_response(report, close, fmt, f"counterflow-{code}-{day.isoformat()}")


@route("/branches/<code>/reports/day/<day>/print", summary="The printable day-end report (HTML with print CSS)",
       capability="may_read_reports", tag="reports", produces=("text/html",))
def day_report_print(code: str, day: str):
    branch = _supervisor_branch(code)
    with hub().db.read() as session:
        report, close = reads.day_report(session, branch, parse_date(day), _now())
    return _file(export.to_html(report, close, current_locale()), "text/html; charset=utf-8", None)


@route("/branches/<code>/reports/staff", summary="Staff statistics for ?from=&to= (default this month so far); "
       "?format=json|csv|xlsx|html", capability="may_read_reports", tag="reports",
       produces=FILES, query={"from": Q_DATE, "to": Q_DATE, **Q_FORMAT})
def staff_report(code: str):
    branch = _supervisor_branch(code)
    fmt = _format()
    today = _today(branch)
    first = parse_date(request.args["from"], "from") if request.args.get("from") else today.replace(day=1)
    last = parse_date(request.args["to"], "to") if request.args.get("to") else today
    with hub().db.read() as session:
        report = reads.period_report(session, branch, first, last, _now())
    if fmt == "csv" and not request.args.get("table"):
        return _file(export.to_csv(export.report_tables(report)[3], _headers()), CSV,
                     f"counterflow-{code}-{first.isoformat()}-{last.isoformat()}-tellers.csv")
    return _report_response(report, None, fmt, f"counterflow-{code}-{first.isoformat()}-{last.isoformat()}")


@route("/branches/<code>/reports/ranking", summary="Monthly teller ranking and the service star (?month=YYYY-MM, "
       "?min_rated=, ?format=json|csv|xlsx|html)", capability="may_read_reports", tag="reports",
       produces=FILES, query={"month": (str, "YYYY-MM", {"minLength": 7, "maxLength": 7}),
                              "min_rated": (int, "", {"minimum": 1, "maximum": 100_000}), **Q_FORMAT})
def ranking_report(code: str):
    branch = _supervisor_branch(code)
    fmt = _format()
    month = request.args.get("month") or _today(branch).strftime("%Y-%m")
    first, last = parse_month(month)
    min_rated = query_int("min_rated", MIN_RATED, 1, 100_000)
    with hub().db.read() as session:
        result = reads.ranking_report(session, branch, first, last, _now(), min_rated)
    if fmt == "json":
        return jsonify(result)
    if fmt == "html":
        return _file(export.ranking_html(result, current_locale()), "text/html; charset=utf-8", None)
    return _tables_response(export.ranking_tables(result), fmt, f"counterflow-{code}-{month}-ranking")


# ---------------------------------------------------------------------------- chart data
def _chart(code: str, kind: str, **options):
    branch = _supervisor_branch(code)
    first, last = _range(branch)
    with hub().db.read() as session:
        return jsonify(reads.chart(kind, session, branch, first, last, _now(), **options))


@route("/branches/<code>/charts/hourly", summary="Chart data: arrivals, served and waiting by hour (?date= or "
       "?from=&to=)", capability="may_read_reports", tag="reports", query=Q_RANGE)
def chart_hourly(code: str):
    return _chart(code, "hourly")


@route("/branches/<code>/charts/wait-distribution", summary="Chart data: wait-time distribution against the "
       "target (?date= or ?from=&to=, ?service=, ?bin_min=)", capability="may_read_reports", tag="reports",
       query={**Q_RANGE, "service": (str, "service code", {"maxLength": 4}),
              "bin_min": (int, "", {"minimum": 1, "maximum": 60})})
def chart_wait_distribution(code: str):
    return _chart(code, "wait", service_code=request.args.get("service") or None,
                  bin_min=query_int("bin_min", 5, 1, 60))


@route("/branches/<code>/charts/satisfaction", summary="Chart data: satisfaction by teller (?date= or ?from=&to=)",
       capability="may_read_reports", tag="reports", query=Q_RANGE)
def chart_satisfaction(code: str):
    return _chart(code, "satisfaction")


# ---------------------------------------------------------------------------- staffing
@route("/branches/<code>/staffing", summary="Counters needed per hour of a weekday from the branch's history, by "
       "Erlang C; on the simulator's default traffic when the weekday has no history (`source` says which) "
       "(?weekday=0-6|mon.., ?weeks=8, ?service=, ?until= (excluded; default: up to and including today), "
       "?target_share=0.8, ?target_wait_min=10, "
       "?max_wait_min=20, ?max_over_per_hour=0.5, ?format=json|csv|xlsx)", capability="may_read_reports", tag="reports",
       produces=FILES[:3], query={"weekday": (str, "0-6 or mon..sun", {"maxLength": 9}),
                                  "weeks": (int, "", {"minimum": 1, "maximum": 52}),
                                  "service": (str, "service code", {"maxLength": 4}), "until": Q_DATE,
                                  "target_share": (float, "", {"minimum": 0.01, "maximum": 0.999}),
                                  "target_wait_min": (float, "", {"minimum": 0.5, "maximum": 240}),
                                  "max_wait_min": (float, "", {"minimum": 0.5, "maximum": 480}),
                                  "max_over_per_hour": (float, "", {"minimum": 0, "maximum": 1000}),
                                  **Q_FORMAT_NO_HTML})
def staffing(code: str):
    branch = _supervisor_branch(code)
    fmt = _format(("json", "csv", "xlsx"))
    today = _today(branch)
    target = Target(share=query_number("target_share", 0.8, 0.01, 0.999, float),
                    within_s=query_number("target_wait_min", 10, 0.5, 240, float) * 60,
                    max_wait_s=query_number("max_wait_min", 20, 0.5, 480, float) * 60,
                    max_over_per_hour=query_number("max_over_per_hour", 0.5, 0, 1000, float))
    # By default the history runs up to and including today, so a new branch's first day counts.
    until = parse_date(request.args["until"], "until") if request.args.get("until") else today
    with hub().db.read() as session:
        result = advice.advise(session, branch, advice.parse_weekday(request.args.get("weekday"), today.weekday()),
                               until, weeks=query_int("weeks", 8, 1, 52),
                               service_code=request.args.get("service") or None, target=target,
                               include_until=not request.args.get("until"))
    if fmt == "json":
        return jsonify(result)
    return _tables_response(export.advice_tables(result), fmt, f"counterflow-{code}-staffing-{result['weekday_name']}")
