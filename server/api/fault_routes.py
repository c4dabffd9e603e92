"""Fault investigation and the fault report per period (seed 4-8); the fault lifecycle itself is in
device_routes.py. See docs/architecture.md, "Devices"."""
from __future__ import annotations

from flask import Response, jsonify, request

from ..devices.fault_report import fault_report, fault_table
from ..queue import queries
from ..queue.clock import business_day
from ..reports.export import to_csv
from ..reports.periods import parse_date
from .core import ApiError, hub, json_body, principal, route

INVESTIGATION_BODY = {
    "cause": (str, True, "why it happened, as established", {"minLength": 1, "maxLength": 2000}),
    "responsibility": (str, True, "who is responsible (a unit, a vendor, a person) or 'none'",
                       {"minLength": 1, "maxLength": 2000}),
    "follow_up": (str, True, "what follows: repair, replacement, training, a claim", {"minLength": 1, "maxLength": 2000}),
}
DATE = (str, "YYYY-MM-DD", {"format": "date", "minLength": 10, "maxLength": 10})


@route("/faults/<int:fault_id>/investigation", ["POST"], summary="Record the investigation of a resolved fault: "
       "cause, responsibility, follow-up (supervisor; may be amended)", capability="may_supervise",
       body=INVESTIGATION_BODY, tag="faults")
def faults_investigate(fault_id: int):
    data = json_body(INVESTIGATION_BODY)
    p = principal()
    return jsonify(hub().devices.faults.investigate(fault_id, p.actor, None if p.is_admin else p.branch_id,
                                                    cause=data["cause"], responsibility=data["responsibility"],
                                                    follow_up=data["follow_up"]))


@route("/branches/<code>/reports/faults", summary="Faults raised in a period, with handling and investigation "
       "(?from=&to=, default this month so far; ?format=json|csv)", capability="may_read_reports", tag="reports",
       produces=("application/json", "text/csv"),
       query={"from": DATE, "to": DATE, "format": (str, "json | csv", {"enum": ["json", "csv"]})})
def faults_period_report(code: str):
    fmt = request.args.get("format", "json").lower()
    if fmt not in ("json", "csv"):
        raise ApiError(400, "invalid_query", "format must be json or csv")
    now = hub().engine.clock()
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        today = business_day(now, branch.timezone)
        first = parse_date(request.args["from"], "from") if request.args.get("from") else today.replace(day=1)
        last = parse_date(request.args["to"], "to") if request.args.get("to") else today
        report = fault_report(session, branch, first, last, now)
    if fmt == "json":
        return jsonify(report)
    response = Response(to_csv(fault_table(report)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (f'attachment; filename="counterflow-{code}-faults-'
                                               f'{first.isoformat()}-{last.isoformat()}.csv"')
    return response
