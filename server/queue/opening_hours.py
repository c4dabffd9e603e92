"""A branch's opening hours: when its kiosks issue tickets.

Stored on the branch as {"mon": ["09:00", "15:30"], ..., "sun": null}; a day that is missing or null
is closed; no hours at all (null) means the kiosks issue at any time (the demo branch, and every
branch until an admin sets hours). Only device actors (kiosk tokens) are held to them: staff may
still issue outside hours, e.g. for a customer let in just before closing."""
from __future__ import annotations

import datetime as dt
import re

from .clock import to_local
from .errors import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # datetime.weekday() order
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def check(hours) -> dict | None:
    """The hours as stored, or Invalid. Empty (no day open) is stored as None: not enforced."""
    if hours is None:
        return None
    if not isinstance(hours, dict) or set(hours) - set(DAYS):
        raise Invalid("invalid_opening_hours", f"opening hours: an object with days {', '.join(DAYS)}")
    clean = {}
    for day in DAYS:
        span = hours.get(day)
        if span is None:
            continue
        if (not isinstance(span, list) or len(span) != 2 or not all(isinstance(t, str) and HHMM.match(t) for t in span)
                or span[0] >= span[1]):
            raise Invalid("invalid_opening_hours", f"opening hours for {day}: [\"HH:MM\", \"HH:MM\"], opening first")
        clean[day] = list(span)
    return clean or None


def is_open(hours: dict | None, now_utc: dt.datetime, timezone: str) -> bool:
    if not hours:
        return True
    local = to_local(now_utc, timezone)
    span = hours.get(DAYS[local.weekday()])
    return bool(span) and span[0] <= local.strftime("%H:%M") < span[1]
