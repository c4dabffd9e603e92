"""Sign-in, branch queue views, tickets and counter actions."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from .. import auth
from ..models import Branch, Counter, Ticket
from ..queue import queries
from ..queue.clock import utc_now
from .core import ApiError, hub, json_body, principal, route

# ---------------------------------------------------------------------------- sign-in


@route("/auth/token", ["POST"], summary="Sign in with username and password; returns a bearer token",
       auth=False, body={"username": (str, True, ""), "password": (str, True, "")}, tag="auth")
def sign_in():
    data = json_body({"username": (str, True, ""), "password": (str, True, "")})
    settings = hub().settings
    now = utc_now()
    with hub().db.write() as session:
        token, user = auth.sign_in(session, data["username"], data["password"], now, settings.token_ttl_hours)
        branch = user.branch_id
        counter = None
        if branch is not None:
            code = session.get(Branch, branch).code
            counter = session.execute(
                select(Counter.id).where(Counter.staff_id == user.id, Counter.state != "closed")
            ).scalar_one_or_none()
        else:
            code = None
    return jsonify(token=token, role=user.role, username=user.username, display_name=user.display_name,
                   branch=code, counter_id=counter, expires_in_s=settings.token_ttl_hours * 3600)


@route("/auth/logout", ["POST"], summary="Revoke the token used for this request", tag="auth")
def sign_out():
    token = request.headers["Authorization"].partition(" ")[2].strip()
    with hub().db.write() as session:
        auth.revoke_token(session, token, utc_now())
    hub().principals.forget(token)
    return jsonify(ok=True)


@route("/me", summary="Who the token belongs to", tag="auth")
def me():
    p = principal()
    with hub().db.read() as session:
        branch = session.get(Branch, p.branch_id).code if p.branch_id else None
        counter = None
        if p.user_id:
            row = session.execute(
                select(Counter.id, Counter.number).where(Counter.staff_id == p.user_id, Counter.state != "closed")
            ).first()
            counter = {"id": row[0], "number": row[1]} if row else None
    return jsonify(kind=p.kind, name=p.name, role=p.role, branch=branch, device_kind=p.device_kind, counter=counter)


# ---------------------------------------------------------------------------- branch views
def _branch_for_reader(code: str):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
    auth.require_branch(principal(), branch.id)
    return branch


@route("/branches/<code>/services", summary="Active services of a branch", tag="queue")
def list_services(code: str):
    _branch_for_reader(code)
    with hub().db.read() as session:
        return jsonify(services=queries.services(session, queries.branch_by_code(session, code)))


@route("/branches/<code>/queue", summary="Per service: waiting, longest wait, estimated wait, alert level",
       tag="queue")
def queue(code: str):
    with hub().db.read() as session:
        branch_id, rows = hub().snapshots.get(session, code, utc_now())
    auth.require_branch(principal(), branch_id)
    return jsonify(branch=code, services=rows)


@route("/branches/<code>/counters", summary="Counters with state, staff and current ticket", tag="queue")
def list_counters(code: str):
    _branch_for_reader(code)
    with hub().db.read() as session:
        return jsonify(counters=queries.counters(session, queries.branch_by_code(session, code)))


@route("/branches/<code>/alerts", summary="Open alerts (add ?all=1 for cleared ones too)", tag="alerts")
def list_alerts(code: str):
    _branch_for_reader(code)
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        return jsonify(alerts=queries.alerts(session, branch, include_cleared=request.args.get("all") == "1"))


@route("/alerts/<int:alert_id>/ack", ["POST"], summary="Acknowledge an alert", tag="alerts")
def acknowledge_alert(alert_id: int):
    p = principal()
    auth.require_role(p, "supervisor", "guide")
    return jsonify(alert=hub().engine.acknowledge_alert(alert_id, p.actor, None if p.is_admin else p.branch_id))


# ---------------------------------------------------------------------------- tickets
ISSUE_BODY = {"service": (str, True, "service code, e.g. A"), "priority": (str, False, "normal | priority | vip"),
              "channel": (str, False, "kiosk | guide | mobile | api")}


@route("/branches/<code>/tickets", ["POST"], summary="Issue a ticket", body=ISSUE_BODY, tag="tickets", success=201)
def issue_ticket(code: str):
    data = json_body(ISSUE_BODY)
    p = principal()
    priority = data.get("priority") or "normal"
    default_channel = "kiosk" if p.device_kind == "kiosk" else ("guide" if p.role == "guide" else "api")
    channel = data.get("channel") or default_channel
    ticket = hub().issue_ticket(code, data["service"], p.actor, priority=priority, channel=channel,
                                guard=lambda branch_id: auth.may_issue(p, branch_id, priority, channel))
    return jsonify(ticket), 201


@route("/tickets/<int:ticket_id>", summary="One ticket with its position while waiting", tag="tickets")
def get_ticket(ticket_id: int):
    with hub().db.read() as session:
        view = queries.ticket(session, ticket_id)
        branch_id = session.get(Ticket, ticket_id).branch_id
    auth.require_branch(principal(), branch_id)
    return jsonify(view)


@route("/tickets/<int:ticket_id>/cancel", ["POST"], summary="Cancel a waiting or called ticket",
       body={"reason": (str, False, "")}, tag="tickets")
def cancel_ticket(ticket_id: int):
    data = json_body({"reason": (str, False, "")})
    p = principal()
    auth.require_role(p, "guide", "supervisor")
    with hub().db.read() as session:
        found = session.get(Ticket, ticket_id)
        if found is None:
            raise ApiError(404, "ticket_not_found", f"no ticket with id {ticket_id}")
    auth.require_branch(p, found.branch_id)
    return jsonify(hub().engine.cancel(ticket_id, p.actor, data.get("reason", "")))


@route("/public/tickets/<token>", summary="A customer's own ticket by its QR token (public)", auth=False,
       tag="tickets")
def public_ticket(token: str):
    if len(token) > 64:
        raise ApiError(404, "ticket_not_found", "no such ticket")
    with hub().db.read() as session:
        view = queries.ticket_by_token(session, token)
    public = {k: view.get(k) for k in ("number", "service", "service_name_zh", "service_name_en", "status",
                                       "counter", "people_ahead", "estimated_wait_s", "created_at", "called_at",
                                       "recall_count", "business_day")}
    return jsonify(public)


# ---------------------------------------------------------------------------- counter actions
def _counter_action(action: str):
    """The caller, and the engine's guard that checks them against the counter as it locks it."""
    p = principal()
    return p, lambda counter: auth.may_act_on_counter(p, counter, action)


@route("/counters/<int:counter_id>", summary="One counter", tag="counters")
def get_counter(counter_id: int):
    with hub().db.read() as session:
        counter = queries.counter(session, counter_id)
        auth.require_branch(principal(), counter.branch_id)
        return jsonify(queries.counter_detail(session, counter_id))


@route("/counters/<int:counter_id>/call-next", ["POST"], summary="Call the next ticket (409 counter_busy if busy)",
       body={"complete_current": (bool, False, "complete the current ticket first")}, tag="counters")
def call_next(counter_id: int):
    data = json_body({"complete_current": (bool, False, "")})
    p, guard = _counter_action("call_next")
    return jsonify(hub().engine.call_next(counter_id, p.actor, complete_current=bool(data.get("complete_current")),
                                          guard=guard))


@route("/counters/<int:counter_id>/recall", ["POST"], summary="Announce the current ticket again", tag="counters")
def recall(counter_id: int):
    json_body({})
    p, guard = _counter_action("recall")
    return jsonify(hub().engine.recall(counter_id, p.actor, guard=guard))


@route("/counters/<int:counter_id>/no-show", ["POST"], summary="The called customer did not come",
       body={"requeue": (bool, False, "put the ticket back in the queue once")}, tag="counters")
def no_show(counter_id: int):
    data = json_body({"requeue": (bool, False, "")})
    p, guard = _counter_action("no_show")
    return jsonify(hub().engine.no_show(counter_id, p.actor, requeue=bool(data.get("requeue")), guard=guard))


@route("/counters/<int:counter_id>/start", ["POST"], summary="The customer arrived; service starts", tag="counters")
def start(counter_id: int):
    json_body({})
    p, guard = _counter_action("start")
    return jsonify(hub().engine.start(counter_id, p.actor, guard=guard))


@route("/counters/<int:counter_id>/complete", ["POST"], summary="Service finished", tag="counters")
def complete(counter_id: int):
    json_body({})
    p, guard = _counter_action("complete")
    return jsonify(hub().engine.complete(counter_id, p.actor, guard=guard))


TRANSFER_BODY = {"to_service": (str, False, "service code"), "to_counter": (int, False, "counter number"),
                 "keep_arrival": (bool, False, "keep the original arrival time (default true)")}


@route("/counters/<int:counter_id>/transfer", ["POST"], summary="Transfer the current ticket", body=TRANSFER_BODY,
       tag="counters")
def transfer(counter_id: int):
    data = json_body(TRANSFER_BODY)
    p, guard = _counter_action("transfer")
    return jsonify(hub().engine.transfer(counter_id, p.actor, to_service=data.get("to_service"),
                                         to_counter=data.get("to_counter"),
                                         keep_arrival=data.get("keep_arrival", True), guard=guard))


@route("/counters/<int:counter_id>/pause", ["POST"], summary="Pause service (暫停服務) with a reason",
       body={"reason": (str, True, "why the counter is paused")}, tag="counters")
def pause(counter_id: int):
    data = json_body({"reason": (str, True, "")})
    p, guard = _counter_action("pause")
    return jsonify(hub().engine.pause(counter_id, p.actor, data["reason"], guard=guard))


@route("/counters/<int:counter_id>/resume", ["POST"], summary="Resume service", tag="counters")
def resume(counter_id: int):
    json_body({})
    p, guard = _counter_action("resume")
    return jsonify(hub().engine.resume(counter_id, p.actor, guard=guard))


@route("/counters/<int:counter_id>/open", ["POST"], summary="Open the counter; a teller signs in at it",
       tag="counters")
def open_counter(counter_id: int):
    json_body({})
    p, guard = _counter_action("open")
    staff_id = p.user_id if p.role == "teller" else None
    return jsonify(hub().engine.open_counter(counter_id, p.actor, staff_id, guard=guard))


@route("/counters/<int:counter_id>/close", ["POST"], summary="Close the counter; the teller signs out of it",
       tag="counters")
def close_counter(counter_id: int):
    json_body({})
    p, guard = _counter_action("close")
    return jsonify(hub().engine.close_counter(counter_id, p.actor, guard=guard))


@route("/counters/<int:counter_id>/rating", ["POST"], summary="Rate the ticket served last at this counter (1-5)",
       body={"score": (int, True, "1-5")}, tag="counters")
def rate(counter_id: int):
    data = json_body({"score": (int, True, "")})
    with hub().db.read() as session:
        counter = queries.counter(session, counter_id)
    p = principal()
    auth.require_branch(p, counter.branch_id)
    source = p.name if p.kind == "device" else f"staff:{p.name}"
    return jsonify(hub().engine.rate(counter_id, data["score"], p.actor, source=source)), 201
