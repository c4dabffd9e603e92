"""Unit of work: one write transaction, the events it produced, and their branch sequence numbers.

Events are collected while the transaction runs and handed to `publish` only after the commit,
so nobody hears of a change that was rolled back (docs/architecture.md, "Transactions and events").
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from enum import StrEnum
from typing import Protocol

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import Branch
from . import event_log, nudges


class EventName(StrEnum):
    """Every event the domain publishes (dotted names, as sent to Socket.IO clients)."""

    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_COMPLETED = "ticket.completed"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_REQUEUED = "ticket.requeued"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_MOVED = "ticket.moved"
    TICKET_REPRIORITISED = "ticket.reprioritised"
    TICKET_CHECKED_IN = "ticket.checked_in"
    TICKET_REJOINED = "ticket.rejoined"
    QUEUE_CHANGED = "queue.changed"
    COUNTER_OPENED = "counter.opened"
    COUNTER_CLOSED = "counter.closed"
    COUNTER_PAUSED = "counter.paused"
    COUNTER_RESUMED = "counter.resumed"
    COUNTER_UPDATED = "counter.updated"
    SERVICE_UPDATED = "service.updated"
    BRANCH_UPDATED = "branch.updated"
    RATING_RECORDED = "rating.recorded"
    ALERT_RAISED = "alert.raised"
    ALERT_CLEARED = "alert.cleared"
    ALERT_ACKNOWLEDGED = "alert.acknowledged"
    EMERGENCY_STARTED = "emergency.started"
    EMERGENCY_ENDED = "emergency.ended"
    DISPLAY_MESSAGE = "display.message"
    DAY_CLOSED = "day.closed"

    @property
    def is_ticket_event(self) -> bool:
        return self.value.startswith("ticket.")


class BranchRef(Protocol):
    id: int
    code: str


@dataclass
class DomainEvent:
    name: str
    branch_id: int
    data: dict
    seq: int = 0
    branch_code: str = ""

    def as_message(self) -> dict:
        return {"event": str(self.name), "seq": self.seq, "branch": self.branch_code, "data": self.data}


_BUMP_SEQ = (update(Branch.__table__).where(Branch.__table__.c.id == bindparam("branch_id"))
             .values(event_seq=Branch.__table__.c.event_seq + bindparam("count"))
             .returning(Branch.__table__.c.event_seq))


@dataclass
class UnitOfWork:
    session: Session
    now: dt.datetime
    events: list[DomainEvent] = field(default_factory=list)

    @cached_property
    def connection(self) -> Connection:
        """The transaction's connection, for Core statements (the hot path)."""
        return self.session.connection()

    def emit(self, name: str, branch: BranchRef, data: dict) -> None:
        self.events.append(DomainEvent(name, branch.id, data, branch_code=branch.code))

    def number_events(self) -> None:
        """Take this transaction's block of each branch's event sequence (one row update per branch)."""
        by_branch: dict[int, list[DomainEvent]] = defaultdict(list)
        for event in self.events:
            by_branch[event.branch_id].append(event)
        for branch_id in sorted(by_branch):
            batch = by_branch[branch_id]
            last = self.connection.execute(_BUMP_SEQ, {"branch_id": branch_id, "count": len(batch)}).scalar_one()
            for offset, event in enumerate(batch):
                event.seq = last - len(batch) + 1 + offset


Publisher = Callable[[list[DomainEvent]], None]


@contextmanager
def unit_of_work(db, clock, publish: Publisher | None) -> Iterator[UnitOfWork]:
    """One transaction. `db.write()` may run it inside a group commit (SQLite): the block ends after the
    real commit, and only then are the events published."""
    with db.write() as session:
        uow = UnitOfWork(session=session, now=clock())
        yield uow
        uow.session.flush()
        # Customer notices (near the front, called) go into their outbox in this same transaction.
        nudges.write_notices(uow)
        uow.number_events()
        # The outbox: the events commit with the change, or not at all (docs/architecture.md, "Real-time").
        event_log.append(uow.connection, uow.events, uow.now)
    if publish and uow.events:
        publish(uow.events)
