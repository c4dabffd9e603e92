"""Health bookkeeping: one missed answer is not a dead device; a dead one is retried with backoff."""
from __future__ import annotations

import time

from server.devices.health import HealthTracker, Observation


def tracker() -> HealthTracker:
    return HealthTracker(fail_threshold=3, base_delay=1.0, backoff_max=8.0)


def test_a_working_device_survives_a_missed_answer_or_two():
    health = tracker()
    assert health.answered(Observation("online", "ok"))
    assert not health.missed("timeout") and not health.missed("timeout")
    assert health.state == "online" and health.due()
    assert health.missed("timeout")
    assert health.state == "not_responding"


def test_an_unknown_device_that_does_not_answer_is_not_responding_at_once():
    health = tracker()
    assert health.missed("connection refused") and health.state == "not_responding"


def test_a_dead_device_is_retried_less_and_less_often_up_to_the_limit():
    health = tracker()
    health.answered(Observation("online", "ok"))
    delays = []
    for _ in range(8):
        health.missed("timeout")
        delays.append(round(health.next_try - time.monotonic()))
    assert delays[2:] == [1, 2, 4, 8, 8, 8]
    assert not health.due()


def test_the_first_answer_brings_it_back_and_reports_the_change():
    health = tracker()
    health.missed("timeout")
    assert health.answered(Observation("fault", "cover_open", ("cover_open",)))
    assert health.state == "fault" and health.due() and health.failures == 0
    assert not health.answered(Observation("fault", "cover_open", ("cover_open",)))  # nothing new
