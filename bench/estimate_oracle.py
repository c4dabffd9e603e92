"""The noise floor of wait estimates: for each customer of a simulated day, the mean wait over many
futures that share everything known when they took their ticket (queues, counters and what they are
doing, pauses, the true arrival rates and service-time distributions) and differ only in what nobody
can know (the rest of each service, later arrivals). No estimate can beat that mean on average; its
error against the waits that followed is what the luck of single customers leaves
(docs/architecture.md, "Estimates"; used by bench_estimates).

`Hall` replays a `Scenario` with the simulator's random streams and call rules (server/simulation/
runner.py: arrivals per service, longest idle counter first, `strict` ranks or `longest_wait`, pauses
after the current customer) so its day is the engine's day to the second; scenarios with no-shows or
priorities are not modelled.
"""
from __future__ import annotations

import heapq
import itertools
import random
import statistics
from collections import deque

from server.simulation.distributions import sampler
from server.simulation.scenario import Scenario

REPLICAS = 20


class Hall:
    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.services = {s.code: s for s in scenario.services}
        self.closing = scenario.hours * 3600.0

    def next_arrival(self, t: float, service, rng: random.Random) -> float | None:
        """As Simulation._next_arrival: Poisson arrivals at the hour's rate."""
        while t < self.closing:
            hour = int(t // 3600)
            boundary = min((hour + 1) * 3600.0, self.closing)
            rate = service.rate_at(hour) / 3600.0
            if rate > 0:
                step = rng.expovariate(rate)
                if t + step < boundary:
                    return t + step
            t = boundary
        return None

    @staticmethod
    def pick(counter: dict, queues: dict) -> str | None:
        if counter["policy"] == "strict":
            return next((code for code in counter["services"] if queues[code]), None)
        heads = [code for code in counter["services"] if queues[code]]
        return min(heads, key=lambda code: queues[code][0]) if heads else None

    def run(self, events, queues, counters, seq, draw, on_arrive, on_call=None, target=None) -> float | None:
        """The event loop of runner.Simulation.run; returns the time `target` is called, if given."""
        def call(t, counter, code):
            arrived, ticket = queues[code].popleft()
            if on_call:
                on_call(t, ticket)
            if ticket == target:
                return True
            counter["busy"] = (code, t)
            heapq.heappush(events, (t + draw(code, ticket), next(seq), "finish", (counter,)))
            return False

        while events:
            t, _, kind, data = heapq.heappop(events)
            if kind == "arrive":
                code, following = data
                on_arrive(t, code, queues, events)
                after = following(t)
                if after is not None:
                    heapq.heappush(events, (after, next(seq), "arrive", data))
            elif kind == "finish":
                counter = data[0]
                counter["busy"] = None
                if counter["pending"] is not None:
                    counter["paused"], seconds, counter["pending"] = True, counter["pending"], None
                    heapq.heappush(events, (t + seconds, next(seq), "resume", (counter,)))
                else:
                    code = self.pick(counter, queues)
                    if code is None:
                        counter["idle_since"] = t
                    elif call(t, counter, code):
                        return t
            elif kind == "pause":
                counter, seconds = data
                if not counter["paused"]:
                    if counter["busy"] is None:
                        counter["paused"] = True
                        heapq.heappush(events, (t + seconds, next(seq), "resume", (counter,)))
                    else:
                        counter["pending"] = seconds
                continue  # (the simulator does not dispatch after a pause)
            elif kind == "resume":
                counter = data[0]
                counter["paused"], counter["idle_since"] = False, t
            for counter in sorted(counters, key=lambda c: (c["idle_since"], c["number"])):
                if counter["busy"] is None and not counter["paused"]:
                    code = self.pick(counter, queues)
                    if code is not None and call(t, counter, code):
                        return t
        return None

    def day(self) -> tuple[dict, list]:
        """The simulated day: {ticket: customer} and, at each arrival, what was known then."""
        sc, seq, tickets = self.scenario, itertools.count(), itertools.count(1)
        events, queues = [], {s.code: deque() for s in sc.services}
        counters = [dict(number=c.number, services=list(c.services), policy=c.policy, busy=None, paused=False,
                         pending=None, idle_since=0.0) for c in sc.counters]
        draws, customers, known = {}, {}, []
        for index, s in enumerate(sc.services):
            base = sc.seed * 1009 + index * 7919  # the simulator's streams
            arrivals = random.Random(base)
            draws[s.code] = sampler(s.distribution, s.mean_service_min * 60.0, s.cv, random.Random(base + 1))
            following = (lambda t, s=s, rng=arrivals: self.next_arrival(t, s, rng))
            first = following(0.0)
            if first is not None:
                heapq.heappush(events, (first, next(seq), "arrive", (s.code, following)))
        by_number = {c["number"]: c for c in counters}
        for spec in sc.counters:
            for p in spec.pauses:
                heapq.heappush(events, (p.at_min * 60.0, next(seq), "pause", (by_number[spec.number], p.minutes * 60.0)))

        def on_arrive(t, code, queues, events):
            ticket = next(tickets)
            customers[ticket] = {"service": code, "arrived": t, "service_s": draws[code](), "called": None}
            queues[code].append((t, ticket))
            known.append((ticket, t, {k: list(v) for k, v in queues.items()}, [dict(c) for c in counters],
                          [e for e in events if e[2] in ("pause", "resume")]))

        def on_call(t, ticket):
            customers[ticket]["called"] = t

        self.run(events, queues, counters, seq, lambda code, ticket: customers[ticket]["service_s"], on_arrive, on_call)
        return customers, known

    def rest_of_service(self, code: str, elapsed: float, rng: random.Random) -> float:
        s = self.services[code]
        draw = sampler(s.distribution, s.mean_service_min * 60.0, s.cv, rng)
        for _ in range(1000):  # the service time given that it has lasted `elapsed` already
            x = draw()
            if x > elapsed:
                return x - elapsed
        return draw()

    def one_future(self, known, rng: random.Random) -> float:
        """The wait of the customer who just arrived, in one future drawn from what was known."""
        ticket, t0, queued, counters_then, timed = known
        seq = itertools.count()
        queues = {k: deque(v) for k, v in queued.items()}
        counters = [dict(c) for c in counters_then]
        by_number = {c["number"]: c for c in counters}
        events = [(t, next(seq), kind, (by_number[data[0]["number"]],) + tuple(data[1:]))
                  for t, _, kind, data in timed if t >= t0]
        for c in counters:
            if c["busy"] is not None:
                code, since = c["busy"]
                events.append((t0 + self.rest_of_service(code, t0 - since, rng), next(seq), "finish", (c,)))
        draws = {}
        for s in self.scenario.services:
            draws[s.code] = sampler(s.distribution, s.mean_service_min * 60.0, s.cv, rng)
            following = (lambda t, s=s: self.next_arrival(t, s, rng))
            first = following(t0)
            if first is not None:
                events.append((first, next(seq), "arrive", (s.code, following)))
        events.append((t0, -1, "dispatch", ()))  # the calls right after the arrival
        heapq.heapify(events)
        others = itertools.count(10**9)
        called = self.run(events, queues, counters, seq, lambda code, _ticket: draws[code](),
                          lambda t, code, queues, events: queues[code].append((t, next(others))), target=ticket)
        return called - t0


def oracle_day(scenario: Scenario, replicas: int = REPLICAS) -> list[tuple[float, float, float]]:
    """[(arrived_s, the best estimate: mean wait over `replicas` futures, the wait that followed)] for every
    customer who was called."""
    hall = Hall(scenario)
    customers, known = hall.day()
    rng = random.Random(scenario.seed * 7 + 1)
    out = []
    for state in known:
        c = customers[state[0]]
        if c["called"] is not None:
            best = statistics.fmean(hall.one_future(state, rng) for _ in range(replicas))
            out.append((c["arrived"], best, c["called"] - c["arrived"]))
    return out
