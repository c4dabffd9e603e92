"""Planned against actual counter hours for the day report (docs/architecture.md, "Roster").

Planned: the roster's `counter` shifts of the day, breaks taken out. Actual: the counter sessions
(server/queue/counter_sessions.py) inside the day's local midnight-to-midnight, a session still open
counting up to now. One row per teller and counter that either side has.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Counter, CounterSession, User
from ..queue.roster import shifts_between


def _utc_day(day: dt.date, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC).replace(tzinfo=None)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC).replace(tzinfo=None)
    return start, end


def planned_vs_actual(session: Session, branch, day: dt.date, now: dt.datetime) -> list[dict]:
    rows: dict[tuple[str, int], dict] = {}

    def row(staff: str, name: str, counter: int) -> dict:
        return rows.setdefault((staff, counter), {"teller": staff, "name": name, "counter": counter,
                                                  "planned_min": 0, "actual_min": 0})

    for shift in shifts_between(session, branch.id, day, day):
        if shift["kind"] == "counter":
            row(shift["staff"], shift["staff_name"], shift["counter"])["planned_min"] += shift["worked_min"]
    start, end = _utc_day(day, branch.timezone)
    sessions = session.execute(
        select(CounterSession.opened_at, CounterSession.closed_at, Counter.number, User.username, User.display_name)
        .join(Counter, Counter.id == CounterSession.counter_id).join(User, User.id == CounterSession.staff_id)
        .where(Counter.branch_id == branch.id, CounterSession.opened_at < end,
               or_(CounterSession.closed_at.is_(None), CounterSession.closed_at > start))).all()
    for opened, closed, number, username, display in sessions:
        seconds = (min(closed or now, end) - max(opened, start)).total_seconds()
        if seconds > 0:
            row(username, display or username, number)["actual_min"] += seconds / 60
    out = []
    for r in sorted(rows.values(), key=lambda r: (r["teller"], r["counter"])):
        r["actual_min"] = round(r["actual_min"])
        r["difference_min"] = r["actual_min"] - r["planned_min"]
        out.append(r)
    return out
