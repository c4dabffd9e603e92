"""Report periods: business days and months in a branch's time zone, and their UTC bounds."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..queue.errors import Invalid

MAX_PERIOD_DAYS = 366


# Business days a report may name: the day arithmetic (the next day's start, the time zone's offset)
# stays far from date.min and date.max, where Python raises OverflowError.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2199, 12, 31)


def parse_date(raw: str | None, name: str = "date") -> dt.date:
    try:
        day = dt.date.fromisoformat(raw or "") if len(raw or "") == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise Invalid("invalid_date", f"{name} must be a date, YYYY-MM-DD")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid("date_out_of_range", f"{name} must be between {FIRST_DAY} and {LAST_DAY}")
    return day


def parse_month(raw: str | None) -> tuple[dt.date, dt.date]:
    """'2026-03' -> (2026-03-01, 2026-03-31)."""
    try:
        first = dt.date.fromisoformat(f"{raw}-01") if raw and len(raw) == 7 else None
    except ValueError:
        first = None
    if first is None:
        raise Invalid("invalid_month", "month must be YYYY-MM")
    if not FIRST_DAY <= first <= LAST_DAY:
        raise Invalid("date_out_of_range", f"month must be between {FIRST_DAY:%Y-%m} and {LAST_DAY:%Y-%m}")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Business days `first`..`last` (inclusive) of one branch."""

    first: dt.date
    last: dt.date
    timezone: str

    def __post_init__(self):
        if self.last < self.first:
            raise Invalid("invalid_period", "the period ends before it starts")
        if self.days > MAX_PERIOD_DAYS:
            raise Invalid("period_too_long", f"a report covers at most {MAX_PERIOD_DAYS} days")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Naive UTC [start, end): local midnight of `first` to local midnight after `last`."""
        return local_midnight_utc(self.first, self.timezone), local_midnight_utc(
            self.last + dt.timedelta(days=1), self.timezone)

    def as_dict(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "days": self.days,
                "timezone": self.timezone}


def local_midnight_utc(day: dt.date, timezone: str) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def to_local_naive(at_utc: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Wall-clock time in the branch (naive), for hour-of-day buckets."""
    return at_utc.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
