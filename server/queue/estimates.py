"""Wait estimates from recent service times and the counters open for a service.

With `n` counters open for the service, `free` of them idle, and a mean service time `m`, the
customer with `k` people ahead waits for (k - free + 1) departures among n busy counters:
about (k - free + 1) * m / n, and nothing when a counter is free for them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import COUNTER_OPEN, DONE, WAITING, Counter, CounterService, Ticket

RECENT_SERVICES = 20
RECENT_WINDOW = dt.timedelta(hours=3)


@dataclass(frozen=True)
class ServiceLoad:
    mean_service_s: float
    counters_open: int
    counters_free: int


def mean_service_seconds(session: Session, service_id: int, default_s: int, now: dt.datetime) -> float:
    rows = session.execute(
        select(Ticket.started_at, Ticket.called_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service_id,
            Ticket.status == DONE,
            Ticket.finished_at >= now - RECENT_WINDOW,
        )
        .order_by(Ticket.finished_at.desc())
        .limit(RECENT_SERVICES)
    ).all()
    durations = [
        (finished - (started or called)).total_seconds()
        for started, called, finished in rows
        if finished and (started or called)
    ]
    return sum(durations) / len(durations) if durations else float(default_s)


def service_load(session: Session, service_id: int, default_s: int, now: dt.datetime) -> ServiceLoad:
    counters = session.execute(
        select(Counter.current_ticket_id)
        .join(CounterService, CounterService.counter_id == Counter.id)
        .where(CounterService.service_id == service_id, Counter.state == COUNTER_OPEN)
    ).all()
    free = sum(1 for (current,) in counters if current is None)
    return ServiceLoad(mean_service_seconds(session, service_id, default_s, now), len(counters), free)


def estimate_wait_s(people_ahead: int, load: ServiceLoad) -> int:
    if people_ahead < load.counters_free:
        return 0
    servers = max(1, load.counters_open)
    return int(round((people_ahead - load.counters_free + 1) * load.mean_service_s / servers))


def people_ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same service that will be called before this one."""
    return session.execute(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.service_id == ticket.service_id,
            Ticket.status == WAITING,
            Ticket.target_counter_id.is_(None),
            Ticket.id != ticket.id,
            (Ticket.priority < ticket.priority)
            | (
                (Ticket.priority == ticket.priority)
                & (
                    (Ticket.arrived_at < ticket.arrived_at)
                    | ((Ticket.arrived_at == ticket.arrived_at) & (Ticket.id < ticket.id))
                )
            ),
        )
    ).scalar_one()
