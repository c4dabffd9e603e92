"""Simulator speed: a long run of a 4-counter branch at 30 arrivals/hour (4-minute exponential service)
through the real engine, as `counterflow simulate --arrivals-per-hour 30 --counters 4 --mean-service-min 4
--hours 600 --seed 1` runs it. Prints wall seconds, CPU seconds and customers per second; a 60-hour run
first, so that the cost per customer can be compared as the simulation database grows."""
from __future__ import annotations

import sys
import time

from server.simulation import scenario, simulate

RUNS = (60, 600)  # simulated opening hours


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run(hours: float) -> None:
    sc = scenario.simple(arrivals_per_hour=30, counters=4, mean_service_min=4, hours=hours, seed=1)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = simulate(sc)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    customers = result["customers"]["arrived"]
    runtime = result["runtime"]
    out(f"{hours:>5g} h{customers:>10,}{wall:>9.1f}{cpu:>9.1f}{customers / wall:>12.0f}{1000 * cpu / customers:>10.2f}"
        f"{runtime['transactions']:>10,}{runtime['transactions'] / runtime['simulation_s']:>10.0f}")


def main() -> None:
    out("4 counters, 30 arrivals/h, 4-min exponential service, seed 1 (engine on a throw-away SQLite file)")
    out(f"{'hours':>7}{'customers':>10}{'wall s':>9}{'CPU s':>9}{'customers/s':>12}{'CPU ms/c':>10}"
        f"{'txns':>10}{'txns/s':>10}")
    for hours in RUNS:
        run(hours)


if __name__ == "__main__":
    main()
