"""The remote queue over REST (docs/architecture.md, "Remote queue"): the branch page's data and proof,
taking a ticket from a phone, check-in (door, kiosk, staff), a missed customer's rejoin, the branch's
remote settings, the door poster and the supervisor's list of remote tickets with their contacts."""
from __future__ import annotations

from flask import jsonify, make_response, request
from sqlalchemy import select

from .. import i18n
from ..audiences import MAX_TRACKING_TOKEN, public_queue
from ..models import Branch, RemoteTicket, Ticket
from ..queue import queries
from ..queue.clock import business_day, iso_utc, utc_now
from ..queue.remote import SETTING_RANGES, FLAGS, TooMany, read_settings
from ..remote import proof
from .console_routes import qr_data_url
from .core import ApiError, error_response, hub, json_body, principal, route


def _secret() -> str:
    return hub().settings.secret_key


def _branch(session, code: str) -> Branch:
    return queries.branch_by_code(session, code)


def _device() -> str | None:
    return proof.valid_device(request.cookies.get(proof.DEVICE_COOKIE))


def _with_device_cookie(response, device: str):
    # Lax: sent when the customer comes back from a link; HttpOnly: the page's script never needs it.
    response.set_cookie(proof.DEVICE_COOKIE, device, max_age=365 * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


def _public_base() -> str:
    return (hub().settings.public_base_url or request.url_root).rstrip("/")


# ---------------------------------------------------------------------------- the branch page
@route("/public/branches/<code>/remote", summary="The branch page's data: services with people waiting and "
       "estimated wait, and a short-lived proof for taking a ticket (public; sets the device cookie)",
       capability="public", tag="remote")
def remote_branch(code: str):
    with hub().db.read() as session:
        branch = _branch(session, code)
        settings = read_settings(session, branch.id)
        _, rows = hub().snapshots.get(session, code, utc_now())
        hall = queries.hall_state(session, branch, utc_now())
    device = _device() or proof.new_device_id()
    services = [row for row in public_queue(rows) if not row.get("guide_only")]
    body = {"branch": {"code": branch.code, "name_zh": branch.name_zh, "name_en": branch.name_en,
                       "name_zh_hans": branch.name_zh_hans},
            "enabled": settings["enabled"], "hall": hall, "services": services,
            "proof": proof.issue_proof(_secret(), branch.code, device) if settings["enabled"] else None,
            "proof_max_age_s": settings["proof_max_age_s"], "check_in_needed": not settings["call_without_check_in"],
            "book_url": f"/b/{branch.code}/book"}
    return _with_device_cookie(make_response(jsonify(body)), device)


TAKE_BODY = {"service": (str, True, "service code, e.g. A", {"minLength": 1, "maxLength": 4}),
             "proof": (str, True, "the proof from GET /public/branches/<code>/remote", {"minLength": 1,
                                                                                        "maxLength": 300}),
             "contact": (str, False, "a phone number or e-mail address for the notices (optional; kept until "
                         "the day close unless the branch says otherwise)", {"maxLength": 120}),
             "locale": (str, False, "the page's language (zh_Hant, zh_Hans, en): the notices speak it; else the "
                        "cf_lang cookie or Accept-Language", {"maxLength": 16})}


@route("/public/branches/<code>/remote-tickets", ["POST"], summary="Take a ticket from a phone (channel remote; "
       "needs the branch page's proof and the device cookie; 429 past the limits)", capability="public",
       body=TAKE_BODY, tag="remote", success=201)
def take_remote_ticket(code: str):
    data = json_body(TAKE_BODY)
    with hub().db.read() as session:
        settings = read_settings(session, _branch(session, code).id)
    device = _device()
    proof.check_proof(_secret(), data["proof"], code, device, settings["proof_max_age_s"])
    contact = proof.normalise_contact(data.get("contact"))
    if contact is not None and not proof.valid_contact(contact):
        raise ApiError(400, "invalid_contact", "give a phone number (digits) or an e-mail address")
    keys = proof.limit_keys(_secret(), device, request.remote_addr, contact)
    try:
        ticket = hub().engine.remote.take(code, data["service"], keys, contact=contact,
                                          locale=i18n.normalize(data.get("locale")) or i18n.select_locale())
    except TooMany as err:
        response = error_response(429, err.code, err.message, err.detail)
        response.headers["Retry-After"] = str(err.detail.get("retry_after_s", 60))
        return response
    ticket["ticket_url"] = f"{_public_base()}/t/{ticket['tracking_token']}"
    return jsonify(ticket), 201


# ---------------------------------------------------------------------------- check-in
DOOR_BODY = {"door_key": (str, True, "the key in the door poster's URL", {"minLength": 1, "maxLength": 64})}


@route("/public/tickets/<token>/check-in", ["POST"], summary="Check a remote ticket in at the door: the phone "
       "holding the ticket scanned the branch's door poster (public)", capability="public", body=DOOR_BODY,
       tag="remote")
def door_check_in(token: str):
    data = json_body(DOOR_BODY)
    if len(token) > MAX_TRACKING_TOKEN:
        raise ApiError(404, "ticket_not_found", "no such ticket")
    with hub().db.read() as session:
        row = session.execute(select(Branch.code).join(Ticket, Ticket.branch_id == Branch.id)
                              .where(Ticket.public_token == token)).first()
    if row is None:
        raise ApiError(404, "ticket_not_found", "no such ticket")
    if data["door_key"] != proof.door_key(_secret(), row.code):
        raise ApiError(403, "wrong_door", "this is not the door poster of the ticket's branch")
    return jsonify(hub().engine.remote.check_in("door", token=token))


NUMBER_BODY = {"number": (str, True, "the ticket number, e.g. A012", {"minLength": 2, "maxLength": 16})}


@route("/branches/<code>/remote/check-in", ["POST"], summary="Check a remote ticket in by its number (the kiosk, "
       "or staff)", capability="may_issue_ticket", body=NUMBER_BODY, tag="remote")
def number_check_in(code: str):
    data = json_body(NUMBER_BODY)
    p = principal()
    via = "kiosk" if p.kind == "device" else "staff"
    return jsonify(hub().engine.remote.check_in(via, p.actor, branch_code=code, number=data["number"]))


@route("/tickets/<int:ticket_id>/check-in", ["POST"], summary="A guide checks a remote ticket in (supervisor's "
       "ticket list)", capability="may_guide", tag="remote")
def staff_check_in(ticket_id: int):
    json_body({})
    return jsonify(hub().engine.remote.check_in("staff", principal().actor, ticket_id=ticket_id))


# ---------------------------------------------------------------------------- rejoin
@route("/public/tickets/<token>/rejoin", ["POST"], summary="A missed (no-show) customer takes a new ticket of "
       "the same service from the ticket page, within the branch's window, once (public)", capability="public",
       tag="remote", success=201)
def rejoin(token: str):
    json_body({})
    if len(token) > MAX_TRACKING_TOKEN:
        raise ApiError(404, "ticket_not_found", "no such ticket")
    ticket = hub().engine.remote.rejoin(token)
    ticket["ticket_url"] = f"{_public_base()}/t/{ticket['tracking_token']}"
    return jsonify(ticket), 201


# ---------------------------------------------------------------------------- settings and the supervisor's side
SETTINGS_BODY = {name: (bool, False, "", {}) for name in FLAGS} | {
    name: (int, False, f"{lo}..{hi}", {"minimum": lo, "maximum": hi}) for name, (lo, hi) in SETTING_RANGES.items()}


@route("/branches/<code>/remote-settings", summary="The branch's remote-queue settings",
       capability="may_read_staff_data", tag="remote")
def get_remote_settings(code: str):
    with hub().db.read() as session:
        return jsonify(read_settings(session, _branch(session, code).id))


@route("/branches/<code>/remote-settings", ["PATCH"], summary="Change the branch's remote-queue settings "
       "(contact_keep_hours null: until the day close)", capability="may_supervise", body=SETTINGS_BODY,
       tag="remote")
def patch_remote_settings(code: str):
    raw = json_body(allow_empty=True)
    json_body(SETTINGS_BODY, allow_empty=True)  # types and ranges (null passes: "until the day close")
    p = principal()
    return jsonify(hub().engine.remote.update_settings(code, raw, by=p.name, actor=p.actor))


@route("/branches/<code>/remote/door-poster", summary="The door poster's URL and its QR code: scanned by the "
       "phone holding a remote ticket, it checks the ticket in", capability="may_supervise", tag="remote")
def door_poster(code: str):
    with hub().db.read() as session:
        branch = _branch(session, code)
    url = f"{_public_base()}/b/{branch.code}/door?k={proof.door_key(_secret(), branch.code)}"
    return jsonify(url=url, qr=qr_data_url(url), branch_page=f"{_public_base()}/b/{branch.code}")


@route("/branches/<code>/remote-tickets", summary="Today's remote tickets; contacts only with "
       "?include_contacts=1 (never in the reports' exports)", capability="may_read_reports", tag="remote",
       query={"include_contacts": (str, "1: add each ticket's phone or e-mail", {"enum": ["0", "1"]})})
def list_remote_tickets(code: str):
    include = request.args.get("include_contacts") == "1"
    with hub().db.read() as session:
        branch = _branch(session, code)
        day = business_day(utc_now(), branch.timezone)
        rows = session.execute(
            select(Ticket.id, Ticket.number, Ticket.status, Ticket.awaiting_check_in, RemoteTicket.created_at,
                   RemoteTicket.checked_in_at, RemoteTicket.checked_in_via, RemoteTicket.contact,
                   RemoteTicket.rejoined_from_id)
            .join(RemoteTicket, RemoteTicket.ticket_id == Ticket.id)
            .where(Ticket.branch_id == branch.id, Ticket.business_day == day).order_by(Ticket.id)).all()
    tickets = []
    for r in rows:
        item = {"id": r.id, "number": r.number, "status": r.status, "awaiting_check_in": r.awaiting_check_in,
                "taken_at": iso_utc(r.created_at), "checked_in_at": iso_utc(r.checked_in_at),
                "checked_in_via": r.checked_in_via, "rejoined_from_id": r.rejoined_from_id,
                "has_contact": r.contact is not None}
        if include:
            item["contact"] = r.contact
        tickets.append(item)
    return jsonify(business_day=day.isoformat(), tickets=tickets)
