"""Staff acting on tickets: the waiting lists, moving and reprioritising a waiting ticket, calling a chosen
ticket, where a transfer may go, and a supervisor closing a counter (signing its teller out).

Each change is one engine operation (server/queue/ticket_actions.py); cancelling is queue_routes'
/tickets/<id>/cancel. The registry has checked the path's branch or counter before a handler runs.
"""
from __future__ import annotations

from flask import jsonify, request

from ..queue import queries, waiting_lists
from ..queue.clock import utc_now
from ..queue.ticket_actions import MAX_REASON
from .core import hub, json_body, principal, route
from .queue_routes import _counter_action

REASON = (str, True, "why (kept with the ticket's history)", {"minLength": 1, "maxLength": MAX_REASON})
NOTE = (str, False, "a note for the teller who calls it next", {"maxLength": 200})


@route("/branches/<code>/waiting", summary="Waiting tickets per service in queue order (filter by service, search "
       "by number)", capability="may_read_staff_data", tag="tickets",
       query={"service": (str, "service code", {"maxLength": 4}), "q": (str, "part of a number", {"maxLength": 16})})
def waiting(code: str):
    with hub().db.read() as session:
        rows = waiting_lists.waiting_tickets(session, queries.branch_by_code(session, code).id, utc_now(), service=request.args.get("service") or None,
                                             search=request.args.get("q") or None)
    return jsonify(tickets=rows)


MOVE_BODY = {"to_service": (str, False, "service code", {"minLength": 1, "maxLength": 4}),
             "to_counter": (int, False, "counter number", {"minimum": 1, "maximum": 999}),
             "reason": REASON, "note": NOTE}


@route("/tickets/<int:ticket_id>/move", ["POST"], summary="Move a waiting ticket to another service or counter "
       "(a closed counter: 409 target_counter_closed)", capability="may_supervise", body=MOVE_BODY, tag="tickets")
def move_ticket(ticket_id: int):
    data = json_body(MOVE_BODY)
    p = principal()
    return jsonify(hub().engine.staff.move(ticket_id, p.actor, to_service=data.get("to_service"),
                                           to_counter=data.get("to_counter"), reason=data["reason"],
                                           note=data.get("note") or ""))


PRIORITY_BODY = {"priority": (str, True, "normal | priority | vip", {"enum": ["normal", "priority", "vip"]}),
                 "reason": REASON}


@route("/tickets/<int:ticket_id>/priority", ["POST"], summary="Change a waiting ticket's priority",
       capability="may_supervise", body=PRIORITY_BODY, tag="tickets")
def reprioritise(ticket_id: int):
    data = json_body(PRIORITY_BODY)
    p = principal()
    return jsonify(hub().engine.staff.set_priority(ticket_id, data["priority"], p.actor, reason=data["reason"]))


@route("/counters/<int:counter_id>/callable", summary="The tickets this counter may call, in call-next order; "
       "remote tickets not checked in apart (not_checked_in, not callable)", capability="may_operate_counter",
       tag="counters")
def callable_tickets(counter_id: int):
    now = utc_now()
    with hub().db.read() as session:
        return jsonify(tickets=waiting_lists.callable_tickets(session, counter_id, now),
                       not_checked_in=waiting_lists.not_checked_in_tickets(session, counter_id, now))


CALL_TICKET_BODY = {"ticket_id": (int, True, "one of /callable", {"minimum": 1, "maximum": 2**31 - 1})}


@route("/counters/<int:counter_id>/call-ticket", ["POST"], summary="Call one chosen ticket this counter may call "
       "(409 not_callable_here, counter_busy)", capability="may_operate_counter", body=CALL_TICKET_BODY,
       tag="counters", scope_in_engine=True)
def call_ticket(counter_id: int):
    data = json_body(CALL_TICKET_BODY)
    p, guard = _counter_action("call_ticket")
    return jsonify(hub().engine.staff.call_ticket(counter_id, data["ticket_id"], p.actor, guard=guard))


@route("/counters/<int:counter_id>/transfer-targets", summary="Other counters with state, teller and waiting "
       "count; services with waiting count and open counters", capability="may_operate_counter", tag="counters")
def transfer_targets(counter_id: int):
    with hub().db.read() as session:
        return jsonify(waiting_lists.transfer_targets(session, counter_id))


CLOSE_BODY = {"reason": REASON}


@route("/counters/<int:counter_id>/supervisor-close", ["POST"], summary="A supervisor closes the counter and signs "
       "its teller out, with a reason", capability="may_supervise", body=CLOSE_BODY, tag="counters")
def supervisor_close(counter_id: int):
    data = json_body(CLOSE_BODY)
    p = principal()
    return jsonify(hub().engine.staff.close_counter(counter_id, p.actor, reason=data["reason"]))
