"""The event log (outbox): every event a unit of work commits, kept for delivery and catch-up.

Rows are written in the committing transaction with the seq the unit took from its branch
(`uow.number_events`), so the log holds exactly the committed events, gap-free per branch. Readers
(the delivery loop, a display catching up) read it by (branch_id, seq); a background job prunes it by
age (docs/architecture.md, "Real-time").
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import Branch, EventLogEntry

NOTIFY_CHANNEL = "counterflow_events"
CALL_EVENTS = ("ticket.called", "ticket.recalled")

_log = EventLogEntry.__table__
_branches = Branch.__table__
_INSERT = insert(_log)
# PostgreSQL delivers a NOTIFY at commit, to every listening hub, and never for a rolled-back one.
_NOTIFY = text(f"SELECT pg_notify('{NOTIFY_CHANNEL}', :payload)")
_AFTER = (select(_log.c.seq, _log.c.name, _log.c.data, _log.c.created_at)
          .where(_log.c.branch_id == bindparam("branch_id"), _log.c.seq > bindparam("after"))
          .order_by(_log.c.seq).limit(bindparam("limit")))
_CREATED = select(_log.c.created_at).where(_log.c.branch_id == bindparam("branch_id"),
                                          _log.c.seq == bindparam("seq"))
_HEADS = select(_branches.c.id, _branches.c.code, _branches.c.event_seq)


def append(conn: Connection, events, now: dt.datetime) -> None:
    """Write numbered events into the log, in the caller's transaction."""
    if not events:
        return
    conn.execute(_INSERT, [{"branch_id": e.branch_id, "seq": e.seq, "name": str(e.name), "data": e.data,
                            "created_at": now} for e in events])
    if conn.dialect.name == "postgresql":
        last = max(events, key=lambda e: (e.branch_id, e.seq))
        conn.execute(_NOTIFY, {"payload": f"{last.branch_id}:{last.seq}"})


def heads(session: Session) -> dict[int, tuple[str, int]]:
    """{branch id: (code, latest committed seq)} for every branch."""
    return {row.id: (row.code, row.event_seq or 0) for row in session.execute(_HEADS)}


def created_at(session: Session, branch_id: int, seq: int) -> dt.datetime | None:
    """When event `seq` of a branch was committed (None once pruned)."""
    return session.execute(_CREATED, {"branch_id": branch_id, "seq": seq}).scalar_one_or_none()


def read_after(session: Session, branch_id: int, after: int, limit: int = 500) -> list:
    """Rows (seq, name, data, created_at) of one branch with seq > after, in seq order."""
    return list(session.execute(_AFTER, {"branch_id": branch_id, "after": after, "limit": limit}))


def missed_calls(session: Session, branch_id: int, since: int, upto: int, now: dt.datetime,
                 window_s: float) -> tuple[list, bool]:
    """The calls (and recalls) committed with since < seq <= upto, for a screen catching up.

    Returns (rows within the last `window_s` in seq order, complete). `complete` is False when the
    gap reaches further back: a call in it is older than the window, or the log no longer holds the
    start of the gap (pruned)."""
    cutoff = now - dt.timedelta(seconds=window_s)
    in_gap = and_(_log.c.branch_id == branch_id, _log.c.seq > since, _log.c.seq <= upto,
                  _log.c.name.in_(CALL_EVENTS))
    recent = list(session.execute(select(_log.c.seq, _log.c.name, _log.c.data, _log.c.created_at)
                                  .where(in_gap, _log.c.created_at >= cutoff).order_by(_log.c.seq)))
    older = session.execute(select(_log.c.seq).where(in_gap, _log.c.created_at < cutoff).limit(1)).first()
    oldest_kept = session.execute(select(func.min(_log.c.seq)).where(_log.c.branch_id == branch_id)).scalar()
    pruned = since < upto and (oldest_kept is None or oldest_kept > since + 1)
    return recent, older is None and not pruned


def prune(session: Session, cutoff: dt.datetime, batch: int) -> int:
    """Delete up to `batch` of the oldest rows created before `cutoff`; returns how many went."""
    rows = session.execute(select(_log.c.branch_id, _log.c.seq).where(_log.c.created_at < cutoff)
                           .order_by(_log.c.created_at).limit(batch)).all()
    upto: dict[int, int] = {}
    for branch_id, seq in rows:
        upto[branch_id] = max(seq, upto.get(branch_id, 0))
    for branch_id, seq in upto.items():
        # Old rows of a branch are its lowest seqs: one range delete per branch.
        session.execute(delete(_log).where(_log.c.branch_id == branch_id, _log.c.seq <= seq,
                                           _log.c.created_at < cutoff))
    return len(rows)
