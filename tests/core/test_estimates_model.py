"""The wait estimate's model of shared counters (docs/architecture.md, "Estimates"): the capacity each
counter leaves each service under its policy, the rest of the service of the customer at a counter, and
lanes that start ahead of their pace."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Counter, Service
from server.queue import estimates
from server.queue.actors import Actor
from server.queue.counter_capacity import capacities, effective_counters
from server.queue.erlang import erlang_c
from server.queue.estimates import RecentServices, _counters_for, _spill, _time_for_turns

A, B, C = 1, 2, 3


def test_a_strict_counter_leaves_a_lower_service_what_the_higher_one_does_not_use():
    # Counter 1 takes A before B; counter 2 only B. A offers 0.6 erlang of work, B 0.5.
    cap = capacities({1: ("strict", [A, B]), 2: ("strict", [B])}, {A: 0.6, B: 0.5})
    assert cap[1, A] == 1.0 and cap[2, B] == 1.0
    assert cap[1, B] == pytest.approx(0.4)  # A, the only service ahead of it there, keeps counter 1 60 % busy
    assert effective_counters(cap)[B] == pytest.approx(1.4)


def test_a_service_ranked_last_somewhere_counts_that_counter_only_for_what_is_left():
    # A: first at counter 1, last at counter 2 behind a busy B; B has counter 2 only.
    cap = capacities({1: ("strict", [A]), 2: ("strict", [B, A])}, {A: 0.5, B: 0.9})
    assert cap[2, A] == pytest.approx(0.1)
    assert effective_counters(cap)[A] == pytest.approx(1.1)


def test_a_longest_wait_counter_gives_each_service_what_the_others_leave():
    cap = capacities({1: ("longest_wait", [A, B])}, {A: 0.3, B: 0.2})
    assert cap[1, A] == pytest.approx(0.8) and cap[1, B] == pytest.approx(0.7)
    idle = capacities({1: ("longest_wait", [A, B])}, {})
    assert idle[1, A] == idle[1, B] == 1.0


def test_a_busy_higher_service_takes_more_of_a_shared_counter_than_its_headcount_of_counters_says():
    # The demo-like hall: A (1.6 erlangs) is first at counters 1 and 2, second at 3 (behind B), last at
    # 4 (behind V and C). Four counters serve A, but 3 and 4 are seldom free for it.
    cap = capacities({1: ("strict", [A, B]), 2: ("strict", [A, C]), 3: ("strict", [B, A]),
                      4: ("strict", [4, C, A])}, {A: 1.6, B: 0.8, C: 0.67, 4: 0.23})
    room = effective_counters(cap)
    assert 2.0 < room[A] < 4.0
    counted = _counters_for(A, {A: 4}, room)
    assert counted == pytest.approx((4 + room[A]) / 2)  # halfway: see _counters_for
    # So B gets less of counter 1 than if A had four whole counters: A's queue is more often non-empty.
    assert _spill(1.6, counted) > _spill(1.6, 4) + 0.05


def test_erlang_c_reads_between_whole_counters_for_a_fractional_count():
    assert _spill(1.6, 3) == pytest.approx(1.6 / 3 * erlang_c(3, 1.6))
    between = _spill(1.6, 3.5)
    assert _spill(1.6, 4) < between < _spill(1.6, 3)
    assert _spill(2.0, 1.5) == 1.0  # more load than counters: nothing left for the services below it
    assert _spill(0.0, 2.5) == 0.0


def test_the_rest_of_a_service_already_under_way_comes_from_the_recent_ones_that_lasted_longer():
    recent = RecentServices(396.0, (60.0, 120.0, 600.0, 600.0, 600.0))
    assert recent.remaining(0) == pytest.approx(396.0)  # just called: the mean
    assert recent.remaining(300) == pytest.approx(300.0)  # only the three long ones go on that long
    assert recent.remaining(700) == 396.0  # none lasted that long: no better figure than the mean
    assert RecentServices(240.0).remaining(1000) == 240.0  # the default, no history


def test_a_lane_about_to_finish_a_short_service_is_ahead_of_its_pace():
    # One counter, its customer needs 60 s more where a turn of the service takes 300 s.
    assert _time_for_turns(1, [(-240.0, 1.0)], 300.0) == pytest.approx(60.0)
    assert _time_for_turns(2, [(-240.0, 1.0)], 300.0) == pytest.approx(360.0)
    # Two such counters: the second turn too comes after 60 s.
    assert _time_for_turns(2, [(-240.0, 1.0), (-240.0, 1.0)], 300.0) == pytest.approx(60.0)
    # A lane that joins late adds its pace only from then on.
    assert _time_for_turns(3, [(0.0, 1.0), (600.0, 1.0)], 300.0) == pytest.approx(750.0)


def test_counters_about_to_free_do_not_give_turns_before_now():
    # Two counters each 240 s from freeing where a turn of the newcomer's service takes 600 s: the first
    # newcomer gets the first of them (about half the rest, as for two exponential rests), not 0 s
    # (their pace would have served 0.6 turns each before now).
    assert _time_for_turns(1, [(-360.0, 1.0), (-360.0, 1.0)], 600.0) == pytest.approx(120.0)
    # The second newcomer: both have freed by 240 s.
    assert _time_for_turns(2, [(-360.0, 1.0), (-360.0, 1.0)], 600.0) == pytest.approx(240.0)
    # A third waits for the first of them to serve the second at the service's pace: 240 + 600 / 2.
    assert _time_for_turns(3, [(-360.0, 1.0), (-360.0, 1.0)], 600.0) == pytest.approx(540.0)
    # With one counter about to free and one starting later, the later one adds its pace from its delay.
    assert _time_for_turns(2, [(-360.0, 1.0), (300.0, 1.0)], 600.0) == pytest.approx(
        300.0 + (1 - 60 / 600) / (2 / 600))


def _open(db, engine, number: int) -> int:
    with db.read() as s:
        cid = s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()
    engine.open_counter(cid, Actor("user", f"teller{number}", number, "teller"), staff_id=number)
    return cid


def _estimate(db, clock, people_ahead: int) -> int:
    with db.read() as s:
        service = s.execute(select(Service).where(Service.code == "A")).scalar_one()
        load = estimates.service_load(s, service.id, service.default_service_s, clock.now)
    return estimates.estimate_wait_s(people_ahead, load)


def test_a_counter_busy_with_a_longer_service_frees_later_for_the_newcomer(db, engine, clock):
    teller = Actor("user", "teller1", 1, "teller")
    c1, c3 = _open(db, engine, 1), _open(db, engine, 3)  # 1: A then B; 3: B then A (A 4 min, B 8 min)
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    engine.issue("demo", "A", teller)
    engine.call_next(c3, teller)
    both_with_a = _estimate(db, clock, 0)
    clock.advance(minutes=4)
    engine.complete(c3, teller)  # (A's recent mean: 4 min, its default)
    engine.issue("demo", "B", teller)
    engine.call_next(c3, teller)  # counter 3 now with an 8-minute B customer
    with_b = _estimate(db, clock, 0)
    assert both_with_a == 120  # the first of two 4-minute turns
    # Counter 3 frees after ~8 min, counter 1 (4 min into a 4-minute A, whose only recent service took
    # 4 min: no better figure than the mean) after ~4: the newcomer's turn is counter 1's.
    assert with_b == 240
