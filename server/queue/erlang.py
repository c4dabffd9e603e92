"""Erlang's formulas for M/M/c queues: used by the wait estimates (domain) and the staffing advice
(reports)."""
from __future__ import annotations


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c with `load` = λ/μ erlangs."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be non-negative")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arriving customer has to wait (M/M/c). 1.0 when the queue is unstable."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))
