"""The hall's settings and state: the emergency call policy, the kiosk's policy for a service no open
counter serves, opening hours per weekday, and whether the hall takes tickets now (docs/architecture.md,
"Emergency plan" and "Kiosk states")."""
from __future__ import annotations

from flask import jsonify

from ..queue import emergency, queries
from ..queue.clock import utc_now
from ..queue.setup import UNAVAILABLE_POLICIES, hall_settings_view
from .core import hub, json_body, route

HALL_SETTINGS_BODY = {
    "emergency_policy": (str, False, "how counters call while the emergency plan is on",
                         {"enum": list(emergency.POLICIES)}),
    "unavailable_policy": (str, False, "a kiosk ticket for a service no open counter serves",
                           {"enum": list(UNAVAILABLE_POLICIES)}),
    "opening_hours": (dict, False, 'weekday "0" (Monday) to "6" -> ["HH:MM", "HH:MM"] or null; {} = always open'),
}


@route("/branches/<code>/hall", summary="Whether the hall takes tickets now (opening hours, day close)",
       capability="public", tag="queue")
def hall_state(code: str):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        return jsonify(hall=queries.hall_state(session, branch, utc_now()))


@route("/branches/<code>/hall-settings", summary="The branch's emergency policy, unavailable-service policy and "
       "opening hours", capability="may_read_staff_data", tag="admin")
def get_hall_settings(code: str):
    with hub().db.read() as session:
        return jsonify(hall_settings_view(queries.branch_by_code(session, code)))


@route("/branches/<code>/hall-settings", ["PATCH"], summary="Change the emergency policy, unavailable-service "
       "policy or opening hours (admin)", capability="may_administer", body=HALL_SETTINGS_BODY, tag="admin")
def update_hall_settings(code: str):
    data = json_body(HALL_SETTINGS_BODY)
    return jsonify(hub().setup.update_hall_settings(code, data))

