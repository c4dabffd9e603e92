"""Wait estimates from recent service times and the counters open for a service.

With `n` counters open for the service, `free` of them idle, and a mean service time `m`, the
customer with `k` people ahead waits for (k - free + 1) departures among n busy counters:
about (k - free + 1) * m / n, and nothing when a counter is free for them.

The mean service time is a running figure (`ServiceTimes`): read from the newest finished tickets
of the service through an index (at most RECENT_SERVICES rows, however long the history), kept in
memory, and read again when this process completes a ticket of that service or after
REFRESH_S (completions in other hub processes).
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import Ticket
from . import ticket_store as store
from .states import TicketStatus

RECENT_SERVICES = 20
RECENT_WINDOW = dt.timedelta(hours=3)
REFRESH_S = 15.0

T = Ticket.__table__
_RECENT = (
    select(T.c.started_at, T.c.called_at, T.c.finished_at)
    .where(T.c.service_id == bindparam("service_id"), T.c.status == TicketStatus.DONE,
           T.c.finished_at >= bindparam("since"))
    .order_by(T.c.finished_at.desc())
    .limit(RECENT_SERVICES)
)


@dataclass(frozen=True)
class ServiceLoad:
    mean_service_s: float
    counters_open: int
    counters_free: int


def mean_service_seconds(conn: Connection | Session, service_id: int, default_s: int, now: dt.datetime) -> float:
    rows = conn.execute(_RECENT, {"service_id": service_id, "since": now - RECENT_WINDOW}).all()
    durations = [
        (finished - (started or called)).total_seconds()
        for started, called, finished in rows
        if finished and (started or called)
    ]
    return sum(durations) / len(durations) if durations else float(default_s)


class ServiceTimes:
    """Mean recent service time per service, kept as a running figure (see the module docstring)."""

    def __init__(self, refresh_s: float = REFRESH_S, monotonic=time.monotonic):
        self._means: dict[int, tuple[float, float, dt.datetime]] = {}  # service -> (mean, read at, clock)
        self._lock = threading.Lock()
        self._refresh_s = refresh_s
        self._monotonic = monotonic

    def mean(self, conn, service_id: int, default_s: int, now: dt.datetime) -> float:
        cached = self._means.get(service_id)
        # A clock that moved backwards or far ahead (simulations) reads again, as does an old figure.
        if cached is not None and self._monotonic() - cached[1] < self._refresh_s \
                and dt.timedelta(0) <= now - cached[2] < dt.timedelta(minutes=1):
            return cached[0]
        mean = mean_service_seconds(conn, service_id, default_s, now)
        with self._lock:
            self._means[service_id] = (mean, self._monotonic(), now)
        return mean

    def completed(self, service_id: int) -> None:
        """A ticket of the service was completed here: the next estimate reads the figure again."""
        with self._lock:
            self._means.pop(service_id, None)

    def clear(self) -> None:
        with self._lock:
            self._means.clear()


def service_load(conn, service_id: int, default_s: int, now: dt.datetime,
                 times: ServiceTimes | None = None) -> ServiceLoad:
    if isinstance(conn, Session):
        conn = conn.connection()
    counters_open, counters_free = store.open_counters_for_service(conn, service_id)
    mean = times.mean(conn, service_id, default_s, now) if times else mean_service_seconds(conn, service_id,
                                                                                            default_s, now)
    return ServiceLoad(mean, counters_open, counters_free)


def estimate_wait_s(people_ahead: int, load: ServiceLoad) -> int:
    if people_ahead < load.counters_free:
        return 0
    servers = max(1, load.counters_open)
    return int(round((people_ahead - load.counters_free + 1) * load.mean_service_s / servers))


def people_ahead_of(conn, ticket) -> int:
    """Waiting tickets of the same service that will be called before this one."""
    if isinstance(conn, Session):
        conn = conn.connection()
    if not isinstance(ticket, dict) and hasattr(ticket, "__table__"):
        ticket = {"id": ticket.id, "service_id": ticket.service_id, "priority": ticket.priority,
                  "arrived_at": ticket.arrived_at}
    return store.people_ahead(conn, ticket)
