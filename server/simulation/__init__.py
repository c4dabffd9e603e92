"""Branch simulator: a discrete-event simulation that drives the real QueueEngine on a virtual clock.

Nothing sleeps: the clock jumps from event to event; every issue, call, completion and pause is a
real engine transaction against a throwaway SQLite database, so the simulation exercises the same
selection rules and wait estimates that a branch runs on.
"""
from .scenario import CounterSpec, PauseSpec, Scenario, ServiceSpec
from .runner import simulate

__all__ = ["Scenario", "ServiceSpec", "CounterSpec", "PauseSpec", "simulate"]
