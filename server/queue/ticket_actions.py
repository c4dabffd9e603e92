"""Staff acting on tickets and counters beyond call next: a supervisor moves a waiting ticket to another
service or counter, changes its priority, or closes a counter (signing its teller out) with a reason;
a teller calls one chosen ticket of those the counter may call.

One unit of work each, with a TicketEvent for every ticket move and a real-time event; the transitions
are in states.TRANSITIONS (MOVE ends a waiting ticket as transferred, with a follow-up; REPRIORITISE
keeps it waiting). Lock order as everywhere: a
counter first, then tickets (docs/architecture.md, "PostgreSQL"). Cancelling is BranchOperations.cancel.
"""
from __future__ import annotations

from sqlalchemy import select

from ..models import AuthEvent, Branch
from . import ticket_store as store
from .actors import Actor
from .counter_ops import CounterContext, CounterOperations, Guard, clean_note, event_row, follow_up_row, transition
from .errors import Conflict, Invalid, NotFound
from .states import CounterState, TicketAction, TicketStatus
from .ticket_store import PRIORITY_VALUES
from .uow import EventName

MAX_REASON = 200


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason_required", "this action needs a reason")
    if len(reason) > MAX_REASON:
        raise Invalid("reason_too_long", f"a reason is at most {MAX_REASON} characters")
    return reason


class StaffTicketOperations:
    def __init__(self, uow_factory, catalog, counters: CounterOperations):
        self._uow = uow_factory
        self.catalog = catalog
        self.counters = counters

    def _waiting_ticket(self, uow, ticket_id: int, branch_id: int | None):
        """The locked waiting ticket and its branch set-up; 404 for a ticket of another branch."""
        conn = uow.connection
        row = store.locked_ticket(conn, ticket_id)
        if row is None or (branch_id is not None and row.branch_id != branch_id):
            raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
        ticket = dict(row._mapping)
        version = conn.execute(select(Branch.config_version).where(Branch.id == ticket["branch_id"])).scalar_one()
        config = self.catalog.get(conn, ticket["branch_id"], version)
        if ticket["business_day"] in config.closed_days:
            raise Conflict("day_closed", f"ticket {ticket['number']} belongs to a closed business day")
        if ticket["status"] != TicketStatus.WAITING:
            raise Conflict("ticket_not_waiting", f"ticket {ticket['number']} is {ticket['status']}, not waiting")
        return ticket, config

    def move(self, ticket_id: int, actor: Actor, *, to_service: str | None = None, to_counter: int | None = None,
             reason: str = "", note: str = "", branch_id: int | None = None) -> dict:
        """Move a waiting ticket on to another service's queue and/or to one counter, the way a transfer
        does: it ends as `transferred` in its service (the day's settlement counts it there) and a
        follow-up with the same number and arrival time waits in the new place. A closed counter is
        refused: nobody would call it there. Returns the follow-up."""
        reason = _reason(reason)
        note = clean_note(note)
        if not to_service and to_counter is None:
            raise Invalid("move_target_missing", "give to_service, to_counter or both")
        with self._uow() as uow:
            conn = uow.connection
            ticket, config = self._waiting_ticket(uow, ticket_id, branch_id)
            service = config.services[ticket["service_id"]]
            if to_service:
                service = config.services_by_code.get(to_service)
                if service is None:
                    raise NotFound("service_not_found", f"branch has no service {to_service!r}")
            target_id = None
            if to_counter is not None:
                target = config.counters_by_number.get(to_counter)
                if target is None:
                    raise NotFound("counter_not_found", f"branch has no counter {to_counter}")
                if store.counter_state(conn, target.id) == CounterState.CLOSED:
                    raise Conflict("target_counter_closed", f"counter {to_counter} is closed",
                                   detail={"to_counter": to_counter})
                target_id = target.id
            before_service = config.services[ticket["service_id"]]
            follow_up = follow_up_row(ticket, service.id, target_id, note or ticket["note"], actor, uow.now)
            follow_up["id"] = store.insert_ticket(conn, follow_up)
            detail = {"reason": reason, "from_service": before_service.code, "to_service": service.code,
                      "to_counter": to_counter, "follow_up_id": follow_up["id"]}
            store.record_events(conn, [
                transition(conn, ticket, TicketAction.MOVE, actor, uow.now, None, detail, finished_at=uow.now),
                event_row(follow_up, TicketAction.TRANSFER_IN, None, actor, uow.now, None, {"from_ticket_id": ticket["id"]}),
            ])
            follow_view = store.ticket_dict(follow_up, config)
            uow.emit(EventName.TICKET_MOVED, config, {"ticket": store.ticket_dict(ticket, config),
                                                      "follow_up": follow_view, "reason": reason})
            uow.emit(EventName.QUEUE_CHANGED, config, {"services": sorted({before_service.id, service.id})})
        return follow_view

    def set_priority(self, ticket_id: int, priority: str, actor: Actor, *, reason: str = "",
                     branch_id: int | None = None) -> dict:
        reason = _reason(reason)
        if priority not in PRIORITY_VALUES:
            raise Invalid("invalid_priority", f"priority must be one of {', '.join(PRIORITY_VALUES)}")
        with self._uow() as uow:
            ticket, config = self._waiting_ticket(uow, ticket_id, branch_id)
            before = store.PRIORITY_NAMES.get(ticket["priority"])
            if before == priority:
                raise Conflict("priority_unchanged", f"ticket {ticket['number']} already has priority {priority}")
            detail = {"reason": reason, "from": before, "to": priority}
            store.record_events(uow.connection, [transition(uow.connection, ticket, TicketAction.REPRIORITISE,
                                                            actor, uow.now, None, detail,
                                                            priority=PRIORITY_VALUES[priority])])
            view = store.ticket_dict(ticket, config)
            uow.emit(EventName.TICKET_REPRIORITISED, config, {"ticket": view, "reason": reason})
            uow.emit(EventName.QUEUE_CHANGED, config, {"services": [ticket["service_id"]]})
        return view

    def call_ticket(self, counter_id: int, ticket_id: int, actor: Actor, *, guard: Guard | None = None) -> dict:
        """Call one chosen ticket of those this counter may call (as the teller's waiting list shows)."""
        with self.counters._at(counter_id, guard) as cx:
            cx.require_open()
            current = cx.current()
            if current is not None:
                raise Conflict("counter_busy", f"counter {cx.number} is still on ticket {current['number']}",
                               detail={"current_ticket": current["number"]})
            row = store.locked_ticket(cx.conn, ticket_id)
            if row is None or row.branch_id != cx.config.id:
                raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
            ticket = dict(row._mapping)
            cx.ensure_day_open(ticket)
            if not _may_call(cx, ticket):
                raise Conflict("not_callable_here", f"ticket {ticket['number']} is not for counter {cx.number}")
            if ticket["awaiting_check_in"]:  # as call next: a remote customer is called once here (remote.py)
                raise Conflict("not_checked_in", f"ticket {ticket['number']} has not checked in yet")
            cx.move(ticket, TicketAction.CALL, actor, {"chosen": True}, called_at=cx.uow.now, counter_id=cx.id,
                    staff_id=cx.counter["staff_id"])
            cx.set_counter(current_ticket_id=ticket["id"])
            view = cx.emit_ticket(EventName.TICKET_CALLED, ticket)
            cx.emit_queue_changed({ticket["service_id"]})
            return {"ticket": view, "completed": None}

    def close_counter(self, counter_id: int, actor: Actor, *, reason: str = "", guard: Guard | None = None) -> dict:
        """A supervisor closes a counter and signs its teller out of it, with a reason. The teller's
        terminal hears counter.closed with the reason; the sign-out is kept in auth_events."""
        reason = _reason(reason)
        with self.counters._at(counter_id, guard) as cx:
            if cx.counter["state"] == CounterState.CLOSED:
                raise Conflict("counter_closed", f"counter {cx.number} is already closed")
            if cx.counter["current_ticket_id"] is not None:
                raise Conflict("counter_busy",
                               f"counter {cx.number} still has a customer; complete or transfer first")
            staff = store.staff_row(cx.conn, cx.counter["staff_id"])
            if cx.counter["state"] == CounterState.PAUSED:
                cx.end_pause()
            cx.set_counter(state=CounterState.CLOSED, staff_id=None)
            if staff is not None:
                cx.uow.session.add(AuthEvent(at=cx.uow.now, kind="teller_signed_out", username=staff.username,
                                             detail=f"counter {cx.number} by {actor.label}: {reason}"[:200]))
            view = cx.counter_view()
            cx.uow.emit(EventName.COUNTER_CLOSED, cx.config,
                        {"counter": view, "closed_by": actor.label, "reason": reason,
                         "signed_out": staff.username if staff else None})
            cx.emit_queue_changed(cx.service_ids())
            return view


def _may_call(cx: CounterContext, ticket: dict) -> bool:
    if ticket["status"] != TicketStatus.WAITING:
        return False
    if ticket["target_counter_id"] is not None:
        return ticket["target_counter_id"] == cx.id
    return ticket["service_id"] in cx.service_ids()


__all__ = ["StaffTicketOperations", "MAX_REASON"]
