"""Which waiting ticket a counter calls next (DESIGN §4).

Order: tickets transferred to this very counter; then priority class; then the counter's policy
(`strict`: its services in rank order, `longest_wait`: earliest arrival across its services);
then arrival. Each candidate comes from one index range read ("head of a service's queue"), so
the cost depends on the number of services, not on the number of tickets waiting.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import WAITING, Counter, Ticket

POLICIES = ("strict", "longest_wait")


def _head(session: Session, *criteria) -> Ticket | None:
    stmt = (
        select(Ticket)
        .where(Ticket.status == WAITING, *criteria)
        .order_by(Ticket.priority, Ticket.arrived_at, Ticket.id)
        .limit(1)
        # PostgreSQL: another counter's transaction holding this row is skipped, not waited on.
        .with_for_update(skip_locked=True)
    )
    return session.execute(stmt).scalars().first()


def pick_next(session: Session, counter: Counter, exclude_ids: set[int] = frozenset()) -> Ticket | None:
    extra = (Ticket.id.not_in(exclude_ids),) if exclude_ids else ()
    transferred_here = _head(session, Ticket.target_counter_id == counter.id, *extra)
    if transferred_here is not None:
        return transferred_here

    candidates: list[tuple[tuple, Ticket]] = []
    for link in counter.service_links:
        ticket = _head(session, Ticket.service_id == link.service_id, Ticket.target_counter_id.is_(None), *extra)
        if ticket is None:
            continue
        if counter.policy == "longest_wait":
            key = (ticket.priority, ticket.arrived_at, ticket.id)
        else:
            key = (ticket.priority, link.rank, ticket.arrived_at, ticket.id)
        candidates.append((key, ticket))
    if not candidates:
        return None
    return min(candidates, key=lambda kv: kv[0])[1]
