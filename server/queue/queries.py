"""Read-side queries: queue snapshot, counters, tickets, alerts. No writes here."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session, selectinload

from ..models import WAITING, Alert, Branch, Counter, CounterService, DayClose, Service, Ticket
from . import estimates
from .clock import iso_utc, utc_now
from .errors import NotFound
from .repository import branch_by_code
from .views import alert_view, counter_view, service_view, ticket_view




def services(session: Session, branch: Branch, include_inactive: bool = False) -> list[dict]:
    stmt = select(Service).where(Service.branch_id == branch.id).order_by(Service.code)
    if not include_inactive:
        stmt = stmt.where(Service.active.is_(True))
    return [service_view(s) for s in session.execute(stmt).scalars()]


def open_alert_levels(session: Session, branch: Branch | int) -> dict[int, str]:
    branch_id = branch if isinstance(branch, int) else branch.id
    levels: dict[int, str] = {}
    for service_id, level in session.execute(
        select(Alert.service_id, Alert.level).where(
            Alert.branch_id == branch_id, Alert.kind == "wait_time", Alert.cleared_at.is_(None)
        )
    ):
        if level == "critical" or service_id not in levels:
            levels[service_id] = level
    return levels


def queue_snapshot(session: Session, branch: Branch, now: dt.datetime,
                   service_ids: set[int] | None = None, service_times=None) -> list[dict]:
    """Per active service: waiting, longest wait, estimated wait for a new arrival, alert level.

    `service_ids` limits the rows to those services (a queue.changed event names the ones it touched).
    """
    return [render_row(row, now) for row in _snapshot_rows(session, branch.id, now, service_ids, service_times)]


def _snapshot_rows(session: Session, branch_id: int, now: dt.datetime, service_ids: set[int] | None,
                   service_times) -> list[dict]:
    """The snapshot with the oldest arrival kept as a time, so it can be rendered later."""
    # A ticket transferred to a counter is in that counter's queue, not the service's: only that counter
    # calls it (docs/architecture.md, "Hall figures"), so it is counted apart; so is a phone's ticket not
    # checked in yet (no counter calls it, its customer is not in the hall).
    away = Ticket.awaiting_check_in.is_(True)
    stats = {
        service_id: (count - (not_checked_in or 0), oldest, not_checked_in or 0)
        for service_id, count, oldest, not_checked_in in session.execute(
            select(Ticket.service_id, func.count(), func.min(case((away, None), else_=Ticket.arrived_at)),
                   func.sum(case((away, 1), else_=0)))
            .where(Ticket.branch_id == branch_id, Ticket.status == WAITING, Ticket.target_counter_id.is_(None))
            .group_by(Ticket.service_id)
        )
    }
    for_counters = waiting_for_counters(session, branch_id)
    levels = open_alert_levels(session, branch_id)
    rows = []
    wanted = select(Service).where(Service.branch_id == branch_id, Service.active.is_(True)).order_by(Service.code)
    if service_ids is not None:
        wanted = wanted.where(Service.id.in_(service_ids))
    for service in session.execute(wanted).scalars():
        waiting, oldest, not_checked_in = stats.get(service.id, (0, None, 0))
        load = estimates.service_load(session, service.id, service.default_service_s, now, service_times)
        rows.append(
            {
                "service_id": service.id,
                "service": service.code,
                "name_zh": service.name_zh,
                "name_en": service.name_en,
                "name_zh_hans": service.name_zh_hans,
                "waiting": waiting,
                "waiting_for_counters": for_counters.get(service.id, []),
                "not_checked_in": not_checked_in,
                "oldest_arrival": oldest,
                "estimated_wait_s": estimates.estimate_wait_s(waiting, load),
                "counters_open": load.counters_open,
                "mean_service_s": round(load.mean_service_s),
                "wait_target_min": service.wait_target_min,
                "alert_level": levels.get(service.id, "ok"),
                "guide_only": bool(service.staff_only),  # the kiosk offers it in guide mode only
            }
        )
    return rows


def waiting_for_counters(session: Session, branch_id: int) -> dict[int, list[dict]]:
    """{service id: [{"counter": number, "waiting": n}, ...]}: waiting tickets transferred to one counter."""
    found: dict[int, list[dict]] = {}
    for service_id, number, count in session.execute(
        select(Ticket.service_id, Counter.number, func.count())
        .join(Counter, Counter.id == Ticket.target_counter_id)
        .where(Ticket.branch_id == branch_id, Ticket.status == WAITING)
        .group_by(Ticket.service_id, Counter.number)
        .order_by(Counter.number)
    ):
        found.setdefault(service_id, []).append({"counter": number, "waiting": count})
    return found


def hall_state(session: Session, branch: Branch, now: dt.datetime) -> dict:
    """Whether the hall takes tickets now (hall_hours.py): opening hours and the day close."""
    from ..models import DayClose
    from .hall_hours import hall_state as state

    closed = set(session.execute(select(DayClose.business_day).where(DayClose.branch_id == branch.id)).scalars())
    return dict(state(branch.opening_hours, closed, branch.timezone, now), unavailable_policy=branch.unavailable_policy)


def render_row(row: dict, now: dt.datetime) -> dict:
    oldest = row["oldest_arrival"]
    out = {k: v for k, v in row.items() if k not in ("service_id", "oldest_arrival")}
    out["longest_wait_s"] = max(0, int((now - oldest).total_seconds())) if oldest else 0
    return out


class QueueSnapshots:
    """The queue table of each branch, computed once per change and served from memory.

    A snapshot is valid while the branch's event sequence and set-up version stay the same: every change
    to tickets, counters or alerts, in any hub process, commits a new event seq. Only the longest wait
    is worked out per request (from the oldest arrival), and a snapshot older than MAX_AGE_S is
    computed again because estimates drift with the clock.
    """

    MAX_AGE_S = 30.0

    def __init__(self, service_times=None):
        self._service_times = service_times
        self._cache: dict[str, tuple[tuple[int, int, int], dt.datetime, list[dict]]] = {}

    def get(self, session: Session, branch_code: str, now: dt.datetime,
            service_ids: set[int] | None = None) -> tuple[int, list[dict]]:
        """(branch id, rendered rows). Raises NotFound for an unknown branch."""
        key_row = session.execute(_SNAPSHOT_KEY, {"code": branch_code}).first()
        if key_row is None:
            raise NotFound("branch_not_found", f"no branch with code {branch_code!r}")
        key = tuple(key_row)
        cached = self._cache.get(branch_code)
        if cached is None or cached[0] != key or not 0 <= (now - cached[1]).total_seconds() < self.MAX_AGE_S:
            cached = (key, now, _snapshot_rows(session, key_row.id, now, None, self._service_times))
            self._cache[branch_code] = cached
        rows = cached[2] if service_ids is None else [r for r in cached[2] if r["service_id"] in service_ids]
        return key_row.id, [render_row(row, now) for row in rows]


_SNAPSHOT_KEY = select(Branch.id, Branch.event_seq, Branch.config_version).where(Branch.code == bindparam("code"))


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
        now = now or utc_now()
        ahead = estimates.people_ahead_of(session, found, now)
        load = estimates.service_load(session, found.service_id, found.service.default_service_s, now)
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


# Calls still worth showing: the customer is on the way, at the counter, or was served there. A no-show,
# a transfer (its follow-up is called anew), a cancelled or abandoned ticket leaves the display.
SHOWN_CALL_STATUSES = ("called", "serving", "done")


def recent_calls(session: Session, branch: Branch, limit: int = 8) -> list[dict]:
    closed_days = select(DayClose.business_day).where(DayClose.branch_id == branch.id)
    rows = session.execute(
        select(Ticket)
        .where(Ticket.branch_id == branch.id, Ticket.called_at.is_not(None),
               Ticket.status.in_(SHOWN_CALL_STATUSES), Ticket.business_day.not_in(closed_days))
        .options(selectinload(Ticket.service), selectinload(Ticket.counter))
        .order_by(Ticket.called_at.desc(), Ticket.id.desc())
        .limit(limit)
    ).scalars()
    return [ticket_view(t) for t in rows]


def active_emergency(session: Session, branch: Branch) -> dict | None:
    """The branch's emergency mode while it is on, else None."""
    from .branch_ops import active_emergency as find_active, emergency_view

    mode = find_active(session, branch.id)
    return emergency_view(mode, session) if mode else None


__all__ = [
    "active_emergency", "hall_state", "branch_by_code", "services", "queue_snapshot", "QueueSnapshots", "counters", "counter", "counter_detail", "ticket",
    "ticket_by_token", "ticket_position", "alerts", "recent_calls", "iso_utc",
]
