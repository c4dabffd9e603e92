"""Staffing advice before a branch has history: the simulator's default traffic on the branch's hours.

A new branch has no tickets on the weekday asked for, so `advice.advise` falls back to the figures the
branch simulator (`counterflow simulate`, server/simulation/scenario.py `simple`) starts from: a branch
of 30 customers an hour, over the branch's opening hours that weekday (the simulator's 09:00 + 8 hours
when none are kept), shared equally by the active services, each taking its configured default service
time. The result says `"source": "simulator_defaults"` and lists these assumptions, so nobody mistakes
it for measured demand (docs/architecture.md, "Roster").
"""
from __future__ import annotations

import datetime as dt
import inspect

from ..queue.hall_hours import hours_on
from ..simulation import scenario as sim

# The simulator's own defaults, read from its signature so the two cannot drift apart.
_SIMPLE = inspect.signature(sim.simple).parameters
ARRIVALS_PER_HOUR = float(_SIMPLE["arrivals_per_hour"].default)
DEFAULT_DAY_HOURS = float(_SIMPLE["hours"].default)
DEFAULT_OPENING = dt.datetime.fromisoformat(sim.DEFAULT_START).hour


def open_hours(opening_hours: dict | None, weekday: int) -> list[int]:
    """The local hours (0-23) the hall is open on `weekday`: any hour it is open for part of."""
    if not opening_hours:
        return list(range(DEFAULT_OPENING, DEFAULT_OPENING + int(DEFAULT_DAY_HOURS)))
    monday = dt.date(2026, 3, 2)  # any Monday: hours_on looks at the weekday only
    span = hours_on(opening_hours, monday + dt.timedelta(days=weekday))
    if span is None:
        return []
    opens, closes = (int(t[:2]) * 60 + int(t[3:]) for t in span)
    return [h for h in range(24) if h * 60 < closes and (h + 1) * 60 > opens]


def demand(opening_hours: dict | None, weekday: int, default_service_s: dict[int, float]) -> dict:
    """Arrivals per hour and service for each open hour, as the simulator would start them."""
    if not default_service_s:  # no active service: nobody to expect
        return {"hours": {}, "assumptions": {"arrivals_per_hour": 0.0, "hours": None,
                                             "service_time": "default_service_s"}}
    share = ARRIVALS_PER_HOUR / len(default_service_s)
    hours = open_hours(opening_hours, weekday)
    return {"hours": {h: {sid: share for sid in default_service_s} for h in hours},
            "assumptions": {"arrivals_per_hour": ARRIVALS_PER_HOUR,
                            "hours": [hours[0], hours[-1] + 1] if hours else None,
                            "service_time": "default_service_s"}}
