"""Per-device health bookkeeping: state changes, not_responding after N misses, retry backoff.

A single missed answer is not a dead device (a status byte lost to noise), so a device that was
working is declared `not_responding` only after `fail_threshold` misses in a row. From then on it
is tried with exponential backoff (up to `backoff_max` s), so a dead device costs the worker one
timeout per backoff period instead of one per poll. Its first answer brings it back at once.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Observation:
    state: str
    detail: str = ""
    flags: tuple[str, ...] = ()
    info: dict = field(default_factory=dict)


class HealthTracker:
    def __init__(self, *, fail_threshold: int, base_delay: float, backoff_max: float):
        self.fail_threshold = max(1, fail_threshold)
        self.base_delay = max(base_delay, 0.05)
        self.backoff_max = max(backoff_max, self.base_delay)
        self.current = Observation("unknown")
        self.failures = 0
        self.next_try = 0.0
        self.last_seen: float | None = None

    @property
    def state(self) -> str:
        return self.current.state

    def due(self, now: float | None = None) -> bool:
        """False while a dead device waits out its backoff."""
        return (time.monotonic() if now is None else now) >= self.next_try

    def answered(self, observation: Observation) -> bool:
        """The device answered with this state; True when the state or its detail changed."""
        self.failures = 0
        self.next_try = 0.0
        self.last_seen = time.monotonic()
        return self._set(observation)

    def alive(self) -> None:
        """The device answered something that says nothing about its condition (a key poll)."""
        self.failures = 0
        self.next_try = 0.0
        self.last_seen = time.monotonic()

    def missed(self, detail: str, flags: tuple[str, ...] = (), *, at_once: bool = False) -> bool:
        """The device did not answer; True when that made it not_responding (or changed why).

        `at_once`: someone is waiting on this device (a print): one miss is enough, since "online"
        would send the next customer's ticket to a printer that is not answering.
        """
        self.failures += 1
        patient = self.state not in ("unknown", "not_responding") and not at_once
        if patient and self.failures < self.fail_threshold:
            return False
        extra = max(0, self.failures - self.fail_threshold)
        self.next_try = time.monotonic() + min(self.base_delay * 2**min(extra, 16), self.backoff_max)
        # Keep the first reason: a detail that changes on every miss would report on every miss.
        if self.state == "not_responding":
            return False
        return self._set(Observation("not_responding", detail, flags or ("no_answer",)))

    def _set(self, observation: Observation) -> bool:
        changed = (observation.state, observation.detail) != (self.current.state, self.current.detail)
        self.current = observation
        return changed
