"""Time helpers. Stored times are naive UTC; business days are dates in the branch's time zone."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def business_day(now_utc: dt.datetime, timezone: str) -> dt.date:
    return now_utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)).date()


def to_local(at_utc: dt.datetime, timezone: str) -> dt.datetime:
    return at_utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone))


def iso_utc(at: dt.datetime | None) -> str | None:
    return None if at is None else at.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
