"""Prebuilt SQLAlchemy Core statements for the hot path: tickets, counters, events, sequences.

Every statement is built once at import with bound parameters, so an operation pays only for
executing cached, compiled SQL and reads only the columns it needs (docs/architecture.md, "The hot
path"). Rows come back as plain Row objects; views are built from them and the branch's catalog.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row

from ..models import Branch, Counter, CounterService, DayClose, Ticket, TicketEvent, User
from . import call_order
from .catalog import BranchConfig
from .clock import iso_utc
from .states import CounterState, TicketStatus

T = Ticket.__table__
C = Counter.__table__
B = Branch.__table__
EVENTS = TicketEvent.__table__

PRIORITY_NAMES = {0: "vip", 1: "priority", 2: "normal"}
PRIORITY_VALUES = {name: value for value, name in PRIORITY_NAMES.items()}

TICKET_COLUMNS = (T.c.id, T.c.branch_id, T.c.service_id, T.c.business_day, T.c.seq, T.c.number, T.c.priority,
                  T.c.channel, T.c.status, T.c.created_at, T.c.arrived_at, T.c.called_at, T.c.started_at,
                  T.c.finished_at, T.c.counter_id, T.c.staff_id, T.c.target_counter_id, T.c.recall_count,
                  T.c.requeue_count, T.c.transferred_from_id, T.c.transfer_gen, T.c.printed, T.c.public_token,
                  T.c.note, T.c.appointment_window_start, T.c.awaiting_check_in)

# ---------------------------------------------------------------------------- statements
COUNTER_FOR_UPDATE = (
    select(C.c.id, C.c.branch_id, C.c.number, C.c.name, C.c.state, C.c.policy, C.c.pause_reason, C.c.paused_at,
           C.c.staff_id, C.c.current_ticket_id, B.c.code.label("branch_code"), B.c.config_version)
    .select_from(C.join(B, B.c.id == C.c.branch_id))
    .where(C.c.id == bindparam("counter_id"))
    .with_for_update(of=C)
)
BRANCH_BY_CODE = select(B.c.id, B.c.code, B.c.timezone, B.c.config_version).where(B.c.code == bindparam("code"))
BRANCH_FOR_UPDATE = (select(B.c.id, B.c.code, B.c.timezone, B.c.config_version)
                     .where(B.c.code == bindparam("code")).with_for_update())
TICKET_COUNTER = select(T.c.id, T.c.counter_id).where(T.c.id == bindparam("ticket_id"))
TICKET_FOR_UPDATE = select(*TICKET_COLUMNS).where(T.c.id == bindparam("ticket_id")).with_for_update()
# A remote ticket not checked in keeps its place but is not called (docs/architecture.md, "Remote queue").
_HEAD = (select(*TICKET_COLUMNS).where(T.c.status == TicketStatus.WAITING, T.c.awaiting_check_in.is_(False))
         .order_by(T.c.priority, T.c.arrived_at, T.c.id).limit(1)
         # PostgreSQL: a row another counter's transaction holds is skipped, not waited on.
         .with_for_update(skip_locked=True))
HEAD_FOR_COUNTER = _HEAD.where(T.c.target_counter_id == bindparam("counter_id"))
HEAD_OF_SERVICE = _HEAD.where(T.c.service_id == bindparam("service_id"), T.c.target_counter_id.is_(None))
# The waiting appointment ticket of a service whose call window holds `now` (selection.py).
APPOINTMENT_HEAD = (select(*TICKET_COLUMNS)
                    .where(T.c.service_id == bindparam("service_id"), T.c.status == TicketStatus.WAITING,
                           T.c.target_counter_id.is_(None), T.c.appointment_window_end > bindparam("now"),
                           T.c.appointment_window_start <= bindparam("now"))
                    .order_by(T.c.appointment_window_start, T.c.id).limit(1)
                    .with_for_update(skip_locked=True))
DAY_CLOSED = select(DayClose.__table__.c.id).where(DayClose.__table__.c.branch_id == bindparam("branch_id"),
                                                   DayClose.__table__.c.business_day == bindparam("day"))
INSERT_EVENT = insert(EVENTS)
UPDATE_TICKET = update(T).where(T.c.id == bindparam("key_id"))
UPDATE_COUNTER = update(C).where(C.c.id == bindparam("key_id"))
INSERT_TICKET = insert(T).returning(T.c.id)
STAFF = select(User.id, User.username, User.display_name).where(User.id == bindparam("staff_id"))
COUNTERS_FOR_SERVICE = (
    select(C.c.current_ticket_id)
    .select_from(C.join(CounterService.__table__, CounterService.__table__.c.counter_id == C.c.id))
    .where(CounterService.__table__.c.service_id == bindparam("service_id"), C.c.state == CounterState.OPEN)
)


COUNTER_STATE = select(C.c.state).where(C.c.id == bindparam("counter_id"))


def counter_state(conn: Connection, counter_id: int) -> str | None:
    return conn.execute(COUNTER_STATE, {"counter_id": counter_id}).scalar_one_or_none()


def locked_counter(conn: Connection, counter_id: int) -> Row | None:
    return conn.execute(COUNTER_FOR_UPDATE, {"counter_id": counter_id}).first()


def locked_ticket(conn: Connection, ticket_id: int) -> Row | None:
    return conn.execute(TICKET_FOR_UPDATE, {"ticket_id": ticket_id}).first()


def head_for_counter(conn: Connection, counter_id: int) -> Row | None:
    return conn.execute(HEAD_FOR_COUNTER, {"counter_id": counter_id}).first()


def head_of_service(conn: Connection, service_id: int) -> Row | None:
    return conn.execute(HEAD_OF_SERVICE, {"service_id": service_id}).first()


def appointment_head(conn: Connection, service_id: int, now: dt.datetime) -> Row | None:
    return conn.execute(APPOINTMENT_HEAD, {"service_id": service_id, "now": now}).first()


def day_is_closed(conn: Connection, branch_id: int, day: dt.date) -> bool:
    return conn.execute(DAY_CLOSED, {"branch_id": branch_id, "day": day}).first() is not None


def update_ticket(conn: Connection, ticket_id: int, **values) -> None:
    # The SET clause comes from the parameter names: one compiled statement per set of columns.
    conn.execute(UPDATE_TICKET, {"key_id": ticket_id, **values})


def update_counter(conn: Connection, counter_id: int, **values) -> None:
    conn.execute(UPDATE_COUNTER, {"key_id": counter_id, **values})


def insert_ticket(conn: Connection, values: dict) -> int:
    return conn.execute(INSERT_TICKET, values).scalar_one()


def record_events(conn: Connection, rows: list[dict]) -> None:
    conn.execute(INSERT_EVENT, rows)


def staff_row(conn: Connection, staff_id: int | None) -> Row | None:
    return conn.execute(STAFF, {"staff_id": staff_id}).first() if staff_id is not None else None


def people_ahead(conn: Connection, ticket: dict | Row, now: dt.datetime) -> int:
    # The call order's one rule: in-window appointments first, not-checked-in tickets not counted.
    return call_order.people_ahead(conn, ticket if isinstance(ticket, dict) else dict(ticket._mapping), now)


def open_counters_for_service(conn: Connection, service_id: int) -> tuple[int, int]:
    """(counters open for the service, of which idle)."""
    rows = conn.execute(COUNTERS_FOR_SERVICE, {"service_id": service_id}).all()
    return len(rows), sum(1 for (current,) in rows if current is None)


# ---------------------------------------------------------------------------- views
def ticket_dict(t, config: BranchConfig, counter_number: int | None = None) -> dict:
    """The public shape of a ticket, from a Row or a dict of its columns."""
    m = t if isinstance(t, dict) else t._mapping
    service = config.services[m["service_id"]]
    counter_id = m["counter_id"]
    if counter_number is None and counter_id is not None:
        counter = config.counters.get(counter_id)
        counter_number = counter.number if counter else None
    return {
        "id": m["id"],
        "number": m["number"],
        "service": service.code,
        "service_name_zh": service.name_zh,
        "service_name_en": service.name_en,
        "service_name_zh_hans": service.name_zh_hans,
        "status": str(m["status"]),
        "priority": PRIORITY_NAMES.get(m["priority"], str(m["priority"])),
        "channel": m["channel"],
        "business_day": m["business_day"].isoformat(),
        "created_at": iso_utc(m["created_at"]),
        "arrived_at": iso_utc(m["arrived_at"]),
        "called_at": iso_utc(m["called_at"]),
        "started_at": iso_utc(m["started_at"]),
        "finished_at": iso_utc(m["finished_at"]),
        "counter": counter_number,
        "counter_id": counter_id,
        "target_counter_id": m["target_counter_id"],
        "recall_count": m["recall_count"],
        "transferred_from_id": m["transferred_from_id"],
        "printed": m["printed"],
        "note": m.get("note"),
        "awaiting_check_in": bool(m.get("awaiting_check_in")),
    }


def counter_dict(c, config: BranchConfig, staff: Row | None, current: dict | Row | None) -> dict:
    m = c if isinstance(c, dict) else c._mapping
    info = config.counters[m["id"]]
    return {
        "id": m["id"],
        "number": m["number"],
        "name": m["name"],
        "state": str(m["state"]),
        "policy": m["policy"],
        "pause_reason": m["pause_reason"],
        "paused_at": iso_utc(m["paused_at"]),
        "staff": staff.username if staff else None,
        "staff_name": (staff.display_name or staff.username) if staff else None,
        "services": [config.services[sid].code for sid in info.service_ids],
        "current_ticket": ticket_dict(current, config, m["number"]) if current is not None else None,
    }
