"""Branch simulator: how long a 1,000-customer day takes on the real engine, how closely long runs
agree with Erlang C, and how good the engine's wait estimates are in a demo-like branch."""
from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from server.reports.staffing import predict
from server.simulation import scenario, simulate, text
from server.simulation.scenario import CounterSpec, Scenario, ServiceSpec

ERLANG_CASES = [  # (counters, arrivals per hour, mean service minutes, hours per replication)
    (2, 15.0, 4.0, 41.0),
    (4, 40.0, 4.0, 21.0),
]
SEEDS = (101, 102, 103, 104)


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def thousand_customer_day() -> None:
    sc = scenario.simple(arrivals_per_hour=125, counters=12, mean_service_min=5, hours=8, seed=1)
    started = time.perf_counter()
    result = simulate(sc)
    wall = time.perf_counter() - started
    out(f"1,000-customer day (125/h x 8 h, 12 counters, 5-min service): {result['customers']['arrived']} customers "
        f"in {wall:.1f} s wall ({result['runtime']['simulation_s']:.1f} s simulating, "
        f"{result['runtime']['ms_per_customer']:.1f} ms and "
        f"{result['runtime']['transactions'] / result['customers']['arrived']:.2f} engine transactions per customer)")


def _erlang_run(args) -> dict:
    c, rate, service_min, hours, seed = args
    return simulate(scenario.simple(arrivals_per_hour=rate, counters=c, mean_service_min=service_min, hours=hours,
                                    seed=seed, wait_target_min=10, warmup_min=60))


def erlang_agreement() -> None:
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for c, rate, service_min, hours in ERLANG_CASES:
            runs = list(pool.map(_erlang_run, [(c, rate, service_min, hours, s) for s in SEEDS]))
            n = sum(r["wait"]["count"] for r in runs)
            pooled = {k: sum(r["wait"][k] * r["wait"]["count"] for r in runs) / n
                      for k in ("prob_wait", "mean_s", "within_target_share")}
            util = sum(r["utilisation"]["overall"] for r in runs) / len(runs)
            est = sum(r["estimates"]["mean_error_s"] * r["wait"]["count"] for r in runs) / n
            p = predict(c, rate, service_min * 60)
            out(f"M/M/{c}, {rate:g}/h x {service_min:g} min, {n} customers: P(wait) {pooled['prob_wait']:.3f} vs "
                f"Erlang C {p.prob_wait:.3f}; mean wait {pooled['mean_s']:.0f} s vs {p.mean_wait_s:.0f} s; "
                f"within 10 min {pooled['within_target_share']:.3f} vs {p.share_within(600):.3f}; "
                f"utilisation {util:.3f} vs {p.utilisation:.3f}; engine estimate error {est:+.0f} s")


def demo_branch() -> None:
    services = [ServiceSpec("A", 24, 4), ServiceSpec("B", 6, 8), ServiceSpec("C", 4, 10), ServiceSpec("V", 2, 7)]
    counters = [CounterSpec(1, ["A", "B"]), CounterSpec(2, ["A", "C"]), CounterSpec(3, ["B", "A"]),
                CounterSpec(4, ["V", "C", "A"], pauses=[])]
    result = simulate(Scenario(services, counters, hours=8, seed=3))
    out("demo-like branch (strict service ranks, 24 A + 6 B + 4 C + 2 V per hour):")
    out(text.render(result).rstrip())


def main() -> None:
    thousand_customer_day()
    erlang_agreement()
    demo_branch()


if __name__ == "__main__":
    main()
