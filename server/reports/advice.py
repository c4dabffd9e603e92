"""Staffing advice (排班): counters needed per hour of a weekday, from the branch's own history.

- Arrivals: tickets (new and transferred-in) created on the same weekday over the last `weeks` weeks
  before `until`, by local hour, divided by the number of those days on which the branch issued any
  ticket (a day it was closed - a holiday - does not pull the average down).
- Service time: mean started->finished of `done` tickets per service over the whole window (the
  service's configured default when it has none); an hour's mean is weighted by that hour's mix.
- Counters: the fewest for which Erlang C (M/M/c) meets the target; see staffing.Target.
- No history on that weekday (a new branch): the simulator's default traffic (advice_defaults.py), with
  `source` saying which was used.
Erlang C assumes one pooled queue, Poisson arrivals and exponential service; the simulator
(`counterflow simulate`) checks a plan where the counters serve different service lists.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Branch, Counter, CounterService, Service, Ticket
from ..queue.errors import Invalid
from . import advice_defaults
from .measures import service_s
from .periods import Period, to_local_naive
from .staffing import Target, counters_needed

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_weekday(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value.isdigit() and int(value) < 7:
        return int(value)
    for index, name in enumerate(WEEKDAYS):
        if len(value) >= 3 and name.startswith(value):
            return index
    raise Invalid("invalid_weekday", "weekday: 0 (Monday) to 6 (Sunday), or a name such as 'mon'")


def advise(session: Session, branch: Branch, weekday: int, until: dt.date, **options) -> dict:
    """The advice for one weekday; see advise_week for the options."""
    return advise_week(session, branch, until, weekdays=(weekday,), **options)[weekday]


def advise_week(session: Session, branch: Branch, until: dt.date, *, weekdays=range(7), weeks: int = 8,
                service_code: str | None = None, target: Target = Target(),
                include_until: bool = False) -> dict[int, dict]:
    """Weekday -> advice, from one read of `weeks` weeks of history before `until` (with
    `include_until` the day `until` too: today as far as it has come, the default of the API and the
    roster, so a new branch's first day counts)."""
    period = history_period(branch, until, weeks, include_until)
    services, tickets = _history(session, branch, period)
    service_ids = set(services)
    if service_code is not None:
        service_ids = {sid for sid, s in services.items() if s.code == service_code}
        if not service_ids:
            raise Invalid("service_not_found", f"branch has no service {service_code!r}")
    zone = ZoneInfo(branch.timezone)
    wanted = set(weekdays)

    durations: dict[int, list[float]] = defaultdict(list)
    # weekday -> hour -> service -> count, and the days of each weekday the branch issued any ticket
    arrivals: dict[int, dict[int, dict[int, int]]] = {wd: defaultdict(lambda: defaultdict(int)) for wd in wanted}
    days: dict[int, set[dt.date]] = {wd: set() for wd in wanted}
    for t in tickets:
        weekday = t.business_day.weekday()
        if weekday in wanted:
            days[weekday].add(t.business_day)  # the branch was open that day, whichever services came
        if t.service_id not in service_ids:
            continue
        seconds = service_s(t)
        if seconds is not None:
            durations[t.service_id].append(seconds)
        if weekday in wanted:
            arrivals[weekday][to_local_naive(t.created_at, zone).hour][t.service_id] += 1
    mean_s = {sid: (sum(durations[sid]) / len(durations[sid]) if durations[sid] else
                    float(services[sid].default_service_s)) for sid in service_ids}
    available = _counters_available(session, branch, service_ids)
    common = {
        "branch": branch.code,
        "service": service_code,
        "target": {"share": target.share, "within_min": target.within_s / 60, "max_wait_min": target.max_wait_s / 60,
                   "max_over_per_hour": target.max_over_per_hour},
        "mean_service_s": {services[sid].code: round(mean_s[sid], 1)
                           for sid in sorted(service_ids, key=lambda i: services[i].code)},
        "counters_available": available,
        "model": "erlang_c",
    }
    result = {}
    for weekday in sorted(wanted):
        seen, found = arrivals[weekday], days[weekday]
        # No history on this weekday (a new branch): the simulator's default traffic instead, said so.
        source, assumptions = "history", None
        rates = {h: {sid: n / len(found) for sid, n in per.items()} for h, per in seen.items()}
        if not seen:
            active = {sid: mean_s[sid] for sid in service_ids if services[sid].active}
            fallback = advice_defaults.demand(branch.opening_hours, weekday, active)
            source, assumptions, rates = "simulator_defaults", fallback["assumptions"], fallback["hours"]
        result[weekday] = {
            **common,
            "weekday": weekday,
            "weekday_name": WEEKDAYS[weekday],
            "history": {"from": period.first.isoformat(), "to": period.last.isoformat(), "weeks": weeks,
                        "days_used": len(found), "tickets": sum(sum(v.values()) for v in seen.values())},
            "source": source,
            "assumptions": assumptions,
            "hours": _hours(rates, mean_s, target, available),
        }
    return result


def _hours(rates: dict[int, dict[int, float]], mean_s: dict[int, float], target: Target, available: int) -> list[dict]:
    """Per hour from the first to the last with arrivals: the counters Erlang C needs for the target."""
    hours = []
    if not rates:
        return hours
    for hour in range(min(rates), max(rates) + 1):
        per_service = rates.get(hour, {})
        rate = sum(per_service.values())
        if rate > 0:
            mean = sum(n * mean_s[sid] for sid, n in per_service.items()) / sum(per_service.values())
        else:
            mean = sum(mean_s.values()) / len(mean_s)
        p = counters_needed(rate, mean, target)
        hours.append({
            "hour": hour,
            "arrivals_per_hour": round(rate, 3),
            "mean_service_s": round(mean, 1),
            "offered_load": round(p.load, 3),
            "counters": p.servers,
            "utilisation": round(p.utilisation, 4) if p.servers else None,
            "prob_wait": round(p.prob_wait, 4),
            "mean_wait_s": round(p.mean_wait_s, 1),
            "share_within_target": round(p.share_within(target.within_s), 4),
            "over_max_per_hour": round(p.arrivals_per_hour * p.prob_wait_over(target.max_wait_s), 4),
            "shortfall": max(0, p.servers - available),
        })
    return hours


def _history(session: Session, branch: Branch, period: Period):
    """The branch's services and, for each ticket of the period, only what the advice reads (not the
    report dataset's full rows, ratings, pauses and the rest: the roster reads this on every view); the
    rows carry the columns measures.service_s reads."""
    services = {s.id: s for s in session.execute(select(Service).where(Service.branch_id == branch.id)).scalars()}
    tickets = session.execute(
        select(Ticket.service_id, Ticket.business_day, Ticket.status, Ticket.created_at, Ticket.started_at,
               Ticket.finished_at)
        .where(Ticket.branch_id == branch.id, Ticket.business_day >= period.first,
               Ticket.business_day <= period.last)).all()
    return services, tickets


def history_period(branch: Branch, until: dt.date, weeks: int = 8, include_until: bool = False) -> Period:
    if not 1 <= weeks <= 52:
        raise Invalid("invalid_weeks", "weeks must be 1-52")
    last = until if include_until else until - dt.timedelta(days=1)
    return Period(until - dt.timedelta(days=7 * weeks), last, branch.timezone)


def _counters_available(session: Session, branch: Branch, service_ids: set[int]) -> int:
    return session.execute(
        select(func.count(func.distinct(Counter.id)))
        .join(CounterService, CounterService.counter_id == Counter.id)
        .where(Counter.branch_id == branch.id, CounterService.service_id.in_(service_ids or [-1]))
    ).scalar_one()


__all__ = ["advise", "advise_week", "history_period", "parse_weekday", "WEEKDAYS"]
