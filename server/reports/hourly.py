"""Hour-of-day figures in the branch's time zone, summed over the days of the period.

`waiting_avg` is the time-average number of customers waiting during that hour (per day of the
period); `waiting_max` the most waiting at once. A ticket waits from created_at until its call, or
until it ends uncalled, or until now (clipped to the period) while it is still waiting.
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


def _waiting_interval(ticket: TicketRow, limit: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    end = ticket.called_at or ticket.finished_at or limit
    end = min(end, limit)
    return (ticket.created_at, end) if end > ticket.created_at else None


def queue_length_by_hour(intervals: list[tuple[dt.datetime, dt.datetime]]) -> tuple[dict[int, float], dict[int, int]]:
    """Sweep over local wall-clock intervals: (customer-seconds waiting, most waiting at once) per hour."""
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
                area[t0.hour] += current * (t1 - t0).total_seconds()
                peak[t0.hour] = max(peak[t0.hour], current)
                t0 = t1
        current += delta
        if delta > 0:
            peak[at.hour] = max(peak[at.hour], current)
        previous = at
    return area, peak


def hourly(ds: Dataset) -> list[dict]:
    zone = ZoneInfo(ds.period.timezone)
    start, end = ds.period.utc_bounds()
    limit = min(end, max(ds.now, start))
    rows: dict[int, dict] = defaultdict(lambda: {"arrivals": 0, "transfers_in": 0, "called": 0, "served": 0,
                                                 "no_show": 0, "_waits": [], "_met": 0})

    def hour(at: dt.datetime) -> int:
        return to_local_naive(at, zone).hour

    intervals = []
    for t in ds.tickets:
        rows[hour(t.created_at)]["transfers_in" if t.transferred_from_id else "arrivals"] += 1
        w = wait_s(t)
        if w is not None:
            row = rows[hour(t.called_at)]
            row["called"] += 1
            row["_waits"].append(w)
            row["_met"] += w <= ds.wait_target_s(t)
        if t.status == DONE and t.finished_at:
            rows[hour(t.finished_at)]["served"] += 1
        if t.status == NO_SHOW and t.finished_at:
            rows[hour(t.finished_at)]["no_show"] += 1
        interval = _waiting_interval(t, limit)
        if interval:
            intervals.append((to_local_naive(interval[0], zone), to_local_naive(interval[1], zone)))
    area, peak = queue_length_by_hour(intervals)
    hours = sorted(set(rows) | {h for h, a in area.items() if a > 0})
    if not hours:
        return []
    out = []
    for h in range(hours[0], hours[-1] + 1):
        row = rows[h]  # a default row for a quiet hour between busy ones
        waits = row.pop("_waits")
        met = row.pop("_met")
        out.append({
            "hour": h,
            **row,
            "wait_mean_s": _r(sum(waits) / len(waits)) if waits else None,
            "within_target_share": round(met / len(waits), 4) if waits else None,
            "waiting_avg": round(area.get(h, 0.0) / (3600.0 * ds.period.days), 2),
            "waiting_max": peak.get(h, 0),
        })
    return out
