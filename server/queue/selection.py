"""Which waiting ticket a counter calls next (docs/architecture.md, "The domain").

Order: tickets transferred to this very counter; then priority class; then the counter's policy
(`strict`: its services in rank order, `longest_wait`: earliest arrival across its services);
then arrival. An appointment ticket inside its call window heads its service's queue (below); a remote
ticket not yet checked in is no candidate (ticket_store._HEAD). Each candidate comes from one index range
read ("head of a service's queue"), so
the cost depends on the number of services, not on the number of tickets waiting.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection

from . import ticket_store as store

POLICIES = ("strict", "longest_wait")


def pick_next(conn: Connection, counter_id: int, service_ids: tuple[int, ...], policy: str,
              now: dt.datetime | None = None) -> dict | None:
    """The next ticket for the counter as a dict of its columns (locked on PostgreSQL), or None."""
    row = store.head_for_counter(conn, counter_id)
    if row is not None:
        return dict(row._mapping)
    best, best_key = None, None
    for rank, service_id in enumerate(service_ids):
        # Appointments (docs/architecture.md, "Call order"): a checked-in appointment whose window
        # (from `early` minutes before its slot to `late` after) holds `now` is its service's head, ahead
        # of that service's walk-ins, and counts as waiting since its window opened (longest_wait). Outside the
        # window it is an ordinary ticket of the queue, placed by its arrival (check-in) time.
        booked = store.appointment_head(conn, service_id, now) if now is not None else None
        row = booked or store.head_of_service(conn, service_id)
        if row is None:
            continue
        since = min(row.arrived_at, row.appointment_window_start) if booked is not None else row.arrived_at
        if policy == "longest_wait":
            key = (row.priority, since, row.id)
        else:
            key = (row.priority, rank, since, row.id)
        if best_key is None or key < best_key:
            best, best_key = row, key
    return dict(best._mapping) if best is not None else None
