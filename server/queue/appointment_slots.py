"""Bookable appointment slots of one service on one day (docs/architecture.md, "Appointments").

Pure arithmetic, no database: the day's opening span (the branch's hours for that weekday, or
DEFAULT_HOURS when the branch keeps none: an always-open hall still books office hours) cut into
slots of the service's slot length, each with as many places ("seats") as counters the supervisor
set aside for appointments of that service. A slot must end by closing time.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from . import hall_hours

DEFAULT_HOURS = ("09:00", "17:00")
MIN_SLOT_MIN, MAX_SLOT_MIN = 5, 240


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # naive UTC, as stored
    end: dt.datetime
    local_start: str  # "HH:MM" in the branch's zone, what the customer picks
    seats: int


def slot_minutes(slot_min: int | None, default_service_s: int) -> int:
    """The configured length, else the service's default time rounded up to 5 minutes."""
    if slot_min:
        return slot_min
    return max(MIN_SLOT_MIN, min(MAX_SLOT_MIN, 5 * math.ceil(default_service_s / 300)))


def day_span(opening_hours: dict | None, day: dt.date) -> tuple[str, str] | None:
    if not opening_hours:
        return DEFAULT_HOURS
    return hall_hours.hours_on(opening_hours, day)


def slots_of_day(opening_hours: dict | None, timezone: str, day: dt.date, length_min: int,
                 seats: int) -> list[Slot]:
    span = day_span(opening_hours, day)
    if span is None or seats <= 0:
        return []
    zone = ZoneInfo(timezone)
    opens, closes = (dt.datetime.combine(day, dt.time.fromisoformat(x), zone) for x in span)
    step = dt.timedelta(minutes=length_min)
    found, start = [], opens
    while start + step <= closes:
        utc = start.astimezone(dt.UTC).replace(tzinfo=None)
        found.append(Slot(utc, utc + step, start.strftime("%H:%M"), seats))
        start += step
    return found


def find_slot(slots: list[Slot], local_start: str) -> Slot | None:
    return next((s for s in slots if s.local_start == local_start), None)
