"""Read-side lists for staff acting on tickets: the branch's waiting tickets (supervisor), the tickets a
counter may call in the order it would call them (counter terminal), and where a transfer may go.

No writes here. "May call" is the rule of `selection.pick_next`: tickets transferred to this very
counter, then its services' tickets not meant for another counter, ordered as call next orders them
(server/queue/call_order.py; docs/architecture.md, "Call order"). Remote tickets not checked in are
listed apart, as not callable.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import Counter, CounterService, Service, Ticket, User
from . import call_order
from .clock import iso_utc
from .errors import NotFound
from .states import CounterState, TicketStatus
from .ticket_store import PRIORITY_NAMES

MAX_LISTED = 500  # a hall never has this many waiting; a bound for a runaway query, not a page size


def _row(ticket: Ticket, service: Service, target_number: int | None, now: dt.datetime) -> dict:
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": service.code,
        "service_name_zh": service.name_zh,
        "service_name_en": service.name_en,
        "priority": PRIORITY_NAMES.get(ticket.priority, str(ticket.priority)),
        "channel": ticket.channel,
        "arrived_at": iso_utc(ticket.arrived_at),
        "waited_s": max(0, int((now - ticket.arrived_at).total_seconds())),
        "target_counter": target_number,
        "transferred": ticket.transferred_from_id is not None,
        "note": ticket.note,
        "awaiting_check_in": ticket.awaiting_check_in,
    }


def _waiting_query(branch_id: int):
    target = Counter.__table__.alias("target")
    return (select(Ticket, Service, target.c.number)
            .join(Service, Service.id == Ticket.service_id)
            .outerjoin(target, target.c.id == Ticket.target_counter_id)
            .where(Ticket.branch_id == branch_id, Ticket.status == TicketStatus.WAITING))


def waiting_tickets(session: Session, branch_id: int, now: dt.datetime, *, service: str | None = None,
                    search: str | None = None) -> list[dict]:
    """Every waiting ticket of the branch, per service in queue order; `search` matches the number."""
    stmt = _waiting_query(branch_id)
    if service:
        stmt = stmt.where(Service.code == service)
    if search:
        stmt = stmt.where(func.upper(Ticket.number).contains(search.strip().upper(), autoescape=True))
    stmt = stmt.order_by(Service.code, Ticket.priority, Ticket.arrived_at, Ticket.id).limit(MAX_LISTED)
    return [_row(t, s, n, now) for t, s, n in session.execute(stmt)]


def _for_counter(counter_id: int):
    mine = select(CounterService.service_id).where(CounterService.counter_id == counter_id)
    return or_(Ticket.target_counter_id == counter_id,
               and_(Ticket.target_counter_id.is_(None), Ticket.service_id.in_(mine)))


def _callable_filter(counter_id: int):
    # A remote ticket not checked in is not called (docs/architecture.md, "Remote queue").
    return and_(Ticket.awaiting_check_in.is_(False), _for_counter(counter_id))


# Only what the order needs is read, and per queue only as far as the list can reach (`limit`): the
# in-window appointments, then each queue's head by priority and arrival, as pick_next reads them.
_ORDER_COLUMNS = (Ticket.id, Ticket.service_id, Ticket.target_counter_id, Ticket.priority, Ticket.arrived_at,
                  Ticket.appointment_window_start, Ticket.appointment_window_end)
_BY_ARRIVAL = (Ticket.priority, Ticket.arrived_at, Ticket.id)


def callable_tickets(session: Session, counter_id: int, now: dt.datetime, limit: int = 50) -> list[dict]:
    """The tickets this counter may call, in the order call next would take them (call_order.py:
    an appointment inside its window first of its service)."""
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound("counter_not_found", f"no counter with id {counter_id}")
    ranks = dict(session.execute(select(CounterService.service_id, CounterService.rank)
                                 .where(CounterService.counter_id == counter_id)).all())
    waiting = select(*_ORDER_COLUMNS).where(Ticket.status == TicketStatus.WAITING,
                                            Ticket.awaiting_check_in.is_(False))

    def read(stmt) -> list[dict]:
        return [dict(r._mapping) for r in session.execute(stmt.limit(limit))]

    targeted = read(waiting.where(Ticket.target_counter_id == counter_id).order_by(*_BY_ARRIVAL))
    booked = read(waiting.where(Ticket.target_counter_id.is_(None), Ticket.service_id.in_(list(ranks)),
                                Ticket.appointment_window_start <= now, Ticket.appointment_window_end > now)
                  .order_by(Ticket.appointment_window_start, Ticket.id))
    queues: dict[int, dict[int, dict]] = {sid: {} for sid in ranks}
    for t in booked:
        queues[t["service_id"]][t["id"]] = t
    for sid in ranks:
        for t in read(waiting.where(Ticket.service_id == sid, Ticket.target_counter_id.is_(None))
                      .order_by(*_BY_ARRIVAL)):
            queues[sid].setdefault(t["id"], t)
    ordered = call_order.counter_order(targeted, {sid: list(q.values()) for sid, q in queues.items()}, ranks,
                                       counter.policy, now)
    ids = [t["id"] for t in ordered[:limit]]
    rows = {t.id: (t, s, n) for t, s, n in session.execute(
        _waiting_query(counter.branch_id).where(Ticket.id.in_(ids)))} if ids else {}
    return [_row(*rows[i], now) for i in ids if i in rows]


def not_checked_in_tickets(session: Session, counter_id: int, now: dt.datetime, limit: int = 50) -> list[dict]:
    """Remote tickets of this counter's services still waiting for check-in: shown, never callable."""
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound("counter_not_found", f"no counter with id {counter_id}")
    stmt = (_waiting_query(counter.branch_id).where(Ticket.awaiting_check_in.is_(True), _for_counter(counter_id))
            .order_by(Ticket.priority, Ticket.arrived_at, Ticket.id).limit(limit))
    return [dict(_row(t, s, n, now), callable=False) for t, s, n in session.execute(stmt)]


def callable_count(session: Session, counter_id: int) -> int:
    return session.execute(select(func.count()).select_from(Ticket).where(
        Ticket.status == TicketStatus.WAITING, _callable_filter(counter_id))).scalar_one()


def transfer_targets(session: Session, counter_id: int) -> dict:
    """Where this counter's current ticket may go: every other counter with its state, teller and the
    number waiting for it, and every active service with its waiting count and open counters."""
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound("counter_not_found", f"no counter with id {counter_id}")
    counters = session.execute(
        select(Counter, User.display_name, User.username).outerjoin(User, User.id == Counter.staff_id)
        .where(Counter.branch_id == counter.branch_id, Counter.id != counter_id).order_by(Counter.number)).all()
    links = session.execute(
        select(CounterService.counter_id, Service.code).join(Service, Service.id == CounterService.service_id)
        .where(Service.branch_id == counter.branch_id).order_by(CounterService.counter_id, CounterService.rank)).all()
    services_of: dict[int, list[str]] = {}
    open_for: dict[str, int] = {}
    states = {c.id: c.state for c, _, _ in counters} | {counter.id: counter.state}
    for cid, code in links:
        services_of.setdefault(cid, []).append(code)
        if states.get(cid) == CounterState.OPEN:
            open_for[code] = open_for.get(code, 0) + 1
    waiting = dict(session.execute(
        select(Service.code, func.count(Ticket.id)).join(Ticket, and_(
            Ticket.service_id == Service.id, Ticket.status == TicketStatus.WAITING,
            Ticket.target_counter_id.is_(None)), isouter=True)
        .where(Service.branch_id == counter.branch_id).group_by(Service.code)).all())
    services = session.execute(select(Service).where(Service.branch_id == counter.branch_id,
                                                     Service.active.is_(True)).order_by(Service.code)).scalars()
    return {
        "counters": [{
            "number": c.number, "name": c.name, "state": str(c.state), "staff_name": name or username,
            "services": services_of.get(c.id, []), "waiting": callable_count(session, c.id),
            # A closed counter would never call it: the API refuses it (target_counter_closed).
            "accepts": c.state != CounterState.CLOSED,
        } for c, name, username in counters],
        "services": [{
            "service": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "waiting": waiting.get(s.code, 0),
            "counters_open": open_for.get(s.code, 0),
        } for s in services],
    }
