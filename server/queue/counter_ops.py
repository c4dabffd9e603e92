"""What a teller does at a counter: call next, recall, start, complete, no-show, transfer, pause,
resume, open, close, policy, and the customer's rating. One unit of work each, on Core statements.

Every ticket transition goes through `_move`, which checks it against the transition table
(states.TRANSITIONS), writes the row and the TicketEvent together. Authorisation (who may act on
which counter) is the caller's job; the engine records the actor.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.engine import Row

from ..models import Comment, CounterPause, Rating, Ticket
from . import counter_sessions, emergency, ticket_store as store
from .actors import Actor
from .catalog import BranchConfig
from .comments import MAX_TEXT, RECEIVED, clean_text, comment_view
from .errors import Conflict, Invalid, NotFound
from .selection import POLICIES, pick_next
from .states import CounterState, TicketAction, TicketStatus, allows, sources, target
from .uow import EventName, UnitOfWork

# Raises (Forbidden) when the caller may not act on this counter, given its locked row.
Guard = Callable[[Row], None]

MAX_REQUEUES = 1
MAX_PAUSE_REASON = 120
MAX_NOTE = 200  # tickets.note


def clean_note(note: str | None) -> str | None:
    """A note for the next teller, stripped; None when empty."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Invalid("note_too_long", f"a note is at most {MAX_NOTE} characters")
    return note or None

RATING = Rating.__table__
PAUSES = CounterPause.__table__
T = Ticket.__table__


def event_row(ticket: dict, action: TicketAction, before, actor: Actor, now, counter_id: int | None,
              detail: dict | None = None) -> dict:
    return {"ticket_id": ticket["id"], "at": now, "action": action, "from_status": before,
            "to_status": ticket["status"], "actor": actor.label, "counter_id": counter_id, "detail": detail}


def transition(conn, ticket: dict, action: TicketAction, actor: Actor, now, at_counter: int | None,
               detail: dict | None = None, **values) -> dict:
    """Apply one transition of the table to `ticket` (a dict of its columns): the row is written and the
    dict updated; returns the TicketEvent row for the caller to record with its others."""
    before = ticket["status"]
    if not allows(action, before):
        raise Conflict("illegal_transition", f"ticket {ticket['number']} is {before}; {action} needs "
                                             f"{' or '.join(str(s) for s in sources(action))}")
    status = target(action)
    store.update_ticket(conn, ticket["id"], status=status, **values)
    ticket.update(values, status=status)
    return event_row(ticket, action, before, actor, now, at_counter, detail)


def follow_up_row(ticket: dict, service_id: int, target_counter_id: int | None, note: str | None, actor: Actor,
                  now, *, keep_arrival: bool = True) -> dict:
    """The waiting ticket that carries a transferred (or moved) ticket on: same number, its own row."""
    return {
        "branch_id": ticket["branch_id"], "service_id": service_id, "business_day": ticket["business_day"],
        "seq": ticket["seq"], "number": ticket["number"], "priority": ticket["priority"],
        "channel": ticket["channel"], "status": TicketStatus.WAITING,
        "public_token": secrets.token_urlsafe(24), "created_at": now,
        "arrived_at": ticket["arrived_at"] if keep_arrival else now,
        "target_counter_id": target_counter_id,
        "transferred_from_id": ticket["id"], "transfer_gen": ticket["transfer_gen"] + 1,
        "issued_by": actor.label, "recall_count": 0, "requeue_count": 0,
        "called_at": None, "started_at": None, "finished_at": None, "counter_id": None,
        "staff_id": None, "printed": None, "note": note,
    }


class CounterContext:
    """One operation's view of its counter: the locked row, the branch set-up, the pending events."""

    def __init__(self, ops: "CounterOperations", uow: UnitOfWork, counter_id: int):
        self.uow = uow
        self.conn = uow.connection
        row = store.locked_counter(self.conn, counter_id)
        if row is None:
            raise NotFound("counter_not_found", f"no counter with id {counter_id}")
        self.row = row  # as locked, for an authorisation check (`guard`)
        self.counter = dict(row._mapping)
        self.config: BranchConfig = ops.catalog.get(self.conn, row.branch_id, row.config_version)
        self.events: list[dict] = []

    @property
    def id(self) -> int:
        return self.counter["id"]

    @property
    def number(self) -> int:
        return self.counter["number"]

    def service_ids(self) -> set[int]:
        return set(self.config.counters[self.id].service_ids)

    def current(self) -> dict | None:
        current_id = self.counter["current_ticket_id"]
        if current_id is None:
            return None
        row = store.locked_ticket(self.conn, current_id)
        return dict(row._mapping) if row is not None else None

    def require_current(self, action: TicketAction) -> dict:
        ticket = self.current()
        if ticket is None:
            raise Conflict("no_current_ticket", f"counter {self.number} has no current ticket")
        self.ensure_day_open(ticket)
        if not allows(action, ticket["status"]):
            raise Conflict("illegal_transition",
                           f"ticket {ticket['number']} is {ticket['status']}; this needs "
                           f"{' or '.join(str(s) for s in sources(action))}")
        return ticket

    def ensure_day_open(self, ticket: dict) -> None:
        """A closed business day is settled: none of its tickets may change any more."""
        if ticket["business_day"] in self.config.closed_days:
            raise Conflict("day_closed", f"ticket {ticket['number']} belongs to business day "
                                         f"{ticket['business_day'].isoformat()}, which is closed")

    def require_open(self) -> None:
        state = self.counter["state"]
        if state == CounterState.PAUSED:
            raise Conflict("counter_paused",
                           f"counter {self.number} is paused ({self.counter['pause_reason']}); resume first")
        if state != CounterState.OPEN:
            raise Conflict("counter_closed", f"counter {self.number} is closed; open it first")

    def set_counter(self, **values) -> None:
        store.update_counter(self.conn, self.id, **values)
        counter_sessions.follow(self.conn, self.id, values, self.uow.now)  # actual hours for the roster
        self.counter.update(values)

    def move(self, ticket: dict, action: TicketAction, actor: Actor, detail: dict | None = None,
             **values) -> dict:
        """Apply one transition of the table to `ticket` (a dict of its columns), with its event."""
        self.events.append(transition(self.conn, ticket, action, actor, self.uow.now, self.id, detail, **values))
        return ticket

    def record(self, ticket: dict, action: TicketAction, before, actor: Actor, detail: dict | None = None) -> None:
        self.events.append(event_row(ticket, action, before, actor, self.uow.now, self.id, detail))

    def release_ticket(self) -> None:
        self.set_counter(current_ticket_id=None)

    def close(self) -> dict:
        """Sign the teller out and close, ending an open pause (the counter holds no ticket)."""
        if self.counter["state"] == CounterState.PAUSED:
            self.end_pause()
        self.set_counter(state=CounterState.CLOSED, staff_id=None)
        view = self.emit_counter(EventName.COUNTER_CLOSED)
        self.emit_queue_changed(self.service_ids())
        return view

    def end_pause(self) -> None:
        self.conn.execute(update(PAUSES).where(PAUSES.c.counter_id == self.id, PAUSES.c.ended_at.is_(None))
                          .values(ended_at=self.uow.now))
        self.set_counter(pause_reason=None, paused_at=None)

    def flush_events(self) -> None:
        if self.events:
            store.record_events(self.conn, self.events)
            self.events = []

    def ticket_view(self, ticket: dict) -> dict:
        return store.ticket_dict(ticket, self.config, self.number)

    def emit_ticket(self, name: EventName, ticket: dict, **extra) -> dict:
        view = self.ticket_view(ticket)
        self.uow.emit(name, self.config, {"ticket": view, **extra})
        return view

    def emit_queue_changed(self, service_ids) -> None:
        self.uow.emit(EventName.QUEUE_CHANGED, self.config, {"services": sorted(service_ids)})

    def counter_view(self) -> dict:
        staff = store.staff_row(self.conn, self.counter["staff_id"])
        return store.counter_dict(self.counter, self.config, staff, self.current())

    def emit_counter(self, name: EventName) -> dict:
        view = self.counter_view()
        self.uow.emit(name, self.config, {"counter": view})
        return view


class CounterOperations:
    def __init__(self, uow_factory, catalog, service_times):
        self._uow = uow_factory
        self.catalog = catalog
        self.service_times = service_times

    def _at(self, counter_id: int, guard: Guard | None):
        return _CounterScope(self, counter_id, guard)

    def within(self, uow: UnitOfWork, counter_id: int) -> CounterContext:
        """The counter inside a unit of work someone else runs (day close); they flush its events."""
        return CounterContext(self, uow, counter_id)

    # ------------------------------------------------------------------ calling
    def call_next(self, counter_id: int, actor: Actor, *, complete_current: bool = False, guard: Guard | None = None) -> dict:
        """Hand the counter its next ticket. Returns {"ticket": view|None, "completed": view|None}."""
        with self._at(counter_id, guard) as cx:
            cx.require_open()
            completed = None
            current = cx.current()
            if current is not None:
                if not complete_current:
                    raise Conflict("counter_busy",
                                   f"counter {cx.number} is still on ticket {current['number']}; complete it "
                                   "first or send complete_current", detail={"current_ticket": current["number"]})
                cx.ensure_day_open(current)
                completed = self._finish(cx, current, actor)
            # While the emergency plan is on the counter may call from more services (emergency.py).
            service_ids, policy, widened = emergency.call_scope(cx.conn, cx.config, cx.id, cx.counter["policy"],
                                                                cx.uow.now)
            ticket = pick_next(cx.conn, cx.id, service_ids, policy, cx.uow.now)
            if ticket is None:
                if completed is None:
                    raise Conflict("queue_empty", f"no customer is waiting for counter {cx.number}")
                cx.set_counter(current_ticket_id=None)
                return {"ticket": None, "completed": completed}
            # A call the plan made possible says so in its event (the day report counts them).
            by_plan = widened and ticket["service_id"] not in cx.config.counters[cx.id].service_ids
            detail = {"emergency": True} if by_plan else None
            cx.move(ticket, TicketAction.CALL, actor, detail, called_at=cx.uow.now, counter_id=cx.id,
                    staff_id=cx.counter["staff_id"])
            cx.set_counter(current_ticket_id=ticket["id"])
            view = cx.emit_ticket(EventName.TICKET_CALLED, ticket)
            cx.emit_queue_changed({ticket["service_id"]})
            return {"ticket": view, "completed": completed}

    def recall(self, counter_id: int, actor: Actor, *, guard: Guard | None = None) -> dict:
        with self._at(counter_id, guard) as cx:
            ticket = cx.require_current(TicketAction.RECALL)
            count = ticket["recall_count"] + 1
            cx.move(ticket, TicketAction.RECALL, actor, {"recall_count": count}, recall_count=count)
            return cx.emit_ticket(EventName.TICKET_RECALLED, ticket)

    def start(self, counter_id: int, actor: Actor, *, guard: Guard | None = None) -> dict:
        with self._at(counter_id, guard) as cx:
            ticket = cx.require_current(TicketAction.START)
            cx.move(ticket, TicketAction.START, actor, started_at=cx.uow.now)
            return cx.emit_ticket(EventName.TICKET_STARTED, ticket)

    def complete(self, counter_id: int, actor: Actor, *, guard: Guard | None = None) -> dict:
        with self._at(counter_id, guard) as cx:
            ticket = cx.require_current(TicketAction.COMPLETE)
            view = self._finish(cx, ticket, actor)
            cx.set_counter(current_ticket_id=None)
            return view

    def _finish(self, cx: CounterContext, ticket: dict, actor: Actor) -> dict:
        # Served without pressing start: the service began when the customer was called.
        started = ticket["started_at"] or ticket["called_at"]
        cx.move(ticket, TicketAction.COMPLETE, actor, started_at=started, finished_at=cx.uow.now)
        self.service_times.completed(ticket["service_id"])
        return cx.emit_ticket(EventName.TICKET_COMPLETED, ticket)

    def no_show(self, counter_id: int, actor: Actor, *, requeue: bool = False, guard: Guard | None = None) -> dict:
        with self._at(counter_id, guard) as cx:
            ticket = cx.require_current(TicketAction.NO_SHOW)
            cx.set_counter(current_ticket_id=None)
            if requeue:
                if ticket["requeue_count"] >= MAX_REQUEUES:
                    raise Conflict("requeue_limit", f"ticket {ticket['number']} was already put back once")
                # Back of the queue, not straight back to this counter.
                cx.move(ticket, TicketAction.REQUEUE, actor, requeue_count=ticket["requeue_count"] + 1,
                        arrived_at=cx.uow.now, counter_id=None, called_at=None)
                # The ticket no longer names the counter: the event does, for its devices (LED).
                view = cx.emit_ticket(EventName.TICKET_REQUEUED, ticket, from_counter_id=cx.id)
            else:
                cx.move(ticket, TicketAction.NO_SHOW, actor, finished_at=cx.uow.now)
                view = cx.emit_ticket(EventName.TICKET_NO_SHOW, ticket)
            cx.emit_queue_changed({ticket["service_id"]})
            return view

    def transfer(self, counter_id: int, actor: Actor, *, to_service: str | None = None,
                 to_counter: int | None = None, keep_arrival: bool = True, note: str = "",
                 guard: Guard | None = None) -> dict:
        """End the current ticket as `transferred` and queue its follow-up with the same number. `note`
        travels with the follow-up to the teller who calls it (docs/architecture.md, "The domain")."""
        if not to_service and to_counter is None:
            raise Invalid("transfer_target_missing", "give to_service, to_counter or both")
        note = clean_note(note)
        with self._at(counter_id, guard) as cx:
            ticket = cx.require_current(TicketAction.TRANSFER)
            service = cx.config.services[ticket["service_id"]]
            if to_service:
                service = cx.config.services_by_code.get(to_service)
                if service is None:
                    raise NotFound("service_not_found", f"branch has no service {to_service!r}")
            target_counter = None
            if to_counter is not None:
                target_counter = cx.config.counters_by_number.get(to_counter)
                if target_counter is None:
                    raise NotFound("counter_not_found", f"branch has no counter {to_counter}")
                if target_counter.id == cx.id:
                    raise Invalid("transfer_to_self", "a ticket cannot be transferred to its own counter")
                # Nobody would call it there: the teller sends it to the service queue instead, explicitly.
                if store.counter_state(cx.conn, target_counter.id) == CounterState.CLOSED:
                    raise Conflict("target_counter_closed",
                                   f"counter {to_counter} is closed; send the ticket to the service queue instead",
                                   detail={"to_counter": to_counter, "to_service": service.code})
            now = cx.uow.now
            follow_up = follow_up_row(ticket, service.id, target_counter.id if target_counter else None, note,
                                      actor, now, keep_arrival=keep_arrival)
            follow_up["id"] = store.insert_ticket(cx.conn, follow_up)
            cx.set_counter(current_ticket_id=None)
            detail = {"to_service": service.code, "to_counter": to_counter, "follow_up_id": follow_up["id"]}
            if note:
                detail["note"] = note
            cx.move(ticket, TicketAction.TRANSFER, actor, detail, finished_at=now)
            cx.record(follow_up, TicketAction.TRANSFER_IN, None, actor, {"from_ticket_id": ticket["id"]})
            follow_view = store.ticket_dict(follow_up, cx.config)
            view = cx.emit_ticket(EventName.TICKET_TRANSFERRED, ticket, follow_up=follow_view)
            cx.emit_queue_changed({ticket["service_id"], service.id})
            return {"ticket": view, "follow_up": follow_view}

    # ------------------------------------------------------------------ counter state
    def open_counter(self, counter_id: int, actor: Actor, staff_id: int | None, *, guard: Guard | None = None) -> dict:
        with self._at(counter_id, guard) as cx:
            if cx.counter["state"] != CounterState.CLOSED:
                if cx.counter["staff_id"] == staff_id:
                    return cx.counter_view()  # already signed in here
                raise Conflict("counter_in_use", f"counter {cx.number} is already open for someone else")
            if staff_id is not None:
                C = store.C
                elsewhere = cx.conn.execute(
                    select(C.c.number).where(C.c.staff_id == staff_id, C.c.state != CounterState.CLOSED)).first()
                if elsewhere:
                    raise Conflict("already_at_counter",
                                   f"you are still signed in at counter {elsewhere[0]}; close it first")
            cx.set_counter(state=CounterState.OPEN, staff_id=staff_id)
            view = cx.emit_counter(EventName.COUNTER_OPENED)
            cx.emit_queue_changed(cx.service_ids())
            return view

    def close_counter(self, counter_id: int, actor: Actor, *, guard: Guard | None = None) -> dict:
        with self._at(counter_id, guard) as cx:
            if cx.counter["current_ticket_id"] is not None:
                raise Conflict("counter_busy",
                               f"counter {cx.number} still has a customer; complete or transfer first")
            return cx.close()

    def pause(self, counter_id: int, actor: Actor, reason: str, *, guard: Guard | None = None) -> dict:
        reason = (reason or "").strip()
        if not reason:
            raise Invalid("pause_reason_required", "pausing a counter needs a reason")
        if len(reason) > MAX_PAUSE_REASON:
            raise Invalid("pause_reason_too_long", f"reason must be at most {MAX_PAUSE_REASON} characters")
        with self._at(counter_id, guard) as cx:
            if cx.counter["state"] == CounterState.PAUSED:
                raise Conflict("counter_paused", f"counter {cx.number} is already paused")
            if cx.counter["state"] != CounterState.OPEN:
                raise Conflict("counter_closed", f"counter {cx.number} is closed")
            now = cx.uow.now
            cx.set_counter(state=CounterState.PAUSED, pause_reason=reason, paused_at=now)
            cx.conn.execute(PAUSES.insert(), {"counter_id": cx.id, "staff_id": cx.counter["staff_id"],
                                              "reason": reason, "started_at": now, "ended_at": None})
            view = cx.emit_counter(EventName.COUNTER_PAUSED)
            cx.emit_queue_changed(cx.service_ids())
            return view

    def resume(self, counter_id: int, actor: Actor, *, guard: Guard | None = None) -> dict:
        with self._at(counter_id, guard) as cx:
            if cx.counter["state"] != CounterState.PAUSED:
                raise Conflict("counter_not_paused", f"counter {cx.number} is not paused")
            cx.end_pause()
            cx.set_counter(state=CounterState.OPEN)
            view = cx.emit_counter(EventName.COUNTER_RESUMED)
            cx.emit_queue_changed(cx.service_ids())
            return view

    def set_policy(self, counter_id: int, policy: str, actor: Actor, *, guard: Guard | None = None) -> dict:
        if policy not in POLICIES:
            raise Invalid("invalid_policy", f"policy must be one of {', '.join(POLICIES)}")
        with self._at(counter_id, guard) as cx:
            cx.set_counter(policy=policy)
            return cx.emit_counter(EventName.COUNTER_UPDATED)

    # ------------------------------------------------------------------ ratings
    def rate(self, counter_id: int, score: int, actor: Actor, source: str = "pad", *, guard: Guard | None = None) -> dict:
        """Store a 1-5 rating against the ticket served last at this counter."""
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise Invalid("invalid_score", "a rating is a whole number from 1 to 5")
        with self._at(counter_id, guard) as cx:
            row = cx.conn.execute(
                select(T.c.id, T.c.number, T.c.business_day, T.c.staff_id)
                .where(T.c.counter_id == cx.id, T.c.status == TicketStatus.DONE)
                .order_by(T.c.finished_at.desc(), T.c.id.desc()).limit(1)
            ).first()
            if row is None:
                raise Conflict("nothing_to_rate", f"counter {cx.number} has served nobody yet")
            cx.ensure_day_open(dict(row._mapping))
            if cx.conn.execute(select(RATING.c.id).where(RATING.c.ticket_id == row.id)).first():
                raise Conflict("already_rated", f"ticket {row.number} is already rated")
            cx.conn.execute(RATING.insert(), {"ticket_id": row.id, "counter_id": cx.id, "staff_id": row.staff_id,
                                              "score": score, "at": cx.uow.now, "source": source})
            result = {"ticket_id": row.id, "number": row.number, "counter": cx.number, "score": score}
            cx.uow.emit(EventName.RATING_RECORDED, cx.config, result)
            return result


    def rate_ticket(self, token: str, score: int, *, window_s: float, source: str = "ticket_page",
                    comment: str = "") -> dict:
        """The customer rates their own ticket from its page (the tracking token is the proof): once,
        and only within `window_s` after service ended. A transferred ticket is rated as its follow-up.
        A short comment with it goes into the comment book in the same transaction (comments.py)."""
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise Invalid("invalid_score", "a rating is a whole number from 1 to 5")
        comment = clean_text(comment, MAX_TEXT, required=False)
        with self._uow() as uow:
            ticket = _follow_token(uow.connection, token)
        if ticket.counter_id is None or ticket.status != TicketStatus.DONE:
            raise Conflict("not_served_yet", f"ticket {ticket.number} can be rated once it has been served")
        with self._at(ticket.counter_id, None) as cx:  # the counter first, as every counter operation locks
            row = cx.conn.execute(select(T.c.id, T.c.number, T.c.business_day, T.c.staff_id, T.c.finished_at,
                                         T.c.status).where(T.c.id == ticket.id)).first()
            if row.status != TicketStatus.DONE:
                raise Conflict("not_served_yet", f"ticket {row.number} can be rated once it has been served")
            if (cx.uow.now - row.finished_at).total_seconds() > window_s:
                raise Conflict("rating_closed", f"ticket {row.number} can no longer be rated")
            cx.ensure_day_open(dict(row._mapping))
            if cx.conn.execute(select(RATING.c.id).where(RATING.c.ticket_id == row.id)).first():
                raise Conflict("already_rated", f"ticket {row.number} is already rated")
            cx.conn.execute(RATING.insert(), {"ticket_id": row.id, "counter_id": cx.id, "staff_id": row.staff_id,
                                              "score": score, "at": cx.uow.now, "source": source})
            result = {"ticket_id": row.id, "number": row.number, "counter": cx.number, "score": score}
            cx.uow.emit(EventName.RATING_RECORDED, cx.config, result)
            if comment:
                entry = Comment(branch_id=cx.config.id, business_day=row.business_day, ticket_id=row.id,
                                number=row.number, source="ticket_page", score=score, text=comment, contact="",
                                received_at=cx.uow.now, reply="")
                cx.uow.session.add(entry)
                cx.uow.session.flush()
                cx.uow.emit(RECEIVED, cx.config, {"comment": comment_view(entry)})
                result["comment_id"] = entry.id
            return result


def _follow_token(conn, token: str) -> Row:
    """The ticket a tracking token names, followed through transfers (as queries.ticket_by_token)."""
    columns = (T.c.id, T.c.number, T.c.status, T.c.counter_id)
    found = conn.execute(select(*columns).where(T.c.public_token == token)).first()
    if found is None:
        raise NotFound("ticket_not_found", "no such ticket")
    while found.status == TicketStatus.TRANSFERRED:
        follow = conn.execute(select(*columns).where(T.c.transferred_from_id == found.id)).first()
        if follow is None:
            break
        found = follow
    return found


class _CounterScope:
    """`with ops._at(counter_id, guard) as cx:` one unit of work around one counter. The guard (who may
    act) sees the counter as locked, so no race falls between the check and the action. Events are
    written to the log when the block ends without an error."""

    def __init__(self, ops: CounterOperations, counter_id: int, guard: Guard | None):
        self._ops, self._counter_id, self._guard = ops, counter_id, guard

    def __enter__(self) -> CounterContext:
        self._uow_cm = self._ops._uow()
        uow = self._uow_cm.__enter__()
        try:
            self._cx = CounterContext(self._ops, uow, self._counter_id)
            if self._guard is not None:
                self._guard(self._cx.row)
        except BaseException as err:
            self._uow_cm.__exit__(type(err), err, err.__traceback__)
            raise
        return self._cx

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._cx.flush_events()
        return self._uow_cm.__exit__(exc_type, exc, tb)
