"""Wait estimates from recent service times and the counters open for a service, with counters shared
between services modelled (docs/architecture.md, "Estimates").

A newcomer of service `s` with `k` people ahead waits for the work in front of them at the open counters
that serve `s`, done at the rate those counters can give `s`:

    wait = the time until those counters have served (k - free + 1) customers of `s`, 0 when a counter
    is free for them, None when no open counter serves `s` (no promise the hall will not keep).

Each counter is a lane that starts serving `s` after a delay and then at a pace:
- delay: the rest of the service of the customer at the counter less a turn of `s` (the mean excess of
  the recent services of that customer's service over the time already spent: `RecentServices`), plus
  the backlog of the services it takes before `s` (ranked above `s` with the `strict` policy; every
  other service with `longest_wait`, whose waiting customers all arrived earlier), each service's
  backlog shared among its open counters by the time each leaves it (`counter_capacity.py`);
- pace: share / m_s, where the share is what future arrivals of services ranked above `s` leave over
  (their offered load, arrivals of the last hour times mean service time, shared among their counters,
  and taken only as often as those customers find all their counters busy: Erlang C; the counters
  counted halfway between all that serve them and the capacity those leave them: `_counters_for`).
A backlog at one counter holds up only that counter: the customer needs the first free lane, not all.
With no counter shared and every counter busy with a fresh exponential service this is the plain
(k - free + 1) * m / n of an M/M/n queue. The mean service time
is a running figure (`ServiceTimes`): read from the newest finished tickets of the service through an
index (at most RECENT_SERVICES rows, however long the history), kept in memory, and read again when
this process completes a ticket of that service or after REFRESH_S (completions in other hub processes).
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import Counter, CounterService, EmergencyMode, Service, Ticket
from . import ticket_store as store
from .counter_capacity import capacities, effective_counters
from .erlang import erlang_c
from .states import CounterState, TicketStatus

RECENT_SERVICES = 20
ARRIVAL_WINDOW = dt.timedelta(hours=1)  # offered load from the arrivals of the last hour
ARRIVALS_REFRESH = dt.timedelta(minutes=1)  # of the clock: simulations on a virtual clock read as often
# A counter always gives a service at least this much of its time: a lane's delay is divided by its share,
# and a smaller floor let one busy higher service blow single estimates up (bench_estimates, 2026-12).
MIN_SHARE = 0.25
RECENT_WINDOW = dt.timedelta(hours=3)
MIN_MEAN_S = 1.0
MIN_LONGER = 3  # recent services that outlasted the current one, to trust their mean excess
REFRESH_S = 15.0

T = Ticket.__table__
_RECENT = (
    select(T.c.started_at, T.c.called_at, T.c.finished_at)
    .where(T.c.service_id == bindparam("service_id"), T.c.status == TicketStatus.DONE,
           T.c.finished_at >= bindparam("since"))
    .order_by(T.c.finished_at.desc())
    .limit(RECENT_SERVICES)
)


C, CS, S, E = Counter.__table__, CounterService.__table__, Service.__table__, EmergencyMode.__table__
_BRANCH_OF = select(S.c.branch_id).where(S.c.id == bindparam("service_id")).scalar_subquery()
# One read on the hot path: every open counter of the service's branch with its services in rank order,
# each service's waiting count (through ix_tickets_queue_head) and the running plan's policy, if any.
_WAITING_OF = (select(func.count()).select_from(T)
               .where(T.c.service_id == CS.c.service_id, T.c.status == TicketStatus.WAITING).scalar_subquery())
_PLAN_OF = select(E.c.policy).where(E.c.branch_id == C.c.branch_id, E.c.ended_at.is_(None)).scalar_subquery()
CUR = T.alias("current")  # the customer at the counter (none: idle), and since when
_OPEN_LINKS = (
    select(C.c.id, C.c.policy, CUR.c.service_id.label("serving"),
           func.coalesce(CUR.c.started_at, CUR.c.called_at).label("since"), CS.c.service_id,
           _WAITING_OF.label("waiting"), _PLAN_OF.label("plan"))
    .select_from(C.join(CS, CS.c.counter_id == C.c.id).outerjoin(CUR, CUR.c.id == C.c.current_ticket_id))
    .where(C.c.branch_id == _BRANCH_OF, C.c.state == CounterState.OPEN)
    .order_by(C.c.id, CS.c.rank)
)
_SERVICES = select(S.c.id, S.c.default_service_s).where(S.c.branch_id == _BRANCH_OF)
_HEAD = (select(S.c.wait_target_min, select(func.min(T.c.arrived_at))
                .where(T.c.service_id == S.c.id, T.c.status == TicketStatus.WAITING).scalar_subquery())
         .where(S.c.id == bindparam("service_id")))
_ARRIVED = (  # through ix_tickets_branch_day: a business day is never before the UTC day before
    select(T.c.service_id, func.count(), func.min(T.c.created_at))
    .where(T.c.branch_id == _BRANCH_OF, T.c.business_day >= bindparam("day_from"), T.c.created_at >= bindparam("since"),
           T.c.transfer_gen == 0)
    .group_by(T.c.service_id)
)


@dataclass(frozen=True)
class ServiceLoad:
    mean_service_s: float
    counters_open: int
    counters_free: int
    # Per open counter of the service: (delay in seconds before it serves the service at its pace, can
    # be negative when it is about to free; share of its time the service gets). Empty: every counter
    # serves only this service and is idle, the plain M/M/n figure.
    lanes: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class RecentServices:
    """The service's recent service times (newest RECENT_SERVICES) and their mean, or its default."""
    mean: float
    durations: tuple[float, ...] = ()

    def remaining(self, elapsed: float) -> float:
        """The expected rest of a service already `elapsed` seconds long: the mean excess of the recent
        services that lasted longer (a short-tailed service ends sooner than a fresh one would take; an
        exponential one takes a fresh mean). The mean itself when too few lasted that long."""
        longer = [d - elapsed for d in self.durations if d > elapsed]
        return sum(longer) / len(longer) if len(longer) >= MIN_LONGER else self.mean


def recent_services(conn: Connection | Session, service_id: int, default_s: int, now: dt.datetime) -> RecentServices:
    rows = conn.execute(_RECENT, {"service_id": service_id, "since": now - RECENT_WINDOW}).all()
    durations = tuple(
        (finished - (started or called)).total_seconds()
        for started, called, finished in rows
        if finished and (started or called)
    )
    if not durations:
        return RecentServices(float(default_s))
    # At least a second: tickets completed as soon as called must not make the pace infinite.
    return RecentServices(max(MIN_MEAN_S, sum(durations) / len(durations)), durations)


def mean_service_seconds(conn: Connection | Session, service_id: int, default_s: int, now: dt.datetime) -> float:
    return recent_services(conn, service_id, default_s, now).mean


class ServiceTimes:
    """Mean recent service time per service, kept as a running figure (see the module docstring)."""

    def __init__(self, refresh_s: float = REFRESH_S, monotonic=time.monotonic):
        self._means: dict[int, tuple[RecentServices, float, dt.datetime]] = {}  # service -> (figures, read at, clock)
        self._arrivals: dict[int, tuple[dt.datetime, tuple]] = {}  # service -> (clock, read_arrivals)
        self._lock = threading.Lock()
        self._refresh_s = refresh_s
        self._monotonic = monotonic

    def mean(self, conn, service_id: int, default_s: int, now: dt.datetime) -> float:
        return self.recent(conn, service_id, default_s, now).mean

    def recent(self, conn, service_id: int, default_s: int, now: dt.datetime) -> RecentServices:
        cached = self._means.get(service_id)
        # A clock that moved backwards or far ahead (simulations) reads again, as does an old figure.
        if cached is not None and self._monotonic() - cached[1] < self._refresh_s \
                and dt.timedelta(0) <= now - cached[2] < dt.timedelta(minutes=1):
            return cached[0]
        recent = recent_services(conn, service_id, default_s, now)
        with self._lock:
            self._means[service_id] = (recent, self._monotonic(), now)
        return recent

    def arrivals(self, conn, service_id: int, now: dt.datetime) -> tuple[dict[int, int], dict[int, float]]:
        """The branch's service defaults and last-hour arrival rates, read again after a minute of the
        clock: rates over an hour move slowly, and the hot path (issue) spares two grouped reads."""
        cached = self._arrivals.get(service_id)
        if cached is not None and dt.timedelta(0) <= now - cached[0] < ARRIVALS_REFRESH:
            return cached[1]
        value = read_arrivals(conn, service_id, now)
        with self._lock:
            self._arrivals[service_id] = (now, value)
        return value

    def completed(self, service_id: int) -> None:
        """A ticket of the service was completed here: the next estimate reads the figure again."""
        with self._lock:
            self._means.pop(service_id, None)

    def clear(self) -> None:
        with self._lock:
            self._means.clear()
            self._arrivals.clear()


def read_arrivals(conn, service_id: int, now: dt.datetime) -> tuple[dict[int, int], dict[int, float]]:
    """({service: default service s}, {service: arrivals per second over the last hour}) of the branch."""
    key = {"service_id": service_id}
    defaults = dict(conn.execute(_SERVICES, key).all())
    since = now - ARRIVAL_WINDOW
    arrived = conn.execute(_ARRIVED, {**key, "since": since, "day_from": since.date() - dt.timedelta(days=1)}).all()
    first = min((at for _sid, _n, at in arrived if at is not None), default=now)
    window_s = max(15 * 60.0, (now - first).total_seconds())  # early in the day: the time since opening
    return defaults, {sid: n / window_s for sid, n, _at in arrived}


def service_load(conn, service_id: int, default_s: int, now: dt.datetime,
                 times: ServiceTimes | None = None) -> ServiceLoad:
    """The open counters, backlogs and offered loads the estimate needs (the module docstring)."""
    if isinstance(conn, Session):
        conn = conn.connection()
    key = {"service_id": service_id}
    counters: dict[int, tuple[str, int | None, list[int]]] = {}  # counter -> (policy, serving, services)
    since: dict[int, dt.datetime] = {}  # counter -> when its current customer was called or started
    waiting: dict[int, int] = {}
    plan = None
    for cid, policy, serving_now, started, sid, count, plan in conn.execute(_OPEN_LINKS, key):
        counters.setdefault(cid, (policy, serving_now, []))[2].append(sid)
        waiting[sid] = count
        if started is not None:
            since[cid] = started
    if plan is not None and plan != "unchanged":
        counters = _as_the_plan_calls(conn, service_id, plan, counters, now)
    mine = {cid: c for cid, c in counters.items() if service_id in c[2]}

    def recent(sid: int, default: int) -> RecentServices:
        return times.recent(conn, sid, default, now) if times else recent_services(conn, sid, default, now)

    def mean(sid: int, default: int) -> float:
        return recent(sid, default).mean

    m_s = mean(service_id, default_s)
    if not mine:
        return ServiceLoad(m_s, 0, 0)
    free = sum(1 for _policy, serving_now, _services in mine.values() if serving_now is None)

    def rest_of_current(cid: int, serving_now: int, default: int) -> float:
        """How much later than a fresh turn of `s` the counter frees: the expected rest of its current
        customer's service (RecentServices.remaining) less the mean of `s` (the pace's own first turn)."""
        elapsed = max(0.0, (now - since[cid]).total_seconds()) if cid in since else 0.0
        return recent(serving_now, default).remaining(elapsed) - m_s

    shared = {sid for _policy, _serving, services in mine.values() for sid in services} - {service_id}
    if not shared:
        lanes = tuple((rest_of_current(cid, serving_now, default_s), 1.0)
                      for cid, (_policy, serving_now, _services) in mine.items() if serving_now is not None)
        return ServiceLoad(m_s, len(mine), free, lanes + ((0.0, 1.0),) * free if lanes else ())
    defaults, rate = times.arrivals(conn, service_id, now) if times else read_arrivals(conn, service_id, now)
    everyone = {sid for _policy, _serving, services in counters.values() for sid in services} - {service_id}
    means = {sid: mean(sid, defaults.get(sid, default_s)) for sid in everyone} | {service_id: m_s}
    cap = capacities({cid: (policy, services) for cid, (policy, _serving, services) in counters.items()},
                     {sid: rate.get(sid, 0.0) * m for sid, m in means.items()})
    room = effective_counters(cap)
    serving = {sid: sum(1 for c in counters.values() if sid in c[2]) for sid in shared}
    lanes = []
    for cid, (policy, serving_now, services) in mine.items():
        rank = services.index(service_id)
        first_here = services[:rank] if policy == "strict" else [x for x in services if x != service_id]
        above = services[:rank] if policy == "strict" else []
        share = max(MIN_SHARE, 1.0 - sum(_spill(rate.get(x, 0.0) * means[x], _counters_for(x, serving, room))
                                         for x in above))
        # Each other service's backlog is worked off by its counters in proportion to the time each
        # has for it (counter_capacity.py): a counter that ranks it first takes most of it.
        other_work = sum(waiting.get(x, 0) * means[x] * cap[cid, x] / room[x] for x in first_here if room[x] > 0)
        # The customer at the counter: a lane busy with a longer service (or one just begun) frees later
        # than a fresh turn of `s`; a shorter one, or one nearly done, sooner.
        if serving_now is not None:
            other_work += rest_of_current(cid, serving_now, defaults.get(serving_now, default_s))
        lanes.append((other_work / share, share))
    return ServiceLoad(m_s, len(mine), free, tuple(lanes))


def _as_the_plan_calls(conn: Connection, service_id: int, policy: str, counters: dict, now: dt.datetime) -> dict:
    """While the emergency plan is on, counters call as it says (emergency.py): longest wait first, and
    every open counter also serves this service once someone has waited past its target (or always,
    with `all_longest_wait`). So the kiosk's estimate and "no counter open" follow the plan too."""
    target_min, oldest = conn.execute(_HEAD, {"service_id": service_id}).one()
    joins = policy == "all_longest_wait" or (oldest is not None and now - oldest > dt.timedelta(minutes=target_min))
    return {cid: ("longest_wait", serving_now,
                  services + [service_id] if joins and service_id not in services else services)
            for cid, (_policy, serving_now, services) in counters.items()}


def _counters_for(sid: int, serving: dict[int, int], room: dict[int, float]) -> float:
    """How many counters a higher-ranked service counts as when it takes a shared counter from the ones
    below it: halfway between every counter that serves it (too many: a counter that ranks it last is
    rarely free for it, and the services ranked second behind it ran 25-30 % low) and the capacity they
    leave it (`counter_capacity.py`; too few: its queue reads as never empty once its own counters are
    busy, and single estimates overshoot). Halfway is what bench_estimates measured best
    (docs/architecture.md, "Estimates")."""
    return (serving[sid] + room.get(sid, serving[sid])) / 2


def _spill(load: float, counters: float) -> float:
    """The share of one of its counters that a service's arrivals take from the services below it there:
    its load per counter, but only as often as its customers find every counter busy (Erlang C, read
    between the whole numbers of counters either side); a service with spare counters rarely holds up
    the lower-ranked services of a shared counter."""
    if counters <= load:
        return 1.0  # it needs every counter it has: nothing is left below it
    whole = int(counters)
    part = counters - whole
    waits = erlang_c(whole, load) * (1 - part) + erlang_c(whole + 1, load) * part
    return load / counters * waits


def estimate_wait_s(people_ahead: int, load: ServiceLoad) -> int | None:
    if load.counters_open == 0:
        return None  # no open counter serves it: no promise (kiosk: "currently unavailable")
    if people_ahead < load.counters_free:
        return 0
    turns = people_ahead - load.counters_free + 1
    if not load.lanes:
        return int(round(turns * load.mean_service_s / load.counters_open))
    return int(round(_time_for_turns(turns, load.lanes, load.mean_service_s)))


def _time_for_turns(turns: float, lanes, mean_service_s: float) -> float:
    """When the counters, each joining after its delay at its share's pace, have served `turns` of the
    service: the earliest t >= 0 by which the lanes' turns add up to `turns`.

    A lane with a delay >= 0 serves share / mean turns a second from its delay on. A negative delay is a
    counter about to finish a shorter service: it frees after rest = delay + mean / share, then goes at
    its pace. Until then it gives its one turn at 1 / rest a second, so two such counters free for the
    first newcomer after about half the rest (the first of two), not at once: crediting the turns its
    pace would have made before now told customers with nobody ahead 0 while they waited minutes."""
    segments = []  # (from, to, turns a second)
    for delay, share in lanes:
        pace = share / mean_service_s
        if delay >= 0:
            segments.append((delay, float("inf"), pace))
        else:
            rest = max(1.0, delay + 1.0 / pace)
            segments += [(0.0, rest, 1.0 / rest), (rest, float("inf"), pace)]
    edges = sorted({0.0} | {x for a, b, _r in segments for x in (a, b) if x != float("inf")})
    served = 0.0
    for at, following in zip(edges, edges[1:] + [float("inf")]):
        rate = sum(r for a, b, r in segments if a <= at < b)
        if rate > 0 and served + rate * (following - at) >= turns:
            return at + (turns - served) / rate
        served += rate * (following - at) if following != float("inf") else 0.0
    return edges[-1]  # (no lane ever serves: not reached, every lane has a pace)


def people_ahead_of(conn, ticket, now: dt.datetime) -> int:
    """Waiting tickets of the same service that will be called before this one (call_order.py)."""
    if isinstance(conn, Session):
        conn = conn.connection()
    if not isinstance(ticket, dict) and hasattr(ticket, "__table__"):
        ticket = {"id": ticket.id, "service_id": ticket.service_id, "priority": ticket.priority,
                  "arrived_at": ticket.arrived_at, "appointment_window_start": ticket.appointment_window_start,
                  "appointment_window_end": ticket.appointment_window_end}
    return store.people_ahead(conn, ticket, now)
