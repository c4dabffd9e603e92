"""Appointments over REST (docs/architecture.md, "Appointments"): the public booking page's reads and
writes (no sign-in: a booking is keyed by its page's token), check-in by code at a kiosk or by staff,
and the supervisor's settings and day list."""
from __future__ import annotations

import datetime as dt

from flask import jsonify, request

from ..queue import appointment_queries as aq
from ..queue.actors import Actor
from ..queue.clock import business_day, utc_now
from ..queue.repository import branch_by_code
from .core import ApiError, hub, json_body, principal, route

CUSTOMER = Actor(kind="customer", name="appointment-page")
MAX_TOKEN = 64

BOOK_BODY = {
    "service": (str, True, "service code", {"maxLength": 4}),
    "day": (str, True, "the day, YYYY-MM-DD (branch's calendar)", {"maxLength": 10}),
    "time": (str, True, "the slot's start, HH:MM (branch's clock)", {"maxLength": 5}),
    "name": (str, True, "the customer's name", {"minLength": 1, "maxLength": 80}),
    "phone": (str, False, "phone number (this or email)", {"maxLength": 32}),
    "email": (str, False, "e-mail address (this or phone)", {"maxLength": 120}),
}
CHECK_IN_BODY = {"code": (str, True, "the appointment's code", {"minLength": 1, "maxLength": 12})}
POLICY_BODY = {
    "early_min": (int, False, "called ahead of walk-ins from this many minutes before the slot", {"minimum": 0, "maximum": 120}),
    "late_min": (int, False, "... until this many minutes after it; later: no-show", {"minimum": 0, "maximum": 240}),
    "keep_contact_days": (int, False, "days contact data is kept after the day close (0: purged at the close)",
                          {"minimum": 0, "maximum": 90}),
    "bookings_per_contact_day": (int, False, "bookings one phone or e-mail may hold per day", {"minimum": 1, "maximum": 20}),
    "horizon_days": (int, False, "how many days ahead customers may book", {"minimum": 0, "maximum": 90}),
    "prefix": (str, False, "ticket number prefix of appointment tickets", {"minLength": 1, "maxLength": 2}),
}
SERVICE_BODY = {
    "counters": (int, False, "counters set aside for appointments of this service (0: none)", {"minimum": 0, "maximum": 50}),
    "slot_min": (int, False, "slot length in minutes; null: from the service's default time", {"minimum": 5, "maximum": 240}),
}


def _day(value: str | None, field: str = "day") -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise ApiError(400, "invalid_day", f"{field} must be a date, YYYY-MM-DD", {"field": field}) from None


def _token(token: str) -> str:
    if len(token) > MAX_TOKEN:
        raise ApiError(404, "appointment_not_found", "no such appointment")
    return token


# ---------------------------------------------------------------------------- the public booking page
@route("/public/branches/<code>/appointments", summary="Services taking appointments and the days one may "
       "book (public)", capability="public", tag="appointments")
def appointment_bookable(code: str):
    with hub().db.read() as session:
        branch = branch_by_code(session, code)
        return jsonify(services=aq.bookable_services(session, branch), days=aq.bookable_days(session, branch, utc_now()))


@route("/public/branches/<code>/appointments/slots", summary="A service's slots of one day with their free "
       "places (public)", capability="public", tag="appointments",
       query={"service": (str, "service code", {}), "day": (str, "YYYY-MM-DD", {})})
def appointment_slots(code: str):
    day = _day(request.args.get("day"))
    with hub().db.read() as session:
        branch = branch_by_code(session, code)
        return jsonify(slots=aq.free_slots(session, branch, request.args.get("service", ""), day, utc_now()))


@route("/public/branches/<code>/appointments", ["POST"], summary="Book a slot (public): answers the code and the "
       "token of the appointment's page", capability="public", body=BOOK_BODY, tag="appointments", success=201)
def appointment_book(code: str):
    data = json_body(BOOK_BODY)
    view = hub().engine.appointments.book(code, data["service"], _day(data["day"]), data["time"], data["name"],
                                          data.get("phone"), data.get("email"))
    return jsonify(view), 201


@route("/public/appointments/<token>", summary="An appointment by its page's token (public, no contact data)",
       capability="public", tag="appointments")
def public_appointment(token: str):
    with hub().db.read() as session:
        view, _branch = aq.by_token(session, _token(token))
    return jsonify(view)


@route("/public/appointments/<token>/cancel", ["POST"], summary="The customer cancels their appointment (public)",
       capability="public", tag="appointments")
def appointment_cancel(token: str):
    return jsonify(hub().engine.appointments.cancel(_token(token)))


@route("/public/appointments/<token>/check-in", ["POST"], summary="The customer checks in from the appointment "
       "page (public): answers the ticket and its tracking token", capability="public", tag="appointments")
def appointment_check_in_by_token(token: str):
    return jsonify(hub().engine.appointments.check_in(CUSTOMER, token=_token(token)))


# ---------------------------------------------------------------------------- kiosk and staff
@route("/branches/<code>/appointments/check-in", ["POST"], summary="Check in an appointment by its code (kiosk, "
       "guide): issues its ticket", capability="may_issue_ticket", body=CHECK_IN_BODY, tag="appointments")
def appointment_check_in_by_code(code: str):
    data = json_body(CHECK_IN_BODY)
    return jsonify(check_in_by_code(code, data["code"]))


def check_in_by_code(branch_code: str, appointment_code: str) -> dict:
    """Check in by code for the caller; also the kiosk's one check-in (check_in_routes.py)."""
    p = principal()
    result = hub().engine.appointments.check_in(p.actor, branch_code=branch_code, code=appointment_code)
    if p.kind == "device":  # a kiosk prints the ticket as it prints any other (Hub.ticket_hooks)
        ticket = dict(result["ticket"], tracking_token=result["tracking_token"])
        for hook in hub().ticket_hooks:
            ticket = hook(branch_code, ticket, p.actor) or ticket
        result["ticket"] = ticket
    return result


@route("/branches/<code>/appointments", summary="The day's appointments; name, phone and e-mail only with "
       "contact=1 (staff)", capability="may_read_staff_data", tag="appointments",
       query={"day": (str, "YYYY-MM-DD; default today", {}), "contact": (str, "1: include contact data", {})})
def appointment_day_list(code: str):
    with hub().db.read() as session:
        branch = branch_by_code(session, code)
        day = _day(request.args["day"]) if request.args.get("day") else business_day(utc_now(), branch.timezone)
        # Privacy (docs/architecture.md, "Appointments"): contact data leaves only when asked for.
        contact = request.args.get("contact") == "1"
        return jsonify(day=day.isoformat(), appointments=aq.day_bookings(session, branch, day, contact=contact),
                       counts=aq.day_counts(session, branch.id, day, day))


@route("/branches/<code>/appointment-settings", summary="Appointment rules and each service's counters set aside "
       "and slot length (staff)", capability="may_read_staff_data", tag="appointments")
def appointment_get_settings(code: str):
    with hub().db.read() as session:
        return jsonify(aq.settings_view(session, branch_by_code(session, code)))


@route("/branches/<code>/appointment-settings", ["PATCH"], summary="Change the branch's appointment rules "
       "(supervisor)", capability="may_supervise", body=POLICY_BODY, tag="appointments")
def appointment_update_policy(code: str):
    data = {k: v for k, v in json_body(POLICY_BODY).items() if v is not None}
    return jsonify(policy=hub().engine.appointments.update_policy(code, data, principal().actor))


@route("/branches/<code>/appointment-settings/services/<service_code>", ["PUT"], summary="Counters set aside for "
       "appointments of a service and its slot length (supervisor)", capability="may_supervise",
       body=SERVICE_BODY, tag="appointments")
def appointment_update_service(code: str, service_code: str):
    data = json_body(SERVICE_BODY, allow_empty=True)
    return jsonify(hub().engine.appointments.update_service(
        code, service_code, data.get("counters"), data.get("slot_min"), principal().actor,
        clear_slot="slot_min" in data and data["slot_min"] is None))
