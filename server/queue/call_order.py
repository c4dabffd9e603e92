"""The one call order of a service's queue, as `selection.pick_next` calls it (docs/architecture.md,
"Call order"), for everything that tells staff or a customer where a ticket stands: the counter's
"may call" list, people ahead (ticket page, kiosk, printed ticket) and the nudges.

Within a service: the checked-in appointment tickets inside their call window first (earliest window,
then id), then every other ticket by priority, arrival, id. A remote ticket not checked in is never
called, so it is counted ahead of nobody; its own place is counted as if it were checked in. Across a
counter's services the order is a merge of these queues by pick_next's candidate key.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, func, or_, select, tuple_
from sqlalchemy.engine import Connection

from ..models import Ticket
from .states import TicketStatus

T = Ticket.__table__


def _in_window(table, now):
    return and_(table.c.appointment_window_start.is_not(None), table.c.appointment_window_start <= now,
                table.c.appointment_window_end > now)


def _out_of_window(table, now):
    return or_(table.c.appointment_window_start.is_(None), table.c.appointment_window_start > now,
               table.c.appointment_window_end <= now)


_NOW = bindparam("now")
_QUEUE = (select(func.count()).select_from(T)
          .where(T.c.service_id == bindparam("service_id"), T.c.status == TicketStatus.WAITING,
                 T.c.target_counter_id.is_(None), T.c.awaiting_check_in.is_(False), T.c.id != bindparam("ticket_id")))
# An in-window appointment has only the in-window appointments of earlier windows ahead of it ...
AHEAD_IN_WINDOW = _QUEUE.where(_in_window(T, _NOW), tuple_(T.c.appointment_window_start, T.c.id)
                               < tuple_(bindparam("window_start"), bindparam("ticket_id")))
# ... every other ticket has all of them ahead, then the queue by priority, arrival, id.
AHEAD_OTHERWISE = _QUEUE.where(or_(_in_window(T, _NOW), and_(_out_of_window(T, _NOW), or_(
    T.c.priority < bindparam("priority"),
    and_(T.c.priority == bindparam("priority"), or_(
        T.c.arrived_at < bindparam("arrived_at"),
        and_(T.c.arrived_at == bindparam("arrived_at"), T.c.id < bindparam("ticket_id"))))))))


def in_window(ticket, now: dt.datetime) -> bool:
    start, end = ticket.get("appointment_window_start"), ticket.get("appointment_window_end")
    return start is not None and end is not None and start <= now < end


def people_ahead(conn: Connection, ticket: dict, now: dt.datetime) -> int:
    """Checked-in tickets of the same service that call next takes before this one."""
    params = {"service_id": ticket["service_id"], "ticket_id": ticket["id"], "now": now}
    if in_window(ticket, now):
        return conn.execute(AHEAD_IN_WINDOW, dict(params, window_start=ticket["appointment_window_start"])).scalar_one()
    return conn.execute(AHEAD_OTHERWISE, dict(params, priority=ticket["priority"],
                                              arrived_at=ticket["arrived_at"])).scalar_one()


def service_key(ticket, now: dt.datetime) -> tuple:
    """A ticket's place in its service's queue (smaller is called earlier)."""
    if in_window(ticket, now):
        return (0, ticket["appointment_window_start"], 0, ticket["id"])
    return (1, ticket["priority"], ticket["arrived_at"], ticket["id"])


def counter_order(targeted: list[dict], queues: dict[int, list[dict]], ranks: dict[int, int], policy: str,
                  now: dt.datetime) -> list[dict]:
    """The callable tickets in the order repeated call next takes them: tickets sent to this counter,
    then a merge of its services' queues by pick_next's candidate key."""
    ordered = sorted(targeted, key=lambda t: (t["priority"], t["arrived_at"], t["id"]))
    heads = {sid: sorted(rows, key=lambda t: service_key(t, now)) for sid, rows in queues.items() if rows}
    while heads:
        def candidate(sid):
            head = heads[sid][0]
            since = min(head["arrived_at"], head["appointment_window_start"]) if in_window(head, now) \
                else head["arrived_at"]
            rank = () if policy == "longest_wait" else (ranks.get(sid, 0),)
            return (head["priority"], *rank, since, head["id"])
        best = min(heads, key=candidate)
        ordered.append(heads[best].pop(0))
        if not heads[best]:
            del heads[best]
    return ordered
