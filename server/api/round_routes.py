"""The supervisor's rounds (巡視表): round sheets, rounds done, the opening record (開業登記), the closing
round's device step, the history and the recurring problems (server/queue/rounds.py; docs/architecture.md,
"Rounds")."""
from __future__ import annotations

from flask import Response, jsonify, request

from ..devices.closing import ClosingDesk
from ..devices.faults import raise_fault
from ..models import Device
from ..queue import queries, rounds
from ..queue.clock import business_day
from ..queue.errors import NotFound
from ..queue.round_sheets import KINDS, MAX_ITEMS
from ..reports.export import to_csv
from ..reports.periods import parse_date
from ..reports.rounds import history_table, recurring_problems
from .core import ApiError, hub, json_body, principal, query_int, route

SHEET_BODY = {"items": (list, True, "the items in order: {key, group: {zh_Hant, zh_Hans?, en}, text: {zh_Hant, "
                                    "zh_Hans?, en}}; zh_Hans is made from zh_Hant when left out",
                        {"maxItems": MAX_ITEMS})}
ROUND_BODY = {"kind": (str, True, " | ".join(KINDS), {"enum": list(KINDS)}),
              "answers": (list, True, "one per item: {key, ok, note (required for a problem), fault: {device?} to "
                                      "report the problem as a fault, task_owner: who will see to it}",
                          {"maxItems": MAX_ITEMS})}
SETTINGS_BODY = {"opening_requires_round": (bool, True, "open only after today's opening round and device check")}
DATE = (str, "YYYY-MM-DD", {"format": "date", "minLength": 10, "maxLength": 10})
PERIOD = {"from": DATE, "to": DATE}


def _ops() -> rounds.RoundOperations:
    return rounds.RoundOperations(hub().engine.unit_of_work, report_fault=_report_fault)


def _report_fault(uow, branch, actor, message: str, device_id: int | None) -> int:
    """A round's problem as a staff fault report, in the round's own transaction (the fault book's
    raise_fault: alert, `device.fault` event, the fault procedure from there)."""
    device = None
    if device_id is not None:
        device = uow.session.get(Device, device_id)
        if device is None or device.branch_id != branch.id:
            raise NotFound("device_not_found", f"branch {branch.code} has no device {device_id}")
    return raise_fault(uow, branch, device=device, code="round_problem", severity="fault", source="staff",
                       message=message, by=actor.label).id


def _closing() -> ClosingDesk:
    return ClosingDesk(db=hub().db, clock=hub().engine.clock, send=hub().devices.send)


def _period(branch) -> tuple:
    today = business_day(hub().engine.clock(), branch.timezone)
    first = parse_date(request.args["from"], "from") if request.args.get("from") else today.replace(day=1)
    last = parse_date(request.args["to"], "to") if request.args.get("to") else today
    if first > last:
        raise ApiError(400, "invalid_period", "from is after to")
    return first, last


# ---------------------------------------------------------------------------- sheets
@route("/branches/<code>/round-sheets/<kind>", summary="The round sheet (opening | midday | closing): the "
       "branch's own items, or the default from the seed", capability="may_read_staff_data", tag="rounds")
def round_sheet(code: str, kind: str):
    rounds.check_kind(kind)
    with hub().db.read() as session:
        return jsonify(rounds.sheet(session, queries.branch_by_code(session, code).id, kind))


@route("/branches/<code>/round-sheets/<kind>", ["PUT"], summary="Replace the items of a round sheet "
       "(supervisor)", capability="may_supervise", body=SHEET_BODY, tag="rounds")
def round_sheet_set(code: str, kind: str):
    data = json_body(SHEET_BODY)
    return jsonify(_ops().set_sheet(code, kind, data["items"], principal().actor))


# ---------------------------------------------------------------------------- rounds
@route("/branches/<code>/rounds", ["POST"], summary="Record a round done now: every item ok or a problem with "
       "a note; a problem may become a fault or a task (guide, supervisor)", capability="may_check_devices",
       body=ROUND_BODY, tag="rounds", success=201)
def round_record(code: str):
    data = json_body(ROUND_BODY)
    return jsonify(_ops().record(code, data["kind"], data["answers"], principal().actor)), 201


@route("/branches/<code>/rounds", summary="Rounds of a period, oldest first (?from=&to=, default this month "
       "so far; ?kind=; ?format=json|csv, one CSV line per item)", capability="may_read_staff_data", tag="rounds",
       produces=("application/json", "text/csv"),
       query={**PERIOD, "kind": (str, "", {"enum": list(KINDS)}),
              "format": (str, "json | csv", {"enum": ["json", "csv"]})})
def round_history(code: str):
    fmt = request.args.get("format", "json")
    kind = request.args.get("kind") or None
    if fmt not in ("json", "csv") or (kind is not None and kind not in KINDS):
        raise ApiError(400, "invalid_query", f"format is json or csv; kind is one of {', '.join(KINDS)}")
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        first, last = _period(branch)
        found = rounds.rounds_between(session, branch.id, first, last, kind)
    if fmt == "json":
        return jsonify({"from": first.isoformat(), "to": last.isoformat(), "rounds": found})
    response = Response(to_csv(history_table(found)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (f'attachment; filename="counterflow-{code}-rounds-'
                                               f'{first.isoformat()}-{last.isoformat()}.csv"')
    return response


@route("/branches/<code>/rounds/<int:round_id>/tasks/<key>/done", ["POST"], summary="Mark the task a round's "
       "problem became done (guide, supervisor)", capability="may_check_devices", tag="rounds")
def round_task_done(code: str, round_id: int, key: str):
    return jsonify(_ops().finish_task(code, round_id, key, principal().actor))


@route("/branches/<code>/reports/round-problems", summary="Recurring problems of a period: items found wrong "
       "on at least ?at_least= rounds (default 2), most often first (?from=&to=, default this month so far)",
       capability="may_read_reports", tag="reports", query={**PERIOD, "at_least": (int, "1-100", {"minimum": 1,
                                                                                                   "maximum": 100})})
def round_problems(code: str):
    at_least = query_int("at_least", 2, 1, 100)
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        first, last = _period(branch)
        found = rounds.rounds_between(session, branch.id, first, last)
    return jsonify(recurring_problems(found, first, last, at_least=at_least))


# ---------------------------------------------------------------------------- opening record and closing
@route("/branches/<code>/round-settings", ["PATCH"], summary="Whether `open` needs today's opening round and "
       "device check first (supervisor)", capability="may_supervise", body=SETTINGS_BODY, tag="rounds")
def round_settings(code: str):
    data = json_body(SETTINGS_BODY)
    return jsonify(_ops().set_opening_rule(code, data["opening_requires_round"], principal().actor))


@route("/branches/<code>/opening-record", summary="Today's opening record (開業登記): the opening round(s), the "
       "device check, the opening, and whether the branch requires the first two", capability="may_read_staff_data",
       tag="opening")
def opening_record(code: str):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        today = business_day(hub().engine.clock(), branch.timezone)
        opening_rounds = rounds.rounds_between(session, branch.id, today, today, "opening")
        requires = branch.opening_requires_round
    check = hub().devices.opening.last_check(code)
    if check is not None and check["business_day"] != today.isoformat():
        check = None
    return jsonify({"business_day": today.isoformat(), "requires_round": requires, "rounds": opening_rounds,
                    "device_check": check, "opening": hub().devices.opening.today(code)})


@route("/branches/<code>/closing-status", summary="For the closing round: devices still online and staff still "
       "signed in", capability="may_check_devices", tag="rounds")
def closing_status(code: str):
    return jsonify(_closing().status(code))


@route("/branches/<code>/devices/idle", ["POST"], summary="Send every device of the branch to its idle state "
       "(LEDs blank, keypads cleared, printers idle) in one step (guide, supervisor)",
       capability="may_check_devices", tag="rounds")
def devices_idle(code: str):
    json_body({})
    return jsonify(_closing().to_idle(code, principal().actor))
