"""Read-side entry points for the report API: load a period, build what was asked for."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Branch, DayClose
from ..queue.comments import day_counts
from . import charts, dataset, ranking, statistics
from .day_close import close_view
from .periods import Period
from .roster_actual import planned_vs_actual


def _dataset(session: Session, branch: Branch, first: dt.date, last: dt.date, now: dt.datetime) -> dataset.Dataset:
    return dataset.load(session, branch, Period(first, last, branch.timezone), now)


def day_close(session: Session, branch: Branch, day: dt.date) -> DayClose | None:
    return session.execute(select(DayClose).where(DayClose.branch_id == branch.id,
                                                  DayClose.business_day == day)).scalar_one_or_none()


def day_report(session: Session, branch: Branch, day: dt.date, now: dt.datetime) -> tuple[dict, dict | None]:
    """A closed day returns the report stored when it was closed (the settlement of record);
    an open day is computed now."""
    closed = day_close(session, branch, day)
    # Planned against actual counter hours (roster_actual.py) are read now, also for a closed day.
    roster = {"roster": planned_vs_actual(session, branch, day, now)}
    if closed is not None:
        # The comment box is emptied after closing (意見箱): its counts are read now, not at the close.
        report = {**closed.report, "comments": day_counts(session, branch.id, day, day), **roster}
        return report, close_view(closed, branch.code)
    return {**statistics.build(_dataset(session, branch, day, day, now)), **roster}, None


def period_report(session: Session, branch: Branch, first: dt.date, last: dt.date, now: dt.datetime) -> dict:
    return statistics.build(_dataset(session, branch, first, last, now))


def ranking_report(session: Session, branch: Branch, first: dt.date, last: dt.date, now: dt.datetime,
                   min_rated: int) -> dict:
    return ranking.ranking(_dataset(session, branch, first, last, now), min_rated)


def chart(kind: str, session: Session, branch: Branch, first: dt.date, last: dt.date, now: dt.datetime,
          **options) -> dict:
    ds = _dataset(session, branch, first, last, now)
    if kind == "hourly":
        return charts.hourly_chart(ds)
    if kind == "wait":
        return charts.wait_distribution(ds, **options)
    return charts.satisfaction_by_teller(ds)
