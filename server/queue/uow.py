"""Unit of work: one write transaction, the events it produced, and their branch sequence numbers.

Events are collected while the transaction runs and handed to `publish` only after the commit,
so nobody hears of a change that was rolled back (Cosmic Python's message bus pattern).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..models import Branch


@dataclass
class DomainEvent:
    name: str
    branch_id: int
    data: dict
    seq: int = 0
    branch_code: str = ""

    def as_message(self) -> dict:
        return {"event": self.name, "seq": self.seq, "branch": self.branch_code, "data": self.data}


@dataclass
class UnitOfWork:
    session: Session
    now: dt.datetime
    events: list[DomainEvent] = field(default_factory=list)

    def emit(self, name: str, branch: Branch, data: dict) -> None:
        self.events.append(DomainEvent(name, branch.id, data, branch_code=branch.code))

    def number_events(self) -> None:
        """Take this transaction's block of each branch's event sequence (one row update per branch)."""
        by_branch: dict[int, list[DomainEvent]] = defaultdict(list)
        for event in self.events:
            by_branch[event.branch_id].append(event)
        for branch_id in sorted(by_branch):
            batch = by_branch[branch_id]
            last = self.session.execute(
                update(Branch)
                .where(Branch.id == branch_id)
                .values(event_seq=Branch.event_seq + len(batch))
                .returning(Branch.event_seq)
            ).scalar_one()
            for offset, event in enumerate(batch):
                event.seq = last - len(batch) + 1 + offset


Publisher = Callable[[list[DomainEvent]], None]


@contextmanager
def unit_of_work(db, clock, publish: Publisher | None) -> Iterator[UnitOfWork]:
    with db.write() as session:
        uow = UnitOfWork(session=session, now=clock())
        yield uow
        uow.number_events()
    if publish and uow.events:
        publish(uow.events)
