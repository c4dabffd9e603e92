"""Customer notices for remote tickets: "a few places from the front" and "called" (docs/architecture.md,
"Remote queue").

`write_notices` runs in every unit of work just before its commit, so a notice is in the outbox exactly
when the change that causes it is committed. The `notices` table holds one row per ticket and kind
(unique), inserted with ON CONFLICT DO NOTHING: each notice exists at most once, whatever the races.
Sending is the notice worker's job (server/remote/notice_worker.py); only tickets with a contact get a
row, the ticket page tells its own customer from the live position.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from ..models import Notice, RemoteSettings, RemoteTicket, Ticket
from . import call_order
from .states import TicketStatus

T = Ticket.__table__
R = RemoteTicket.__table__
NEAR, CALLED = "near", "called"
DEFAULT_NUDGE_PLACES = 3
# The nearest tickets looked at per changed service; nudge_places above this is read as this.
MAX_NUDGE_PLACES = 20

# The first tickets of a service's queue by priority and arrival; call_order puts the in-window
# appointments first (a few, read apart) and people ahead counts only checked-in tickets.
_COLUMNS = (T.c.id, T.c.channel, T.c.priority, T.c.arrived_at, T.c.awaiting_check_in, T.c.appointment_window_start,
            T.c.appointment_window_end)
_WAITING = select(*_COLUMNS).where(T.c.service_id == bindparam("service_id"), T.c.status == TicketStatus.WAITING,
                                   T.c.target_counter_id.is_(None))
_FRONT = _WAITING.order_by(T.c.priority, T.c.arrived_at, T.c.id).limit(MAX_NUDGE_PLACES + 1)
_IN_WINDOW = (_WAITING.where(T.c.appointment_window_start <= bindparam("now"), T.c.appointment_window_end > bindparam("now"))
              .order_by(T.c.appointment_window_start, T.c.id).limit(MAX_NUDGE_PLACES + 1))
_WITH_CONTACT = select(R.c.ticket_id).where(R.c.ticket_id.in_(bindparam("ids", expanding=True)),
                                            R.c.contact.is_not(None))
_PLACES = select(RemoteSettings.nudge_places).where(RemoteSettings.branch_id == bindparam("branch_id"))


def _insert(conn):
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(Notice.__table__).on_conflict_do_nothing(index_elements=["ticket_id", "kind"])


def nudge_places(conn, branch_id: int) -> int:
    places = conn.execute(_PLACES, {"branch_id": branch_id}).scalar_one_or_none()
    return DEFAULT_NUDGE_PLACES if places is None else places


def _near(conn, service_id: int, front: list, places: int, now) -> list[int]:
    """Remote tickets at most `places` checked-in tickets from the front, in call_order's order: the
    in-window appointments, then the read front without them (still a prefix of the rest)."""
    booked = conn.execute(_IN_WINDOW, {"service_id": service_id, "now": now}).all()
    queue = [*booked, *(row for row in front if not call_order.in_window(row._mapping, now))]
    near, ahead = [], 0
    for row in queue:
        if ahead > places:
            break
        if row.channel == "remote":
            near.append(row.id)
        ahead += 0 if row.awaiting_check_in else 1
    return near


def write_notices(uow) -> None:
    rows: list[dict] = []
    services: dict[int, set[int]] = {}  # branch id -> services whose queue changed
    for event in uow.events:
        name, data = str(event.name), event.data
        ticket = data.get("ticket") if isinstance(data, dict) else None
        if name in ("ticket.called", "ticket.recalled") and ticket and ticket.get("channel") == "remote":
            rows.append({"branch_id": event.branch_id, "ticket_id": ticket["id"], "kind": CALLED})
        elif name == "queue.changed" and isinstance(data, dict):
            services.setdefault(event.branch_id, set()).update(data.get("services") or ())
    if not rows and not services:
        return
    conn = uow.connection
    for branch_id, service_ids in services.items():
        places = None
        for service_id in sorted(service_ids):
            front = conn.execute(_FRONT, {"service_id": service_id}).all()
            if not any(row.channel == "remote" for row in front):
                continue  # the usual case: one indexed read and nothing more
            if places is None:
                places = min(nudge_places(conn, branch_id), MAX_NUDGE_PLACES)
            for ticket_id in _near(conn, service_id, front, places, uow.now):
                rows.append({"branch_id": branch_id, "ticket_id": ticket_id, "kind": NEAR})
    if not rows:
        return
    with_contact = set(conn.execute(_WITH_CONTACT, {"ids": sorted({r["ticket_id"] for r in rows})}).scalars())
    rows = [dict(r, status="pending", attempts=0, created_at=uow.now, next_attempt_at=uow.now)
            for r in rows if r["ticket_id"] in with_contact]
    if rows:
        conn.execute(_insert(conn), rows)
