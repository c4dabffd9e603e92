"""Read-side queries: queue snapshot, counters, tickets, alerts. No writes here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import WAITING, Alert, Branch, Counter, CounterService, Service, Ticket
from . import estimates
from .clock import iso_utc, utc_now
from .errors import NotFound
from .views import alert_view, counter_view, service_view, ticket_view


def branch_by_code(session: Session, code: str) -> Branch:
    branch = session.execute(select(Branch).where(Branch.code == code)).scalar_one_or_none()
    if branch is None:
        raise NotFound("branch_not_found", f"no branch with code {code!r}")
    return branch


def services(session: Session, branch: Branch, include_inactive: bool = False) -> list[dict]:
    stmt = select(Service).where(Service.branch_id == branch.id).order_by(Service.code)
    if not include_inactive:
        stmt = stmt.where(Service.active.is_(True))
    return [service_view(s) for s in session.execute(stmt).scalars()]


def open_alert_levels(session: Session, branch: Branch) -> dict[int, str]:
    levels: dict[int, str] = {}
    for service_id, level in session.execute(
        select(Alert.service_id, Alert.level).where(
            Alert.branch_id == branch.id, Alert.kind == "wait_time", Alert.cleared_at.is_(None)
        )
    ):
        if level == "critical" or service_id not in levels:
            levels[service_id] = level
    return levels


def queue_snapshot(session: Session, branch: Branch, now: dt.datetime,
                   service_ids: set[int] | None = None) -> list[dict]:
    """Per active service: waiting, longest wait, estimated wait for a new arrival, alert level.

    `service_ids` limits the rows to those services (a queue.changed event names the ones it touched).
    """
    stats = dict(
        (service_id, (count, oldest))
        for service_id, count, oldest in session.execute(
            select(Ticket.service_id, func.count(), func.min(Ticket.arrived_at))
            .where(Ticket.branch_id == branch.id, Ticket.status == WAITING)
            .group_by(Ticket.service_id)
        )
    )
    levels = open_alert_levels(session, branch)
    rows = []
    wanted = select(Service).where(Service.branch_id == branch.id, Service.active.is_(True)).order_by(Service.code)
    if service_ids is not None:
        wanted = wanted.where(Service.id.in_(service_ids))
    for service in session.execute(wanted).scalars():
        waiting, oldest = stats.get(service.id, (0, None))
        load = estimates.service_load(session, service.id, service.default_service_s, now)
        rows.append(
            {
                "service": service.code,
                "name_zh": service.name_zh,
                "name_en": service.name_en,
                "waiting": waiting,
                "longest_wait_s": int((now - oldest).total_seconds()) if oldest else 0,
                "estimated_wait_s": estimates.estimate_wait_s(waiting, load),
                "counters_open": load.counters_open,
                "mean_service_s": round(load.mean_service_s),
                "wait_target_min": service.wait_target_min,
                "alert_level": levels.get(service.id, "ok"),
            }
        )
    return rows


def counters(session: Session, branch: Branch) -> list[dict]:
    rows = session.execute(
        select(Counter)
        .where(Counter.branch_id == branch.id)
        .options(
            selectinload(Counter.service_links).selectinload(CounterService.service),
            selectinload(Counter.staff),
        )
        .order_by(Counter.number)
    ).scalars().all()
    current_ids = [c.current_ticket_id for c in rows if c.current_ticket_id]
    current = {
        t.id: t
        for t in session.execute(
            select(Ticket).where(Ticket.id.in_(current_ids)).options(selectinload(Ticket.service))
        ).scalars()
    } if current_ids else {}
    return [counter_view(c, current.get(c.current_ticket_id)) for c in rows]


def counter(session: Session, counter_id: int) -> Counter:
    found = session.get(Counter, counter_id)
    if found is None:
        raise NotFound("counter_not_found", f"no counter with id {counter_id}")
    return found


def counter_detail(session: Session, counter_id: int) -> dict:
    found = counter(session, counter_id)
    current = session.get(Ticket, found.current_ticket_id) if found.current_ticket_id else None
    return counter_view(found, current)


def ticket(session: Session, ticket_id: int) -> dict:
    found = session.get(Ticket, ticket_id)
    if found is None:
        raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
    return ticket_position(session, found)


def ticket_by_token(session: Session, token: str) -> dict:
    found = session.execute(select(Ticket).where(Ticket.public_token == token)).scalar_one_or_none()
    if found is None:
        raise NotFound("ticket_not_found", "no such ticket")
    # A transferred ticket lives on in its follow-up; the customer's QR keeps working.
    while found.status == "transferred":
        follow = session.execute(select(Ticket).where(Ticket.transferred_from_id == found.id)).scalar_one_or_none()
        if follow is None:
            break
        found = follow
    return ticket_position(session, found)


def ticket_position(session: Session, found: Ticket, now: dt.datetime | None = None) -> dict:
    view = ticket_view(found)
    if found.status == WAITING:
        ahead = estimates.people_ahead_of(session, found)
        load = estimates.service_load(
            session, found.service_id, found.service.default_service_s, now or utc_now()
        )
        view.update(people_ahead=ahead, estimated_wait_s=estimates.estimate_wait_s(ahead, load))
    return view


def alerts(session: Session, branch: Branch, include_cleared: bool = False, limit: int = 200) -> list[dict]:
    stmt = select(Alert, Service.code).outerjoin(Service, Service.id == Alert.service_id).where(
        Alert.branch_id == branch.id
    )
    if not include_cleared:
        stmt = stmt.where(Alert.cleared_at.is_(None))
    stmt = stmt.order_by(Alert.raised_at.desc()).limit(limit)
    return [alert_view(alert, code) for alert, code in session.execute(stmt)]


def recent_calls(session: Session, branch: Branch, limit: int = 8) -> list[dict]:
    rows = session.execute(
        select(Ticket)
        .where(Ticket.branch_id == branch.id, Ticket.called_at.is_not(None))
        .options(selectinload(Ticket.service), selectinload(Ticket.counter))
        .order_by(Ticket.called_at.desc(), Ticket.id.desc())
        .limit(limit)
    ).scalars()
    return [ticket_view(t) for t in rows]


def active_emergency(session: Session, branch: Branch) -> dict | None:
    """The branch's emergency mode while it is on, else None."""
    from ..models import EmergencyMode
    from .engine import emergency_view  # engine imports this module's siblings; import late

    mode = session.execute(
        select(EmergencyMode).where(EmergencyMode.branch_id == branch.id, EmergencyMode.ended_at.is_(None))
    ).scalar_one_or_none()
    return emergency_view(mode, session) if mode else None


__all__ = [
    "active_emergency", "branch_by_code", "services", "queue_snapshot", "counters", "counter", "counter_detail", "ticket",
    "ticket_by_token", "ticket_position", "alerts", "recent_calls", "iso_utc",
]
