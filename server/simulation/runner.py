"""The event loop: Poisson arrivals, calls, services, no-shows and pauses, each one an engine call.

Time is seconds since opening (floats); the engine's clock is set to opening + t before every call.
Each customer's service time and no-show are drawn when they arrive, from a random stream of their
own service, so two runs with the same seed see the same customers whatever the counters do
(common random numbers: comparing 3 and 4 counters compares staffing, not luck).
"""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import random
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..queue import QueueEngine
from ..queue.actors import Actor
from .appointment_arrivals import book_day
from ..queue.remote import RemoteKeys
from .distributions import sampler
from .results import Customer, summarize
from .sandbox import BRANCH, Sandbox, Seat
from .scenario import Scenario

log = logging.getLogger(__name__)
KIOSK = Actor(kind="device", name="sim-kiosk")
MAX_EVENTS = 5_000_000


class VirtualClock:
    """The engine's clock: a callable returning naive UTC, moved by the event loop only."""

    def __init__(self, opening_utc: dt.datetime):
        self.opening = opening_utc
        self.t = 0.0

    def __call__(self) -> dt.datetime:
        return self.opening + dt.timedelta(seconds=self.t)


@dataclass
class CounterState:
    seat: Seat
    services: list[str]
    actor: Actor
    customer: Customer | None = None
    paused: bool = False
    pending_pause: tuple[float, str] | None = None  # (seconds, reason) to start after the current customer
    idle_since: float = 0.0
    busy_s: float = 0.0
    paused_s: float = 0.0
    busy_from: float = 0.0
    paused_from: float = 0.0


@dataclass
class Simulation:
    scenario: Scenario
    sandbox: Sandbox
    clock: VirtualClock
    engine: QueueEngine
    counters: list[CounterState]
    events: list = field(default_factory=list)
    customers: dict[int, Customer] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    transactions: int = 0
    _seq: itertools.count = field(default_factory=itertools.count)

    # ------------------------------------------------------------------ scheduling
    def at(self, t: float, kind: str, *data) -> None:
        heapq.heappush(self.events, (t, next(self._seq), kind, data))

    def _next_arrival(self, t: float, service, rng: random.Random) -> float | None:
        """Piecewise-constant Poisson process: rates change on the hour (memoryless, so exact)."""
        closing = self.scenario.hours * 3600.0
        while t < closing:
            hour = int(t // 3600)
            boundary = min((hour + 1) * 3600.0, closing)
            rate = service.rate_at(hour) / 3600.0
            if rate > 0:
                step = rng.expovariate(rate)
                if t + step < boundary:
                    return t + step
            t = boundary
        return None

    # ------------------------------------------------------------------ engine calls
    def _engine(self, method, *args, **kwargs):
        self.transactions += 1
        return method(*args, **kwargs)

    def arrive(self, t: float, service, streams) -> None:
        arrivals, services, no_shows = streams
        # Drawn only when the scenario has remote arrivals: other scenarios keep their random streams.
        remote = service.remote_share > 0 and no_shows.random() < service.remote_share
        if remote:  # taken on the phone: waits "not checked in" until the customer gets here
            view = self._engine(self.engine.remote.take, BRANCH, service.code, RemoteKeys())
            self.at(t + service.remote_travel_min * 60.0, "remote_check_in", view["id"])
        else:
            view = self._engine(self.engine.issue, BRANCH, service.code, KIOSK)
        # A remote customer's wait in the figures starts at the check-in (their time in the hall).
        arrived = t + service.remote_travel_min * 60.0 if remote else t
        customer = Customer(ticket_id=view["id"], service=service.code, arrived_s=arrived,
                            service_s=services(), no_show=no_shows.random() < service.no_show,
                            estimated_wait_s=view["estimated_wait_s"], people_ahead=view["people_ahead"])
        self.customers[customer.ticket_id] = customer
        if not remote:
            self.waiting[service.code] += 1
        following = self._next_arrival(t, service, arrivals)
        if following is not None:
            self.at(following, "arrive", service, streams)

    def check_in(self, t: float, booking, streams) -> None:
        """A booked customer arrives and checks in: their appointment ticket joins the queue."""
        _arrivals, services, _no_shows = streams
        view = self._engine(self.engine.appointments.check_in, KIOSK, token=booking.token)["ticket"]
        customer = Customer(ticket_id=view["id"], service=booking.service, arrived_s=t, service_s=services(),
                            no_show=False, estimated_wait_s=view["estimated_wait_s"],
                            people_ahead=view["people_ahead"], appointment=True)
        self.customers[customer.ticket_id] = customer
        self.waiting[booking.service] += 1

    def _wants_work(self, c: CounterState) -> bool:
        return any(self.waiting[code] for code in c.services)

    def _took(self, c: CounterState, view: dict | None, t: float) -> None:
        if view is None:
            c.customer, c.idle_since = None, t
            return
        customer = self.customers[view["id"]]
        customer.called_s, customer.counter = t, c.seat.number
        self.waiting[customer.service] -= 1
        c.customer, c.busy_from = customer, t
        if customer.no_show:
            self.at(t + self.scenario.no_show_wait_min * 60.0, "no_show", c)
        else:
            self.at(t + customer.service_s, "finish", c)

    def dispatch(self, t: float) -> None:
        """Idle counters with work call their next customer, longest idle first."""
        for c in sorted(self.counters, key=lambda c: (c.idle_since, c.seat.number)):
            if c.customer is None and not c.paused and self._wants_work(c):
                self._took(c, self._engine(self.engine.call_next, c.seat.counter_id, c.actor)["ticket"], t)

    def _customer_leaves(self, c: CounterState, t: float, outcome: str) -> None:
        """After a service or a no-show: pause if one is due, else call the next (in the same transaction)."""
        c.busy_s += t - c.busy_from
        c.customer.outcome, c.customer.left_s = outcome, t
        if outcome == "no_show":
            self._engine(self.engine.no_show, c.seat.counter_id, c.actor)
            c.customer = None
        if c.pending_pause is not None:
            if outcome == "done":
                self._engine(self.engine.complete, c.seat.counter_id, c.actor)
            c.customer = None
            seconds, reason = c.pending_pause
            c.pending_pause = None
            self._pause(c, t, seconds, reason)
        elif self._wants_work(c):
            result = self._engine(self.engine.call_next, c.seat.counter_id, c.actor,
                                  complete_current=outcome == "done")
            self._took(c, result["ticket"], t)
        else:
            if outcome == "done":
                self._engine(self.engine.complete, c.seat.counter_id, c.actor)
            self._took(c, None, t)

    def _pause(self, c: CounterState, t: float, seconds: float, reason: str) -> None:
        self._engine(self.engine.pause, c.seat.counter_id, c.actor, reason)
        c.paused, c.paused_from = True, t
        self.at(t + seconds, "resume", c)

    # ------------------------------------------------------------------ the loop
    def run(self) -> None:
        for c in self.counters:
            self._engine(self.engine.open_counter, c.seat.counter_id, c.actor, c.seat.staff_id)
        # Appointments are booked before the day starts; each arrival is an event like a walk-in's.
        bookings = book_day(self.engine, self.scenario, self.clock, self.clock.opening)
        appointment_streams = {}
        for index, service in enumerate(self.scenario.services):
            base = self.scenario.seed * 1009 + index * 7919
            streams = (random.Random(base), sampler(service.distribution, service.mean_service_min * 60.0,
                                                    service.cv, random.Random(base + 1)), random.Random(base + 2))
            self.waiting[service.code] = 0
            # Appointment customers' service times: a stream of their own (walk-ins' draws stay the same).
            appointment_streams[service.code] = (None, sampler(service.distribution, service.mean_service_min * 60.0,
                                                               service.cv, random.Random(base + 4)), None)
            first = self._next_arrival(0.0, service, streams[0])
            if first is not None:
                self.at(first, "arrive", service, streams)
        for booking in bookings:
            self.at(booking.arrive_s, "check_in", booking, appointment_streams[booking.service])
        specs = {spec.number: spec for spec in self.scenario.counters}
        for c in self.counters:
            for p in specs[c.seat.number].pauses:
                self.at(p.at_min * 60.0, "pause", c, p.minutes * 60.0, p.reason)
        closing = self.scenario.hours * 3600.0
        handled = 0
        while self.events:
            t, _, kind, data = heapq.heappop(self.events)
            if not self.scenario.drain and t > closing:
                break
            self.clock.t = t
            handled += 1
            if handled > MAX_EVENTS:
                raise RuntimeError("simulation did not end; check the scenario")
            if kind == "arrive":
                self.arrive(t, *data)
            elif kind == "check_in":
                self.check_in(t, *data)
            elif kind == "remote_check_in":
                view = self._engine(self.engine.remote.check_in, "kiosk", KIOSK, ticket_id=data[0])
                self.waiting[view["service"]] += 1
            elif kind in ("finish", "no_show"):
                self._customer_leaves(data[0], t, "done" if kind == "finish" else "no_show")
            elif kind == "pause":
                c, seconds, reason = data
                if c.paused:
                    continue
                if c.customer is None:
                    self._pause(c, t, seconds, reason)
                else:
                    c.pending_pause = (seconds, reason)
                continue
            elif kind == "resume":
                c = data[0]
                self._engine(self.engine.resume, c.seat.counter_id, c.actor)
                c.paused, c.idle_since = False, t
                c.paused_s += t - c.paused_from
            self.dispatch(t)


def opening_utc(scenario: Scenario) -> dt.datetime:
    local = scenario.start_local().replace(tzinfo=ZoneInfo(scenario.timezone))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def simulate(scenario: Scenario, keep_db: str | None = None, details: bool = False) -> dict:
    """Run one scenario on a fresh database; returns the summary (see results.summarize), and with
    `details` every customer as [service, arrived_s, service_s, called_s] and [arrived_s, estimated_wait_s,
    wait_s] too."""
    scenario.validate()
    started = time.perf_counter()
    sandbox = Sandbox(scenario, keep_path=keep_db)
    try:
        setup_s = time.perf_counter() - started
        clock = VirtualClock(opening_utc(scenario))
        engine = QueueEngine(sandbox.db, publish=None, clock=clock)
        counters = [CounterState(seat, next(c.services for c in scenario.counters if c.number == seat.number),
                                 Actor(kind="user", name=seat.username, user_id=seat.staff_id, role="teller"))
                    for seat in sandbox.seats]
        sim = Simulation(scenario, sandbox, clock, engine, counters)
        loop_started = time.perf_counter()
        sim.run()
        loop_s = time.perf_counter() - loop_started
        result = summarize(scenario, list(sim.customers.values()), counters, end_s=clock.t)
        result["runtime"] = {"setup_s": round(setup_s, 3), "simulation_s": round(loop_s, 3),
                             "transactions": sim.transactions,
                             "ms_per_customer": round(1000 * loop_s / max(1, len(sim.customers)), 2)}
        if keep_db:
            result["database"] = sandbox.url
        if details:
            result["customers_detail"] = [[c.service, c.arrived_s, c.service_s, c.called_s]
                                          for c in sorted(sim.customers.values(), key=lambda c: c.arrived_s)]
            result["estimates_detail"] = [[c.arrived_s, c.estimated_wait_s, c.wait_s]  # the kiosk's promise
                                          for c in sorted(sim.customers.values(), key=lambda c: c.arrived_s)]
        log.info("simulation finished", extra={"customers": len(sim.customers), "seconds": round(loop_s, 2)})
        return result
    finally:
        sandbox.close()
