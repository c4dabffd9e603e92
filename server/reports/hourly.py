"""Hour-of-day figures in the branch's time zone, summed over the days of the period.

Hours count from the local midnight of each ticket's own business day, so the night after midnight
(the old day's tickets still called, oldest first, until day close) is hour 24, 25, ... of that day:
ordered after its hour 23 and labelled "24:00–01:00", never mixed into its hour 0
(docs/architecture.md, "Reports across midnight").

`waiting_avg` is the time-average number of customers waiting during that hour (per day of the
period); `waiting_max` the most waiting at once. A ticket waits from created_at until its call, or
until it ends uncalled, or until now while it is still waiting; it counts in its own business day
even after midnight, for at most LAST_HOUR hours after that day began (a day never closed does not
grow the table forever).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from ..models import DONE, NO_SHOW
from .dataset import Dataset, TicketRow
from .measures import _r, wait_s
from .periods import to_local_naive

HOUR = dt.timedelta(hours=1)
LAST_HOUR = 48  # a ticket's waiting is counted at most this long after its business day began
_ANCHOR = dt.datetime(2000, 1, 1)  # day-relative times: _ANCHOR + (local time - local midnight of the day)


def hour_label(hour: int) -> str:
    """'09:00–10:00'; after midnight the start keeps counting ('24:00–01:00') so the row reads as the
    night of the same business day."""
    end = hour + 1 if hour < 24 else (hour + 1) % 24
    return f"{hour:02d}:00–{end:02d}:00"


def _waiting_interval(ticket: TicketRow, limit: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    end = ticket.called_at or ticket.finished_at or limit
    end = min(end, limit)
    return (ticket.created_at, end) if end > ticket.created_at else None


def queue_length_by_hour(intervals: list[tuple[dt.datetime, dt.datetime]],
                         origin: dt.datetime | None = None) -> tuple[dict[int, float], dict[int, int]]:
    """Sweep over local wall-clock intervals: (customer-seconds waiting, most waiting at once) per hour,
    hours counted from `origin` (by default the midnight of the earliest day), so 24 follows 23."""
    if origin is None and intervals:
        origin = min(a for a, _ in intervals).replace(hour=0, minute=0, second=0, microsecond=0)

    def index(at: dt.datetime) -> int:
        return int((at - origin) // HOUR)

    events = sorted([(a, 1) for a, _ in intervals] + [(b, -1) for _, b in intervals], key=lambda e: (e[0], e[1]))
    area: dict[int, float] = defaultdict(float)
    peak: dict[int, int] = defaultdict(int)
    current, previous = 0, None
    for at, delta in events:
        if previous is not None and current > 0:
            t0 = previous
            while t0 < at:
                boundary = t0.replace(minute=0, second=0, microsecond=0) + HOUR
                t1 = min(boundary, at)
                area[index(t0)] += current * (t1 - t0).total_seconds()
                peak[index(t0)] = max(peak[index(t0)], current)
                t0 = t1
        current += delta
        if delta > 0:
            peak[index(at)] = max(peak[index(at)], current)
        previous = at
    return area, peak


def hourly(ds: Dataset) -> list[dict]:
    zone = ZoneInfo(ds.period.timezone)
    start, _ = ds.period.utc_bounds()
    limit = max(ds.now, start)
    rows: dict[int, dict] = defaultdict(lambda: {"arrivals": 0, "transfers_in": 0, "called": 0, "served": 0,
                                                 "no_show": 0, "_waits": [], "_met": 0})

    def day_relative(at: dt.datetime, day: dt.date) -> dt.datetime:
        """The wall-clock time as a time of the ticket's business day (hour 24 = 00:00 the day after)."""
        return _ANCHOR + (to_local_naive(at, zone) - dt.datetime.combine(day, dt.time(0)))

    def hour(at: dt.datetime, day: dt.date) -> int:
        return int((day_relative(at, day) - _ANCHOR) // HOUR)

    intervals = []
    for t in ds.tickets:
        day = t.business_day
        rows[hour(t.created_at, day)]["transfers_in" if t.transferred_from_id else "arrivals"] += 1
        w = wait_s(t)
        if w is not None:
            row = rows[hour(t.called_at, day)]
            row["called"] += 1
            row["_waits"].append(w)
            row["_met"] += w <= ds.wait_target_s(t)
        if t.status == DONE and t.finished_at:
            rows[hour(t.finished_at, day)]["served"] += 1
        if t.status == NO_SHOW and t.finished_at:
            rows[hour(t.finished_at, day)]["no_show"] += 1
        interval = _waiting_interval(t, limit)
        if interval:
            begin, end = day_relative(interval[0], day), day_relative(interval[1], day)
            end = min(end, _ANCHOR + LAST_HOUR * HOUR)
            if end > begin:
                intervals.append((begin, end))
    area, peak = queue_length_by_hour(intervals, origin=_ANCHOR)
    hours = sorted(set(rows) | {h for h, a in area.items() if a > 0})
    if not hours:
        return []
    out = []
    for h in range(hours[0], hours[-1] + 1):
        row = rows[h]  # a default row for a quiet hour between busy ones
        waits = row.pop("_waits")
        met = row.pop("_met")
        out.append({
            "hour": h,  # from the business day's local midnight: 24 is 00:00–01:00 of the night after
            "label": hour_label(h),
            **row,
            "wait_mean_s": _r(sum(waits) / len(waits)) if waits else None,
            "within_target_share": round(met / len(waits), 4) if waits else None,
            "waiting_avg": round(area.get(h, 0.0) / (3600.0 * ds.period.days), 2),
            "waiting_max": peak.get(h, 0),
        })
    return out
