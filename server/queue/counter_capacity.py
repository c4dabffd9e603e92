"""How much of each open counter's time each of its services can count on, under the counter's call
policy (docs/architecture.md, "Estimates").

A counter serves its services in rank order (`strict`) or by the earliest arrival (`longest_wait`). Each
service's offered load (arrivals x mean service time) is spread over the capacity its counters leave it,
and what it uses at a counter is no longer there for the services ranked below it. So a counter that
takes A before B is worth less than one counter to B when A is busy, and A's own capacity counts the
counters that put it last only for what they have left. A few rounds of this settle (ranks are short).
"""
from __future__ import annotations

ROUNDS = 4


def capacities(counters: dict[int, tuple[str, list[int]]], load: dict[int, float]) -> dict[tuple[int, int], float]:
    """{(counter, service): share of the counter's time free for the service}, for `counters`
    {counter: (policy, services in rank order)} and `load` {service: offered load in erlangs}."""
    cap = {(cid, sid): 1.0 for cid, (_policy, services) in counters.items() for sid in services}
    for _ in range(ROUNDS):
        busy = utilisation(cap, load)
        for cid, (policy, services) in counters.items():
            if policy == "strict":
                left = 1.0
                for sid in services:  # each service gets what the ones ranked above it leave over
                    cap[cid, sid] = left
                    left = max(0.0, left - left * busy[sid])
            else:  # longest wait first: each service gets what the others do not use there
                used = {sid: cap[cid, sid] * busy[sid] for sid in services}
                total = sum(used.values())
                for sid in services:
                    cap[cid, sid] = max(0.0, 1.0 - (total - used[sid]))
    return cap


def effective_counters(cap: dict[tuple[int, int], float]) -> dict[int, float]:
    """{service: the number of whole counters its shares add up to}."""
    total: dict[int, float] = {}
    for (_cid, sid), share in cap.items():
        total[sid] = total.get(sid, 0.0) + share
    return total


def utilisation(cap: dict[tuple[int, int], float], load: dict[int, float]) -> dict[int, float]:
    """{service: the part of the capacity left to it that its load uses}, at most 1."""
    return {sid: min(1.0, load.get(sid, 0.0) / room) if room > 0 else 1.0
            for sid, room in effective_counters(cap).items()}
