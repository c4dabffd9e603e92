"""What a simulation found: waits, share within target, utilisation, the engine's own wait estimates
against the waits that followed, and - where it applies - Erlang C's prediction for comparison."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from ..reports.measures import nearest_rank
from ..reports.staffing import predict
from .scenario import Scenario

LONG_WAIT_S = 20 * 60  # the seed's limit: nobody should wait longer


@dataclass
class Customer:
    ticket_id: int
    service: str
    arrived_s: float
    service_s: float
    no_show: bool
    estimated_wait_s: int | None
    people_ahead: int
    called_s: float | None = None
    left_s: float | None = None
    counter: int | None = None
    outcome: str | None = None
    appointment: bool = False  # checked in for an appointment (appointment_arrivals.py)

    @property
    def wait_s(self) -> float | None:
        return None if self.called_s is None else self.called_s - self.arrived_s


def _r(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def wait_summary(waits: list[float], targets: list[float]) -> dict:
    if not waits:
        return {"count": 0, "mean_s": None, "median_s": None, "p90_s": None, "max_s": None,
                "within_target_share": None, "prob_wait": None, "over_20_min": 0}
    ordered = sorted(waits)
    return {
        "count": len(waits),
        "mean_s": _r(statistics.fmean(waits)),
        "median_s": _r(statistics.median(ordered)),
        "p90_s": _r(nearest_rank(ordered, 90)),
        "max_s": _r(ordered[-1]),
        "within_target_share": round(sum(w <= t for w, t in zip(waits, targets)) / len(waits), 4),
        "prob_wait": round(sum(w > 0 for w in waits) / len(waits), 4),
        "over_20_min": sum(w > LONG_WAIT_S for w in waits),
    }


def estimate_accuracy(customers: list[Customer]) -> dict:
    """The engine's estimated_wait_s at issue against the wait that followed.
    error = estimate - actual: positive means the engine promised a longer wait than happened."""
    # (an estimate of None promised nothing: no counter was open for the service)
    pairs = [(c.estimated_wait_s, c.wait_s) for c in customers
             if c.wait_s is not None and c.estimated_wait_s is not None]
    if not pairs:
        return {"count": 0, "mean_error_s": None, "mean_abs_error_s": None, "bias": None, "relative_bias": None}
    errors = [e - a for e, a in pairs]
    actual_total = sum(a for _, a in pairs)
    mean_error = statistics.fmean(errors)
    return {
        "count": len(pairs),
        "mean_estimate_s": _r(statistics.fmean(e for e, _ in pairs)),
        "mean_actual_s": _r(actual_total / len(pairs)),
        "mean_error_s": _r(mean_error),
        "mean_abs_error_s": _r(statistics.fmean(abs(x) for x in errors)),
        "bias": "over" if mean_error > 0 else "under" if mean_error < 0 else "none",
        "relative_bias": round(sum(errors) / actual_total, 4) if actual_total else None,
    }


def summarize(scenario: Scenario, customers: list[Customer], counters, end_s: float) -> dict:
    warmup = scenario.warmup_min * 60.0
    targets = {s.code: s.wait_target_min * 60.0 for s in scenario.services}
    measured = [c for c in customers if c.arrived_s >= warmup]
    called = [c for c in measured if c.wait_s is not None]
    per_service = {}
    for s in scenario.services:
        mine = [c for c in called if c.service == s.code]
        per_service[s.code] = wait_summary([c.wait_s for c in mine], [targets[s.code]] * len(mine))
        per_service[s.code]["arrived"] = sum(1 for c in measured if c.service == s.code)
        per_service[s.code]["estimates"] = estimate_accuracy(mine)
    util = {}
    total_busy = total_open = 0.0
    for c in counters:
        open_s = max(0.0, end_s - c.paused_s)
        util[str(c.seat.number)] = round(c.busy_s / open_s, 4) if open_s else None
        total_busy += c.busy_s
        total_open += open_s
    result = {
        "scenario": {"hours": scenario.hours, "seed": scenario.seed, "warmup_min": scenario.warmup_min,
                     "services": [s.code for s in scenario.services], "counters": len(scenario.counters)},
        "customers": {"arrived": len(customers), "measured": len(measured),
                      "served": sum(1 for c in customers if c.outcome == "done"),
                      "no_show": sum(1 for c in customers if c.outcome == "no_show"),
                      "unserved": sum(1 for c in customers if c.called_s is None)},
        "wait": wait_summary([c.wait_s for c in called], [targets[c.service] for c in called]),
        "services": per_service,
        "utilisation": {"overall": round(total_busy / total_open, 4) if total_open else None, "counters": util},
        "estimates": estimate_accuracy(called),
        "simulated_hours": round(end_s / 3600.0, 3),
    }
    booked = [c for c in called if c.appointment]
    if booked:  # appointment customers against walk-ins (appointment_arrivals.py)
        result["appointments"] = {
            "checked_in": sum(1 for c in measured if c.appointment),
            "wait": wait_summary([c.wait_s for c in booked], [targets[c.service] for c in booked]),
            "walk_in_wait": wait_summary([c.wait_s for c in called if not c.appointment],
                                         [targets[c.service] for c in called if not c.appointment])}
    result["erlang_c"] = erlang_comparison(scenario, result) if scenario.single_service_identical_counters() else None
    return result


def erlang_comparison(scenario: Scenario, result: dict) -> dict:
    s = scenario.services[0]
    rate = float(s.arrivals_per_hour[0] if isinstance(s.arrivals_per_hour, list) else s.arrivals_per_hour)
    p = predict(len(scenario.counters), rate, s.mean_service_min * 60.0)
    target_s = s.wait_target_min * 60.0
    sim = result["wait"]
    return {
        "model": f"M/M/{len(scenario.counters)}",
        "stable": p.stable,
        "predicted": {"prob_wait": round(p.prob_wait, 4),
                      "mean_wait_s": _r(p.mean_wait_s) if math.isfinite(p.mean_wait_s) else None,
                      "within_target_share": round(p.share_within(target_s), 4),
                      "utilisation": round(p.utilisation, 4)},
        "simulated": {"prob_wait": sim["prob_wait"], "mean_wait_s": sim["mean_s"],
                      "within_target_share": sim["within_target_share"],
                      "utilisation": result["utilisation"]["overall"]},
    }
