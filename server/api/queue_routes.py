"""Sign-in, branch queue views, tickets and counter actions."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from .. import audit, auth, permissions
from ..audiences import MAX_TRACKING_TOKEN, OWN_TICKET, PUBLIC_TICKET, pick, public_counter, public_queue
from ..models import Branch, Counter
from ..queue import queries
from ..queue.clock import utc_now
from ..signin_throttle import retry_after
from .core import ApiError, error_response, hub, json_body, principal, route

# ---------------------------------------------------------------------------- sign-in


SIGN_IN_BODY = {"username": (str, True, "", {"minLength": 1, "maxLength": 64}),
                "password": (str, True, "", {"minLength": 1, "maxLength": 256})}


@route("/auth/token", ["POST"], summary="Sign in with username and password; returns a bearer token (429 while "
       "throttled)", capability="public", body=SIGN_IN_BODY, tag="auth")
def sign_in():
    data = json_body(SIGN_IN_BODY)
    settings, throttle = hub().settings, hub().signin_throttle
    username, address = data["username"], request.remote_addr
    now = utc_now()
    wait = throttle.wait_s(username, address)
    if wait > 0:  # refused before the password is looked at: guessing faster gains nothing
        response = error_response(429, "too_many_attempts", "too many failed sign-ins; try again later",
                                  {"retry_after_s": int(retry_after(wait))})
        response.headers["Retry-After"] = retry_after(wait)
        return response
    try:
        with hub().db.write() as session:
            token, user = auth.sign_in(session, username, data["password"], now, settings.token_ttl_hours)
            audit.record(session, "sign_in", now, username=username, address=address)
            code = session.get(Branch, user.branch_id).code if user.branch_id is not None else None
            counter = None if code is None else session.execute(
                select(Counter.id).where(Counter.staff_id == user.id, Counter.state != "closed")
            ).scalar_one_or_none()
    except auth.Unauthorized:
        locked = throttle.failed(username, address)
        with hub().db.write() as session:
            audit.record(session, "sign_in_failed", now, username=username, address=address)
            if locked:
                audit.record(session, "sign_in_locked", now, username=username, address=address,
                             detail=f"locked for {settings.signin_lockout_s:g} s")
        raise
    throttle.succeeded(username)
    return jsonify(token=token, role=user.role, username=user.username, display_name=user.display_name,
                   branch=code, counter_id=counter, expires_in_s=settings.token_ttl_hours * 3600)


@route("/auth/logout", ["POST"], summary="Revoke the token used for this request", capability="signed_in",
       tag="auth")
def sign_out():
    json_body({})
    token = request.headers["Authorization"].partition(" ")[2].strip()
    now = utc_now()
    with hub().db.write() as session:
        row = auth.revoke_token(session, token, now)
        audit.record(session, "sign_out", now, username=principal().name, address=request.remote_addr,
                     token_id=row.id if row is not None else None)
    hub().principals.forget(token)
    hub().realtime.drop_token(token)  # its sockets leave their staff rooms now, not at the next check
    return jsonify(ok=True)


@route("/me", summary="Who the token belongs to", capability="signed_in", tag="auth")
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
# The registry has checked the branch against the route's capability before any handler here runs.
def _branch(code: str):
    with hub().db.read() as session:
        return queries.branch_by_code(session, code)


@route("/branches/<code>/services", summary="Active services of a branch", capability="may_watch_branch", tag="queue")
def list_services(code: str):
    with hub().db.read() as session:
        return jsonify(services=queries.services(session, queries.branch_by_code(session, code)))


@route("/branches/<code>/queue", summary="Per service: waiting, longest wait, estimated wait, alert level "
       "(devices: the public fields)", capability="may_watch_branch", tag="queue")
def queue(code: str):
    with hub().db.read() as session:
        _, rows = hub().snapshots.get(session, code, utc_now())
    # Devices get the fields the lobby display gets over Socket.IO (audiences.PUBLIC_QUEUE).
    return jsonify(branch=code, services=rows if permissions.sees_staff_data(principal()) else public_queue(rows))


@route("/branches/<code>/counters", summary="Counters with state, staff and current ticket (devices: the public "
       "fields)", capability="may_watch_branch", tag="queue")
def list_counters(code: str):
    with hub().db.read() as session:
        rows = queries.counters(session, queries.branch_by_code(session, code))
    return jsonify(counters=rows if permissions.sees_staff_data(principal()) else [public_counter(c) for c in rows])


@route("/branches/<code>/alerts", summary="Open alerts (add ?all=1 for cleared ones too)",

       capability="may_read_staff_data", tag="alerts",
       query={"all": (str, "1: cleared ones too", {"enum": ["0", "1"]})})
def list_alerts(code: str):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        return jsonify(alerts=queries.alerts(session, branch, include_cleared=request.args.get("all") == "1"))


@route("/alerts/<int:alert_id>/ack", ["POST"], summary="Acknowledge an alert", capability="may_guide",
       tag="alerts")
def acknowledge_alert(alert_id: int):
    json_body({})
    p = principal()
    return jsonify(alert=hub().engine.acknowledge_alert(alert_id, p.actor, None if p.is_admin else p.branch_id))


# ---------------------------------------------------------------------------- tickets
ISSUE_BODY = {"service": (str, True, "service code, e.g. A", {"minLength": 1, "maxLength": 4}),
              "priority": (str, False, "normal | priority | vip", {"enum": ["normal", "priority", "vip"]}),
              "channel": (str, False, "kiosk | guide | mobile | api (a kiosk: kiosk only; guide: guides)",
                          {"enum": ["kiosk", "guide", "mobile", "api"]})}


@route("/branches/<code>/tickets", ["POST"], summary="Issue a ticket", capability="may_issue_ticket",
       body=ISSUE_BODY, tag="tickets", success=201, scope_in_engine=True)
def issue_ticket(code: str):
    data = json_body(ISSUE_BODY)
    p = principal()
    priority = data.get("priority") or "normal"
    default_channel = "kiosk" if p.device_kind == "kiosk" else ("guide" if p.role == "guide" else "api")
    channel = data.get("channel") or default_channel
    ticket = hub().issue_ticket(code, data["service"], p.actor, priority=priority, channel=channel,
                                guard=lambda branch_id: permissions.may_issue(p, branch_id, priority, channel))
    return jsonify(ticket), 201


@route("/tickets/<int:ticket_id>", summary="One ticket with its position while waiting (devices: the public "
       "fields)", capability="may_watch_branch", tag="tickets")
def get_ticket(ticket_id: int):
    with hub().db.read() as session:
        view = queries.ticket(session, ticket_id)
    return jsonify(view if permissions.sees_staff_data(principal()) else pick(view, PUBLIC_TICKET))


CANCEL_BODY = {"reason": (str, False, "", {"maxLength": 300})}


@route("/tickets/<int:ticket_id>/cancel", ["POST"], summary="Cancel a waiting or called ticket",
       capability="may_guide", body=CANCEL_BODY, tag="tickets")
def cancel_ticket(ticket_id: int):
    data = json_body(CANCEL_BODY)
    p = principal()
    return jsonify(hub().engine.cancel(ticket_id, p.actor, data.get("reason", "")))


@route("/public/tickets/<token>", summary="A customer's own ticket by its QR token (public)", capability="public",
       tag="tickets")
def public_ticket(token: str):
    if len(token) > MAX_TRACKING_TOKEN:
        raise ApiError(404, "ticket_not_found", "no such ticket")
    with hub().db.read() as session:
        view = queries.ticket_by_token(session, token)
    return jsonify(pick(view, OWN_TICKET))  # what the ticket page's own socket room sees


# ---------------------------------------------------------------------------- counter actions
def _counter_action(action: str):
    """The caller, and the engine's guard that checks them again against the counter as it locks it."""
    p = principal()
    bound: set[int] = set()
    if p.kind == "device":  # only a device token acts for bound counters
        with hub().db.read() as session:
            bound = permissions.bound_counter_ids(session, p)
    return p, lambda counter: permissions.require("may_operate_counter", p, counter=counter, bound_counters=bound,
                                                  action=action)


@route("/counters/<int:counter_id>", summary="One counter (devices: the public fields)",
       capability="may_watch_branch", tag="counters")
def get_counter(counter_id: int):
    with hub().db.read() as session:
        view = queries.counter_detail(session, counter_id)
    return jsonify(view if permissions.sees_staff_data(principal()) else public_counter(view))


@route("/counters/<int:counter_id>/call-next", ["POST"], summary="Call the next ticket (409 counter_busy if busy)",
       capability="may_operate_counter",
       body={"complete_current": (bool, False, "complete the current ticket first")}, tag="counters", scope_in_engine=True)
def call_next(counter_id: int):
    data = json_body({"complete_current": (bool, False, "")})
    p, guard = _counter_action("call_next")
    return jsonify(hub().engine.call_next(counter_id, p.actor, complete_current=bool(data.get("complete_current")),
                                          guard=guard))


@route("/counters/<int:counter_id>/recall", ["POST"], summary="Announce the current ticket again",
       capability="may_operate_counter", tag="counters", scope_in_engine=True)
def recall(counter_id: int):
    json_body({})
    p, guard = _counter_action("recall")
    return jsonify(hub().engine.recall(counter_id, p.actor, guard=guard))


@route("/counters/<int:counter_id>/no-show", ["POST"], summary="The called customer did not come",
       capability="may_operate_counter",
       body={"requeue": (bool, False, "put the ticket back in the queue once")}, tag="counters", scope_in_engine=True)
def no_show(counter_id: int):
    data = json_body({"requeue": (bool, False, "")})
    p, guard = _counter_action("no_show")
    return jsonify(hub().engine.no_show(counter_id, p.actor, requeue=bool(data.get("requeue")), guard=guard))


@route("/counters/<int:counter_id>/start", ["POST"], summary="The customer arrived; service starts",
       capability="may_operate_counter", tag="counters", scope_in_engine=True)
def start(counter_id: int):
    json_body({})
    p, guard = _counter_action("start")
    return jsonify(hub().engine.start(counter_id, p.actor, guard=guard))


@route("/counters/<int:counter_id>/complete", ["POST"], summary="Service finished",
       capability="may_operate_counter", tag="counters", scope_in_engine=True)
def complete(counter_id: int):
    json_body({})
    p, guard = _counter_action("complete")
    return jsonify(hub().engine.complete(counter_id, p.actor, guard=guard))


TRANSFER_BODY = {"to_service": (str, False, "service code", {"minLength": 1, "maxLength": 4}),
                 "to_counter": (int, False, "counter number", {"minimum": 1, "maximum": 999}),
                 "keep_arrival": (bool, False, "keep the original arrival time (default true)"),
                 "note": (str, False, "for the teller who calls it next", {"maxLength": 200})}


@route("/counters/<int:counter_id>/transfer", ["POST"], summary="Transfer the current ticket (a closed counter: "
       "409 target_counter_closed; send to_service alone for the service queue)",
       capability="may_operate_counter", body=TRANSFER_BODY,
       tag="counters", scope_in_engine=True)
def transfer(counter_id: int):
    data = json_body(TRANSFER_BODY)
    p, guard = _counter_action("transfer")
    return jsonify(hub().engine.transfer(counter_id, p.actor, to_service=data.get("to_service"),
                                         to_counter=data.get("to_counter"),
                                         keep_arrival=data.get("keep_arrival", True), note=data.get("note") or "",
                                         guard=guard))


PAUSE_BODY = {"reason": (str, True, "why the counter is paused", {"minLength": 1, "maxLength": 120})}


@route("/counters/<int:counter_id>/pause", ["POST"], summary="Pause service (暫停服務) with a reason",
       capability="may_operate_counter",
       body=PAUSE_BODY, tag="counters", scope_in_engine=True)
def pause(counter_id: int):
    data = json_body(PAUSE_BODY)
    p, guard = _counter_action("pause")
    return jsonify(hub().engine.pause(counter_id, p.actor, data["reason"], guard=guard))


@route("/counters/<int:counter_id>/resume", ["POST"], summary="Resume service",
       capability="may_operate_counter", tag="counters", scope_in_engine=True)
def resume(counter_id: int):
    json_body({})
    p, guard = _counter_action("resume")
    return jsonify(hub().engine.resume(counter_id, p.actor, guard=guard))


@route("/counters/<int:counter_id>/open", ["POST"], summary="Open the counter; a teller signs in at it",
       capability="may_operate_counter",
       tag="counters", scope_in_engine=True)
def open_counter(counter_id: int):
    json_body({})
    p, guard = _counter_action("open")
    staff_id = p.user_id if p.role == "teller" else None
    return jsonify(hub().engine.open_counter(counter_id, p.actor, staff_id, guard=guard))


@route("/counters/<int:counter_id>/close", ["POST"], summary="Close the counter; the teller signs out of it",
       capability="may_operate_counter",
       tag="counters", scope_in_engine=True)
def close_counter(counter_id: int):
    json_body({})
    p, guard = _counter_action("close")
    return jsonify(hub().engine.close_counter(counter_id, p.actor, guard=guard))


RATING_BODY = {"score": (int, True, "1-5", {"minimum": 1, "maximum": 5})}


@route("/counters/<int:counter_id>/rating", ["POST"], summary="Rate the ticket served last at this counter (1-5): "
       "only the rating pad bound to this counter", capability="may_rate", body=RATING_BODY, tag="counters",
       success=201)
def rate(counter_id: int):
    data = json_body(RATING_BODY)
    p = principal()  # a pad token bound to this counter: the registry checked, the guard checks again
    with hub().db.read() as session:
        bound = permissions.bound_counter_ids(session, p)
    guard = lambda counter: permissions.require("may_rate", p, counter=counter, bound_counters=bound)  # noqa: E731
    return jsonify(hub().engine.rate(counter_id, data["score"], p.actor, source=f"pad:{p.name}", guard=guard)), 201


# The customer's own rating may carry a short comment for the comment book (server/queue/comments.py).
OWN_RATING_BODY = {**RATING_BODY, "comment": (str, False, "a short comment (意見簿)", {"maxLength": 1000})}


@route("/public/tickets/<token>/rating", ["POST"], summary="The customer rates their own ticket (1-5) from its "
       "ticket page, with an optional short comment: once, within the rating window after service (public)",
       capability="public", body=OWN_RATING_BODY, tag="tickets", success=201)
def rate_own_ticket(token: str):
    data = json_body(OWN_RATING_BODY)
    if len(token) > MAX_TRACKING_TOKEN:
        raise ApiError(404, "ticket_not_found", "no such ticket")
    result = hub().engine.rate_ticket(token, data["score"], window_s=hub().settings.rating_window_s,
                                      comment=data.get("comment") or "")
    answer = {k: result[k] for k in ("number", "score")}
    if "comment_id" in result:
        answer["comment"] = True  # it is in the comment book
    return jsonify(answer), 201
