"""The roster (排班): supervisors plan shifts a week at a time, copy a week forward and see the week's
counters planned against the staffing advice; a teller reads their own schedule
(server/queue/roster.py, server/reports/roster_cover.py; docs/architecture.md, "Roster")."""
from __future__ import annotations

import datetime as dt

from flask import jsonify, request

from ..queue import queries, roster
from ..queue.clock import business_day
from ..reports.periods import parse_date
from ..reports.roster_actual import planned_vs_actual
from ..reports.roster_cover import week_cover
from .core import ApiError, hub, json_body, principal, route

TIME = {"minLength": 5, "maxLength": 5}
SHIFT_BODY = {
    "staff": (str, True, "the teller's username", {"minLength": 1, "maxLength": 64}),
    "day": (str, True, "YYYY-MM-DD", {"format": "date", "minLength": 10, "maxLength": 10}),
    "kind": (str, False, "counter (default), duty (outside the hall's hours, no counter) or rest (a rest day)",
             {"enum": list(roster.KINDS)}),
    "counter": (int, False, "the counter's number (kind counter)", {"minimum": 1, "maximum": 9999}),
    "from": (str, False, "HH:MM (not for rest)", TIME),
    "to": (str, False, "HH:MM, after from; 24:00 is midnight (not for rest)", TIME),
    "breaks": (list, False, "[{\"from\": \"HH:MM\", \"to\": \"HH:MM\"}], inside the shift",
               {"maxItems": roster.MAX_BREAKS}),
    "note": (str, False, "e.g. what the duty is", {"maxLength": roster.MAX_NOTE}),
}
COPY_BODY = {
    "from_week": (str, True, "a day of the week to copy (its Monday is taken)", {"format": "date", "minLength": 10,
                                                                                "maxLength": 10}),
    "to_week": (str, True, "a day of the week to fill", {"format": "date", "minLength": 10, "maxLength": 10}),
    "replace": (bool, False, "clear the target week first (otherwise a week with shifts is refused, 409)"),
}
Q_WEEK = {"week": (str, "any day of the week (default this week)", {"format": "date", "maxLength": 10})}


def _ops() -> roster.RosterOperations:
    return roster.RosterOperations(hub().engine.unit_of_work)


def _monday(today: dt.date) -> dt.date:
    raw = request.args.get("week")
    return roster.week_start(parse_date(raw, "week") if raw else today)


@route("/branches/<code>/roster", summary="The roster of a week (?week=any day; default this week): shifts, "
       "and per day and hour the counters planned against those the staffing advice needs, with its source "
       "(history or simulator_defaults)", capability="may_read_reports", tag="roster", query=Q_WEEK)
def get_roster(code: str):
    now = hub().engine.clock()
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        today = business_day(now, branch.timezone)
        return jsonify(**week_cover(session, branch, _monday(today), today), today=today.isoformat(),
                       staff=roster.plannable_staff(session, branch.id),
                       counters=[c.number for c in branch.counters])


@route("/branches/<code>/roster/actual", summary="Planned against actual counter minutes per teller and counter "
       "of a day (?date=, default today), as in the day report", capability="may_read_reports", tag="roster",
       query={"date": (str, "YYYY-MM-DD", {"format": "date", "maxLength": 10})})
def roster_actual(code: str):
    now = hub().engine.clock()
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        raw = request.args.get("date")
        day = parse_date(raw) if raw else business_day(now, branch.timezone)
        return jsonify(date=day.isoformat(), rows=planned_vs_actual(session, branch, day, now))


@route("/branches/<code>/roster/mine", summary="The signed-in teller's own shifts this week and next",
       capability="may_read_staff_data", tag="roster")
def my_roster(code: str):
    p = principal()
    if p.kind != "user":
        raise ApiError(403, "staff_only", "the schedule belongs to a signed-in teller")
    now = hub().engine.clock()
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        monday = roster.week_start(business_day(now, branch.timezone))
        shifts = roster.shifts_between(session, branch.id, monday, monday + dt.timedelta(days=13), p.user_id)
    return jsonify(week=monday.isoformat(), today=business_day(now, branch.timezone).isoformat(), shifts=shifts)


@route("/branches/<code>/roster/shifts", ["POST"], summary="Plan a shift (409 staff_double_booked, "
       "counter_double_staffed, rest_day)", capability="may_supervise", body=SHIFT_BODY, tag="roster", success=201)
def add_shift(code: str):
    return jsonify(_ops().plan(code, principal().actor, json_body(SHIFT_BODY))), 201


@route("/branches/<code>/roster/shifts/<int:shift_id>", ["PUT"], summary="Replace a shift", capability="may_supervise",
       body=SHIFT_BODY, tag="roster")
def replace_shift(code: str, shift_id: int):
    return jsonify(_ops().plan(code, principal().actor, json_body(SHIFT_BODY), shift_id))


@route("/branches/<code>/roster/shifts/<int:shift_id>", ["DELETE"], summary="Remove a shift",
       capability="may_supervise", tag="roster")
def remove_shift(code: str, shift_id: int):
    _ops().remove(code, shift_id)
    return jsonify(removed=shift_id)


@route("/branches/<code>/roster/copy-week", ["POST"], summary="Copy a week's shifts onto another week (409 "
       "week_not_empty unless replace)", capability="may_supervise", body=COPY_BODY, tag="roster")
def copy_week(code: str):
    data = json_body(COPY_BODY)
    source = roster.week_start(parse_date(data["from_week"], "from_week"))
    target = roster.week_start(parse_date(data["to_week"], "to_week"))
    copied = _ops().copy_week(code, principal().actor, source, target, replace=bool(data.get("replace")))
    return jsonify(copied=copied, week=target.isoformat())
