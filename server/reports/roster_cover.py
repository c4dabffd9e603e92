"""The roster's week against the staffing advice: per day and local hour, the counters planned and the
counters Erlang C says are needed (docs/architecture.md, "Roster").

Planned counters in an hour are the counter-minutes of `counter` shifts inside it, breaks taken out,
divided by 60: a teller at a counter 09:30-17:00 counts 0.5 in the 9 o'clock hour. Needed counters come
from `advice.advise_week`, one read of the history up to and including today for all seven weekdays
(or the simulator's defaults for a weekday without history; each day says which). An hour is short
when fewer counters are planned than needed.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ..models import Branch
from ..queue.roster import shifts_between
from . import advice
from .staffing import Target


def _minutes(text: str | None) -> int:
    return int(text[:2]) * 60 + int(text[3:]) if text else 0


def planned_per_hour(shifts: list[dict]) -> dict[int, float]:
    """Counter-hours planned in each local hour of one day."""
    per_hour: dict[int, float] = {}
    for shift in shifts:
        if shift["kind"] != "counter":
            continue
        working = [(_minutes(shift["from"]), _minutes(shift["to"]))]
        for b in shift["breaks"]:
            start, end = _minutes(b["from"]), _minutes(b["to"])
            # Cut the break out of every working piece it touches.
            working = [piece for a, z in working for piece in ((a, min(z, start)), (max(a, end), z))
                       if piece[0] < piece[1]]
        for a, z in working:
            for hour in range(a // 60, (z - 1) // 60 + 1):
                inside = min(z, (hour + 1) * 60) - max(a, hour * 60)
                per_hour[hour] = per_hour.get(hour, 0.0) + inside / 60
    return per_hour


def week_cover(session: Session, branch: Branch, monday: dt.date, today: dt.date,
               target: Target = Target()) -> dict:
    shifts = shifts_between(session, branch.id, monday, monday + dt.timedelta(days=6))
    # One read of the history (up to and including today) serves all seven weekdays.
    advised_by_weekday = advice.advise_week(session, branch, today, target=target, include_until=True)
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        advised = advised_by_weekday[day.weekday()]
        needed = {row["hour"]: row["counters"] for row in advised["hours"]}
        planned = planned_per_hour([s for s in shifts if s["day"] == day.isoformat()])
        hours = []
        for hour in sorted(set(needed) | set(planned)):
            have, need = round(planned.get(hour, 0.0), 2), needed.get(hour, 0)
            hours.append({"hour": hour, "planned": have, "needed": need, "short": round(max(0.0, need - have), 2)})
        days.append({"day": day.isoformat(), "weekday": day.weekday(), "source": advised["source"],
                     "history_days": advised["history"]["days_used"], "hours": hours,
                     "short_hours": sum(1 for h in hours if h["short"] > 0)})
    return {"week": monday.isoformat(), "shifts": shifts, "days": days,
            "target": {"share": target.share, "within_min": target.within_s / 60}}
