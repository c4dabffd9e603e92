"""Which waiting ticket a counter calls next (docs/architecture.md, "The domain").

Order: tickets transferred to this very counter; then priority class; then the counter's policy
(`strict`: its services in rank order, `longest_wait`: earliest arrival across its services);
then arrival. A remote ticket not yet checked in is no candidate (ticket_store._HEAD). Each candidate comes from one index range read ("head of a service's queue"), so
the cost depends on the number of services, not on the number of tickets waiting.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

from . import ticket_store as store

POLICIES = ("strict", "longest_wait")


def pick_next(conn: Connection, counter_id: int, service_ids: tuple[int, ...], policy: str) -> dict | None:
    """The next ticket for the counter as a dict of its columns (locked on PostgreSQL), or None."""
    row = store.head_for_counter(conn, counter_id)
    if row is not None:
        return dict(row._mapping)
    best, best_key = None, None
    for rank, service_id in enumerate(service_ids):
        row = store.head_of_service(conn, service_id)
        if row is None:
            continue
        if policy == "longest_wait":
            key = (row.priority, row.arrived_at, row.id)
        else:
            key = (row.priority, rank, row.arrived_at, row.id)
        if best_key is None or key < best_key:
            best, best_key = row, key
    return dict(best._mapping) if best is not None else None
