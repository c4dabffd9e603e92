"""The kiosk's one check-in (docs/architecture.md, "Kiosk check-in"): the customer types whatever they
hold — an appointment's code or the number of a ticket taken on a phone — and the hub tries both
domain operations as they are, the appointment first (its codes avoid the digits of ticket numbers)."""
from __future__ import annotations

from flask import jsonify

from ..queue.errors import DomainError
from .appointment_routes import check_in_by_code
from .core import ApiError, hub, json_body, principal, route

BODY = {"code": (str, True, "an appointment code (e.g. K7QX3M) or a remote ticket's number (e.g. A012)",
                 {"minLength": 1, "maxLength": 16})}
# Errors that only mean "not this kind of check-in": the other kind is tried, or nothing matched.
_NOT_AN_APPOINTMENT = {"appointment_not_found"}
_NOT_A_REMOTE_TICKET = {"ticket_not_found", "not_remote"}


@route("/branches/<code>/check-in", ["POST"], summary="Check in by an appointment code or a remote ticket's "
       "number (the kiosk's one check-in): answers kind = appointment (with its new ticket, printed at a "
       "kiosk) or remote", capability="may_issue_ticket", body=BODY, tag="remote")
def check_in_either(code: str):
    typed = json_body(BODY)["code"].strip()
    try:
        return jsonify(kind="appointment", **check_in_by_code(code, typed))
    except DomainError as err:
        if err.code not in _NOT_AN_APPOINTMENT:
            raise
    p = principal()
    via = "kiosk" if p.kind == "device" else "staff"
    try:
        ticket = hub().engine.remote.check_in(via, p.actor, branch_code=code, number=typed)
    except DomainError as err:
        if err.code not in _NOT_A_REMOTE_TICKET:
            raise
        raise ApiError(404, "nothing_to_check_in", "no appointment with this code and no waiting remote "
                       "ticket with this number here") from None
    return jsonify(kind="remote", ticket=ticket)
