"""How honest the kiosk's wait estimates are: the engine's estimated_wait_s at issue against the wait
that followed, in the demo-like branch (counters shared between services, strict ranks) and in a
scenario of shared longest-wait counters with a pause. Goal (issue 11): mean bias within ±10 % and mean
absolute error within 25 % of the mean wait. `python -m bench bench_estimates`; figures in
docs/architecture.md, "Estimates"."""
from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

from server.simulation import simulate
from server.simulation.scenario import CounterSpec, PauseSpec, Scenario, ServiceSpec

SEEDS = (3, 4, 5, 6)


def demo_like(seed: int) -> Scenario:
    services = [ServiceSpec("A", 24, 4), ServiceSpec("B", 6, 8), ServiceSpec("C", 4, 10), ServiceSpec("V", 2, 7)]
    counters = [CounterSpec(1, ["A", "B"]), CounterSpec(2, ["A", "C"]), CounterSpec(3, ["B", "A"]),
                CounterSpec(4, ["V", "C", "A"])]
    return Scenario(services, counters, hours=8, seed=seed).validate()


def shared_longest_wait(seed: int) -> Scenario:
    """Three services on five counters, two of them shared and taking the longest wait first, a
    lunch-hour peak and a 30-minute pause at counter 2."""
    services = [ServiceSpec("A", [20, 26, 34, 26, 20, 20], 5, distribution="lognormal", cv=0.8),
                ServiceSpec("B", 8, 9, distribution="lognormal", cv=0.8),
                ServiceSpec("C", 5, 6)]
    counters = [CounterSpec(1, ["A"]), CounterSpec(2, ["A", "B"], "longest_wait", [PauseSpec(120, 30)]),
                CounterSpec(3, ["B", "C"], "longest_wait"), CounterSpec(4, ["A", "C"]), CounterSpec(5, ["A"])]
    return Scenario(services, counters, hours=6, seed=seed).validate()


SCENARIOS = {"demo-like branch": demo_like, "shared longest-wait counters": shared_longest_wait}


def _run(args) -> dict:
    name, seed = args
    return simulate(SCENARIOS[name](seed))["estimates"]


def main() -> None:
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for name in SCENARIOS:
            runs = list(pool.map(_run, [(name, s) for s in SEEDS]))
            n = sum(r["count"] for r in runs)
            actual = sum(r["mean_actual_s"] * r["count"] for r in runs) / n
            error = sum(r["mean_error_s"] * r["count"] for r in runs) / n
            abs_error = sum(r["mean_abs_error_s"] * r["count"] for r in runs) / n
            sys.stdout.write(f"{name}, seeds {SEEDS[0]}-{SEEDS[-1]}, {n} customers: mean wait {actual:.0f} s; "
                             f"bias {error:+.0f} s ({error / actual:+.1%}); mean absolute error {abs_error:.0f} s "
                             f"({abs_error / actual:.1%}); per seed bias "
                             + ", ".join(f"{r['relative_bias']:+.1%}" for r in runs) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
