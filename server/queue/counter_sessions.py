"""Counter sessions: who sat at which counter from when to when (docs/architecture.md, "Roster").

The counter's one write path (counter_ops' `set_counter`) calls `follow` with every change, so each way
a counter opens or closes - the teller, a supervisor closing it, the day close - is recorded alike. The
day report sets these actual hours against the roster's plan (server/reports/roster_actual.py).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from ..models import CounterSession
from .states import CounterState

SESSIONS = CounterSession.__table__


def follow(conn: Connection, counter_id: int, values: dict, now: dt.datetime) -> None:
    """Open a session when a teller signs in at the counter; end it when the counter closes."""
    state = values.get("state")
    if state == CounterState.OPEN and values.get("staff_id") is not None:
        conn.execute(update(SESSIONS).where(SESSIONS.c.counter_id == counter_id, SESSIONS.c.closed_at.is_(None))
                     .values(closed_at=now))  # a session left open by a crash ends when the counter reopens
        conn.execute(insert(SESSIONS).values(counter_id=counter_id, staff_id=values["staff_id"], opened_at=now))
    elif state == CounterState.CLOSED:
        conn.execute(update(SESSIONS).where(SESSIONS.c.counter_id == counter_id, SESSIONS.c.closed_at.is_(None))
                     .values(closed_at=now))
