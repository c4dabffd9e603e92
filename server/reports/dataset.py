"""Everything a report needs about a branch and a period, read once into plain rows.

The statistics, reconciliation and charts are pure functions of a Dataset, so they are computed the
same way for the live report, the stored day-end report and the exports.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Branch, Counter, CounterPause, NumberSequence, Rating, Service, Ticket, User
from . import emergencies, remote_counts
from . import rounds as round_reports

from ..queue import appointment_queries
from ..queue.comments import day_counts
from .periods import Period


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name_zh: str
    name_en: str
    wait_target_s: int
    default_service_s: int
    active: bool
    name_zh_hans: str = ""


@dataclass(frozen=True)
class CounterInfo:
    id: int
    number: int
    name: str


@dataclass(frozen=True)
class StaffInfo:
    id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class TicketRow:
    id: int
    number: str
    seq: int
    service_id: int
    business_day: dt.date
    status: str
    priority: int
    created_at: dt.datetime
    arrived_at: dt.datetime
    called_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    counter_id: int | None
    staff_id: int | None
    transferred_from_id: int | None
    transfer_gen: int
    requeue_count: int


@dataclass(frozen=True)
class PauseRow:
    counter_id: int
    staff_id: int | None
    reason: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass
class Dataset:
    branch_id: int
    branch_code: str
    branch_name_zh: str
    branch_name_en: str
    period: Period
    now: dt.datetime
    services: dict[int, ServiceInfo]
    counters: dict[int, CounterInfo]
    staff: dict[int, StaffInfo]
    tickets: list[TicketRow]
    ratings: dict[int, int]  # ticket id -> score
    pauses: list[PauseRow]
    numbered: dict[tuple[int, dt.date], int]  # (service id, day) -> numbers handed out
    emergencies: list[dict] = field(default_factory=list)  # emergencies.rows: the plans of the period
    _by_id: dict[int, TicketRow] = field(default_factory=dict, repr=False)
    branch_name_zh_hans: str = ""
    comments: dict = field(default_factory=dict)  # the comment book's counts (queue/comments.py)
    rounds: list[dict] = field(default_factory=list)  # round_reports.rows: the rounds done and their problems
    appointments: dict = field(default_factory=dict)  # booked, arrived, no-show, on time (appointment_queries.py)
    remote: dict = field(default_factory=dict)  # remote_counts.counts: the remote queue's tickets

    def ticket(self, ticket_id: int) -> TicketRow | None:
        if not self._by_id:
            self._by_id = {t.id: t for t in self.tickets}
        return self._by_id.get(ticket_id)

    def wait_target_s(self, ticket: TicketRow) -> int:
        return self.services[ticket.service_id].wait_target_s


TICKET_COLUMNS = (
    Ticket.id, Ticket.number, Ticket.seq, Ticket.service_id, Ticket.business_day, Ticket.status, Ticket.priority,
    Ticket.created_at, Ticket.arrived_at, Ticket.called_at, Ticket.started_at, Ticket.finished_at,
    Ticket.counter_id, Ticket.staff_id, Ticket.transferred_from_id, Ticket.transfer_gen, Ticket.requeue_count,
)


def load(session: Session, branch: Branch, period: Period, now: dt.datetime) -> Dataset:
    in_period = (Ticket.branch_id == branch.id, Ticket.business_day >= period.first,
                 Ticket.business_day <= period.last)
    tickets = [TicketRow(*row) for row in session.execute(select(*TICKET_COLUMNS).where(*in_period)
                                                          .order_by(Ticket.id))]
    ratings = dict(session.execute(
        select(Rating.ticket_id, Rating.score).where(
            Rating.ticket_id.in_(select(Ticket.id).where(*in_period).scalar_subquery()))
    ).all())
    start, end = period.utc_bounds()
    pauses = [PauseRow(*row) for row in session.execute(
        select(CounterPause.counter_id, CounterPause.staff_id, CounterPause.reason, CounterPause.started_at,
               CounterPause.ended_at)
        .join(Counter, Counter.id == CounterPause.counter_id)
        .where(Counter.branch_id == branch.id, CounterPause.started_at < end,
               (CounterPause.ended_at.is_(None)) | (CounterPause.ended_at > start))
        .order_by(CounterPause.started_at, CounterPause.id)
    )]
    services = {s.id: ServiceInfo(s.id, s.code, s.name_zh, s.name_en, s.wait_target_min * 60, s.default_service_s,
                             s.active, s.name_zh_hans)
                for s in session.execute(select(Service).where(Service.branch_id == branch.id)).scalars()}
    counters = {c.id: CounterInfo(c.id, c.number, c.name)
                for c in session.execute(select(Counter).where(Counter.branch_id == branch.id)).scalars()}
    staff_ids = {t.staff_id for t in tickets if t.staff_id} | {p.staff_id for p in pauses if p.staff_id}
    staff = {u.id: StaffInfo(u.id, u.username, u.display_name or u.username)
             for u in session.execute(select(User).where(User.id.in_(staff_ids))).scalars()} if staff_ids else {}
    numbered = {(sid, day): last for sid, day, last in session.execute(
        select(NumberSequence.service_id, NumberSequence.business_day, NumberSequence.last).where(
            NumberSequence.service_id.in_(list(services) or [-1]),
            NumberSequence.business_day >= period.first, NumberSequence.business_day <= period.last))}
    return Dataset(branch.id, branch.code, branch.name_zh, branch.name_en, period, now, services, counters, staff,
                   tickets, ratings, pauses, numbered, emergencies.rows(session, branch.id, period, now),
                   branch_name_zh_hans=branch.name_zh_hans,
                   comments=day_counts(session, branch.id, period.first, period.last),
                   rounds=round_reports.rows(session, branch.id, period),
                   appointments=appointment_queries.day_counts(session, branch.id, period.first, period.last),
                   remote=remote_counts.counts(session, branch.id, period))
