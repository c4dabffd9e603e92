"""Opening hours per branch and weekday, and whether the hall takes tickets now (docs/architecture.md,
"Kiosk states").

A branch keeps its hours as {"0": ["08:30", "17:00"], ..., "6": null} (Monday = "0", local time of the
branch); a weekday missing or null is closed all day. No hours kept at all (None or {}) means always
open, as before hours existed. A day close ends the business day whatever the hours say.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from .errors import Invalid

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAYS = tuple(str(d) for d in range(7))


def validate(hours: dict | None) -> dict | None:
    """The hours as stored, or Invalid("invalid_opening_hours") naming what is wrong."""
    if hours is None or hours == {}:
        return None
    if not isinstance(hours, dict):
        raise Invalid("invalid_opening_hours", "opening hours are an object of weekday -> [opens, closes]")
    clean: dict[str, list[str] | None] = {}
    for day, span in hours.items():
        if day not in WEEKDAYS:
            raise Invalid("invalid_opening_hours", f"weekday {day!r}: use 0 (Monday) to 6 (Sunday)")
        if span is None:
            clean[day] = None
            continue
        if (not isinstance(span, list) or len(span) != 2 or not all(isinstance(x, str) and _TIME.match(x)
                                                                    for x in span) or span[0] >= span[1]):
            raise Invalid("invalid_opening_hours", f"weekday {day}: need [\"HH:MM\", \"HH:MM\"], opening first")
        clean[day] = list(span)
    return clean


def hours_on(hours: dict | None, day: dt.date) -> tuple[str, str] | None:
    span = (hours or {}).get(str(day.weekday()))
    return (span[0], span[1]) if span else None


def hall_state(hours: dict | None, closed_days, timezone: str, now_utc: dt.datetime) -> dict:
    """{"open", "reason" (day_closed | outside_hours | closed_today | None), "opens", "closes"} for now."""
    local = now_utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone))
    today = local.date()
    span = hours_on(hours, today) if hours else None
    state = {"open": True, "reason": None, "opens": span[0] if span else None, "closes": span[1] if span else None}
    if today in closed_days:
        state.update(open=False, reason="day_closed")
    elif hours and span is None:
        state.update(open=False, reason="closed_today")
    elif span is not None and not span[0] <= local.strftime("%H:%M") < span[1]:
        state.update(open=False, reason="outside_hours")
    return state
