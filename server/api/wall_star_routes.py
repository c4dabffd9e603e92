"""The service star on the lobby display's rotation (supervisor): post the month's star, take it down."""
from __future__ import annotations

from flask import jsonify

from ..queue import queries
from ..queue.clock import business_day
from ..queue.wall_star import MAX_NAME, WallStarOperations, star_view
from ..reports import reads
from ..reports.periods import parse_month
from ..reports.ranking import MIN_RATED
from .core import ApiError, hub, json_body, principal, route

STAR_BODY = {
    "on": (bool, True, "post the star on the display (true) or take it down (false)"),
    "month": (str, False, "YYYY-MM whose star; default this month", {"minLength": 7, "maxLength": 7}),
    "name": (str, False, "the name on the wall; default the teller's display name", {"maxLength": MAX_NAME}),
}


def _ops() -> WallStarOperations:
    return WallStarOperations(hub().engine.unit_of_work)


@route("/branches/<code>/wall-star", summary="The service star posted on the lobby display, or null",
       capability="may_read_reports", tag="reports")
def get_wall_star(code: str):
    with hub().db.read() as session:
        return jsonify(star=star_view(queries.branch_by_code(session, code)))


@route("/branches/<code>/wall-star", ["PUT"], summary="Post the month's service star on the lobby display's "
       "rotation (name as the branch chooses), or take it down (supervisor)", capability="may_supervise",
       body=STAR_BODY, tag="reports")
def put_wall_star(code: str):
    data = json_body(STAR_BODY)
    actor = principal().actor
    if not data["on"]:
        _ops().take_down(code, actor)
        return jsonify(star=None)
    now = hub().engine.clock()
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        month = data.get("month") or business_day(now, branch.timezone).strftime("%Y-%m")
        first, last = parse_month(month)
        star = reads.ranking_report(session, branch, first, last, now, MIN_RATED)["star"]
    if star is None:
        raise ApiError(409, "no_star", f"the ranking of {month} has no service star")
    return jsonify(star=_ops().post(code, month, data.get("name") or star["name"] or star["teller"], actor))
