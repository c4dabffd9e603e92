"""Erlang C (M/M/c): how many counters a Poisson stream of customers with exponential service needs.

Pure Python. The Erlang B recursion B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)) never forms a^c/c!,
so it stays exact for hundreds of servers and large loads where the textbook sum overflows.
Erlang C follows from B: C = c·B / (c - a·(1 - B)), valid while a < c.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..queue.erlang import erlang_b, erlang_c  # noqa: F401  (also this module's API)

MAX_COUNTERS = 500


@dataclass(frozen=True)
class Prediction:
    """Steady-state M/M/c figures for c counters, λ per hour and a mean service time in seconds."""

    servers: int
    arrivals_per_hour: float
    mean_service_s: float
    load: float  # offered load a = λ·s in erlangs
    utilisation: float  # a / c
    prob_wait: float  # P(W > 0), Erlang C
    mean_wait_s: float  # E[W] over all customers (ASA)
    stable: bool

    def prob_wait_over(self, seconds: float) -> float:
        """P(W > t) = C · exp(-(c·μ - λ)·t)."""
        if not self.stable:
            return 1.0
        if self.load == 0:
            return 0.0
        rate = (self.servers - self.load) / self.mean_service_s  # c·μ - λ, per second
        return self.prob_wait * math.exp(-rate * seconds)

    def share_within(self, seconds: float) -> float:
        return 1.0 - self.prob_wait_over(seconds)

    def wait_quantile_s(self, q: float) -> float:
        """The wait that a share `q` of customers does not exceed."""
        if not self.stable:
            return math.inf
        tail = 1.0 - q
        if self.prob_wait <= tail:
            return 0.0
        rate = (self.servers - self.load) / self.mean_service_s
        return math.log(self.prob_wait / tail) / rate


def predict(servers: int, arrivals_per_hour: float, mean_service_s: float) -> Prediction:
    if servers < 0 or arrivals_per_hour < 0 or mean_service_s <= 0:
        raise ValueError("need servers >= 0, arrivals >= 0 and a positive service time")
    load = arrivals_per_hour * mean_service_s / 3600.0
    stable = servers > load or load == 0
    prob_wait = erlang_c(servers, load) if stable else 1.0
    if load == 0:
        mean_wait = 0.0
    elif stable:
        mean_wait = prob_wait * mean_service_s / (servers - load)
    else:
        mean_wait = math.inf
    return Prediction(servers, arrivals_per_hour, mean_service_s, load,
                      load / servers if servers else (math.inf if load else 0.0), prob_wait, mean_wait, stable)


@dataclass(frozen=True)
class Target:
    """What an hour must meet: `share` of customers called within `within_s`, and the expected number
    of customers per hour waiting longer than `max_wait_s` at most `max_over_per_hour`
    (0.5 by default: the expected count rounds to nobody)."""

    share: float = 0.80
    within_s: float = 600.0
    max_wait_s: float = 1200.0
    max_over_per_hour: float = 0.5

    def met_by(self, p: Prediction) -> bool:
        if not p.stable:
            return False
        over_per_hour = p.arrivals_per_hour * p.prob_wait_over(self.max_wait_s)
        return p.share_within(self.within_s) >= self.share and over_per_hour <= self.max_over_per_hour


def counters_needed(arrivals_per_hour: float, mean_service_s: float, target: Target = Target()) -> Prediction:
    """The fewest counters whose M/M/c prediction meets `target` (0 counters when nobody comes)."""
    if arrivals_per_hour <= 0:
        return predict(0, 0.0, mean_service_s)
    load = arrivals_per_hour * mean_service_s / 3600.0
    servers = max(1, math.floor(load) + 1)  # the smallest stable number
    while servers <= MAX_COUNTERS:
        p = predict(servers, arrivals_per_hour, mean_service_s)
        if target.met_by(p):
            return p
        servers += 1
    raise ValueError(f"the target needs more than {MAX_COUNTERS} counters")
