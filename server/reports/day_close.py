"""Closing a business day (日結): abandon what is still open, close the counters, lock the day, store the report.

One write transaction. On SQLite writers are serialised (BEGIN IMMEDIATE). On PostgreSQL the close
locks, in the engine's order, the branch's counters and then the day's number rows (one per service,
created with last = 0 where missing). Issuing a ticket takes its number row before it re-checks for a
DayClose, so an issue either finishes before the close reads the day's tickets (and is abandoned with
them) or waits for the close and is refused. Open tickets are abandoned in a loop until none is left,
which also catches a follow-up ticket that a transfer committed while the close waited for a lock.

A day whose tickets do not reconcile is refused (Conflict `day_not_balanced`) and nothing changes.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..models import Branch, Counter, DayClose, NumberSequence, Service, Ticket
from ..queue import QueueEngine
from ..queue import appointments, ticket_store as store
from ..queue.counter_ops import transition
from ..queue.states import OPEN_STATUSES, CounterState, TicketAction
from ..queue.uow import EventName
from ..queue.actors import Actor
from ..queue.clock import business_day, iso_utc
from ..queue.errors import Conflict, Invalid, NotFound
from ..queue.uow import UnitOfWork
from . import dataset, reconcile, statistics
from .periods import Period

log = logging.getLogger(__name__)


def close_day(engine: QueueEngine, branch_code: str, actor: Actor, day: dt.date | None = None) -> dict:
    """Close `day` (default: the branch's current business day). Returns the DayClose with its report."""
    with engine.unit_of_work() as uow:
        s = uow.session
        branch_id = s.execute(select(Branch.id).where(Branch.code == branch_code)).scalar_one_or_none()
        if branch_id is None:
            raise NotFound("branch_not_found", f"no branch with code {branch_code!r}")
        # Lock order as in the engine: counters first (call, complete, transfer lock their counter first).
        counters = s.execute(select(Counter).where(Counter.branch_id == branch_id)
                             .order_by(Counter.id).with_for_update()).scalars().all()
        branch = s.get(Branch, branch_id)
        today = business_day(uow.now, branch.timezone)
        day = day or today
        if day > today:
            raise Invalid("day_in_future", f"{day.isoformat()} has not started yet at branch {branch.code}")
        if s.execute(select(DayClose.id).where(DayClose.branch_id == branch.id,
                                               DayClose.business_day == day)).first():
            raise Conflict("day_already_closed", f"business day {day.isoformat()} is already closed")
        _lock_numbers(s, branch, day)
        period = Period(day, day, branch.timezone)

        before = dataset.load(s, branch, period, uow.now)
        problems, missing = reconcile.find_problems(before)
        if problems or missing:
            raise Conflict("day_not_balanced",
                           f"business day {day.isoformat()} does not reconcile: "
                           f"{len(problems)} inconsistent ticket(s), {len(missing)} number(s) without a ticket",
                           detail={"tickets": reconcile.problem_list(before, problems), "missing_numbers": missing})

        abandoned = _abandon_open_tickets(uow, branch, day, actor)
        # Appointments nobody checked in for become no-shows; contacts kept until the close are purged.
        appointments.sweep_branch(uow, branch, closing_day=day)
        closed_counters = _close_counters(engine, uow, counters, abandoned, closing_today=day == today)
        s.flush()

        report = statistics.build(dataset.load(s, branch, period, uow.now))
        if not report["balanced"]:
            # Cannot happen after the checks above; refuse rather than store a wrong settlement.
            raise Conflict("day_not_balanced", "the day-end report does not balance",
                           detail={"tickets": report["problems"], "missing_numbers": report["missing_numbers"]})
        close = DayClose(branch_id=branch.id, business_day=day, closed_by=actor.label, closed_at=uow.now,
                         report=report)
        s.add(close)
        s.flush()
        summary = close_view(close, branch.code)
        summary["abandoned"] = len(abandoned)
        summary["counters_closed"] = closed_counters
        uow.emit(EventName.DAY_CLOSED, branch, {"day_close": summary, "totals": _totals_brief(report)})
        log.info("business day closed", extra={"branch": branch.code, "business_day": day.isoformat(),
                                               "by": actor.label, "abandoned": len(abandoned)})
    return {"day_close": summary, "report": report}


def _lock_numbers(session, branch: Branch, day: dt.date) -> None:
    """Hold every number row of the day, so no ticket can be issued into it until the close is done."""
    service_ids = session.execute(select(Service.id).where(Service.branch_id == branch.id)
                                  .order_by(Service.id)).scalars().all()
    if not service_ids:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(NumberSequence).values([{"service_id": sid, "business_day": day, "last": 0}
                                                   for sid in service_ids]).on_conflict_do_nothing())
    session.execute(select(NumberSequence.service_id).where(NumberSequence.service_id.in_(service_ids),
                                                            NumberSequence.business_day == day)
                    .order_by(NumberSequence.service_id).with_for_update()).all()


def _abandon_open_tickets(uow: UnitOfWork, branch: Branch, day: dt.date, actor: Actor) -> list[dict]:
    """Every ticket of the day still waiting, called or serving becomes `abandoned` (the transition table's
    ABANDON, with its TicketEvent)."""
    conn = uow.connection
    T = Ticket.__table__
    abandoned: list[dict] = []
    while True:
        batch = [dict(row._mapping) for row in conn.execute(
            select(*store.TICKET_COLUMNS).where(T.c.branch_id == branch.id, T.c.business_day == day,
                                                T.c.status.in_(OPEN_STATUSES)).order_by(T.c.id).with_for_update())]
        if not batch:
            return abandoned
        store.record_events(conn, [transition(conn, ticket, TicketAction.ABANDON, actor, uow.now, ticket["counter_id"],
                                              {"reason": "day_close"}, finished_at=uow.now)
                                   for ticket in batch])
        abandoned.extend(batch)
        uow.emit(EventName.QUEUE_CHANGED, branch, {"services": sorted({t["service_id"] for t in batch})})


def _close_counters(engine: QueueEngine, uow: UnitOfWork, counters: list[Counter], abandoned: list[dict],
                    closing_today: bool) -> list[int]:
    """Closing today: every counter closes and its pause ends (the engine's own close). Closing a past day:
    only counters still holding one of that day's tickets let go of it; today's work goes on."""
    abandoned_ids = {t["id"] for t in abandoned}
    closed = []
    for counter in counters:
        cx = engine.counters.within(uow, counter.id)
        holds_abandoned = cx.counter["current_ticket_id"] in abandoned_ids
        if holds_abandoned:
            cx.release_ticket()
        if cx.counter["current_ticket_id"] is not None:
            # Still serving a ticket of another, unclosed day: that day's close will free it.
            log.warning("counter kept open: it holds a ticket of another day",
                        extra={"counter": cx.number, "ticket_id": cx.counter["current_ticket_id"]})
            continue
        if not closing_today or cx.counter["state"] == CounterState.CLOSED:
            if holds_abandoned:
                cx.emit_counter(EventName.COUNTER_UPDATED)
            continue
        cx.close()
        closed.append(cx.number)
    return closed


def close_view(close: DayClose, branch_code: str) -> dict:
    return {"branch": branch_code, "business_day": close.business_day.isoformat(), "closed_by": close.closed_by,
            "closed_at": iso_utc(close.closed_at), "balanced": bool(close.report.get("balanced"))}


def _totals_brief(report: dict) -> dict:
    t = report["totals"]
    return {k: t[k] for k in ("issued", "done", "no_show", "cancelled", "transferred_out", "abandoned")}
