"""Selection policies, priorities, numbering across business days, estimates and the wait monitor."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.models import Alert, Counter, Ticket
from server.queue import estimates
from server.queue.actors import Actor


def counter_id(db, number: int) -> int:
    with db.read() as s:
        return s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()


def open_counter(db, engine, number: int, staff_id: int) -> int:
    cid = counter_id(db, number)
    engine.open_counter(cid, Actor("user", f"teller{staff_id}", staff_id, "teller"), staff_id=staff_id)
    return cid


def call_sequence(engine, cid, actor, n):
    numbers = []
    for _ in range(n):
        numbers.append(engine.call_next(cid, actor, complete_current=True)["ticket"]["number"])
    return numbers


def test_strict_policy_serves_services_in_rank_order(db, engine, teller, clock):
    cid = open_counter(db, engine, 1, 1)  # counter 1 serves A then B
    engine.issue("demo", "B", teller)
    clock.advance(minutes=1)
    engine.issue("demo", "A", teller)
    clock.advance(minutes=1)
    engine.issue("demo", "B", teller)
    clock.advance(minutes=1)
    engine.issue("demo", "A", teller)
    assert call_sequence(engine, cid, teller, 4) == ["A001", "A002", "B001", "B002"]


def test_longest_wait_policy_serves_earliest_arrival_across_services(db, engine, teller, clock):
    cid = open_counter(db, engine, 1, 1)
    engine.set_policy(cid, "longest_wait", teller)
    engine.issue("demo", "B", teller)
    clock.advance(minutes=1)
    engine.issue("demo", "A", teller)
    clock.advance(minutes=1)
    engine.issue("demo", "B", teller)
    clock.advance(minutes=1)
    engine.issue("demo", "A", teller)
    assert call_sequence(engine, cid, teller, 4) == ["B001", "A001", "B002", "A002"]


def test_priority_class_comes_before_policy_and_arrival(db, engine, teller, clock):
    cid = open_counter(db, engine, 1, 1)
    engine.issue("demo", "A", teller)
    clock.advance(minutes=1)
    engine.issue("demo", "B", teller, priority="priority")  # elderly customer for a lower-ranked service
    clock.advance(minutes=1)
    engine.issue("demo", "A", teller, priority="vip")
    assert call_sequence(engine, cid, teller, 3) == ["A002", "B001", "A001"]


def test_counter_only_calls_its_own_services(db, engine, teller):
    cid = open_counter(db, engine, 1, 1)  # A, B
    engine.issue("demo", "C", teller)
    engine.issue("demo", "V", teller)
    with pytest.raises(Exception) as err:
        engine.call_next(cid, teller)
    assert getattr(err.value, "code", None) == "queue_empty"


def test_numbers_restart_each_business_day_in_branch_time_zone_and_keep_history(db, engine, teller, clock):
    # 2026-03-02 15:59 UTC is 23:59 in Taipei; a minute later it is the next business day there.
    clock.now = dt.datetime(2026, 3, 2, 15, 58)
    assert engine.issue("demo", "A", teller)["number"] == "A001"
    assert engine.issue("demo", "A", teller)["number"] == "A002"
    clock.now = dt.datetime(2026, 3, 2, 16, 0, 30)
    fresh = engine.issue("demo", "A", teller)
    assert fresh["number"] == "A001" and fresh["business_day"] == "2026-03-03"
    with db.read() as s:
        days = s.execute(select(Ticket.business_day, Ticket.number).order_by(Ticket.id)).all()
    assert [(d.isoformat(), n) for d, n in days] == [
        ("2026-03-02", "A001"), ("2026-03-02", "A002"), ("2026-03-03", "A001")]


def test_numbering_grows_past_999_without_duplicates(db, engine, teller):
    from server.queue.numbering import format_number

    assert format_number("A", 7) == "A007"
    assert format_number("A", 1000) == "A1000"


def test_estimate_uses_recent_service_times_and_open_counters(db, engine, teller, clock):
    c1 = open_counter(db, engine, 1, 1)
    # Serve two A customers in 4 and 6 minutes: mean 300 s.
    for minutes in (4, 6):
        engine.issue("demo", "A", teller)
        engine.call_next(c1, teller)
        clock.advance(minutes=minutes)
        engine.complete(c1, teller)
    with db.read() as s:
        service_id = s.execute(select(Ticket.service_id)).scalars().first()
        load = estimates.service_load(s, service_id, 240, clock())
    assert load.mean_service_s == 300 and load.counters_open == 1 and load.counters_free == 1
    first = engine.issue("demo", "A", teller)
    assert first["people_ahead"] == 0 and first["estimated_wait_s"] == 0  # counter 1 is free
    engine.call_next(c1, teller)
    second = engine.issue("demo", "A", teller)
    third = engine.issue("demo", "A", teller)
    assert (second["people_ahead"], second["estimated_wait_s"]) == (0, 300)
    assert (third["people_ahead"], third["estimated_wait_s"]) == (1, 600)
    open_counter(db, engine, 2, 2)  # a second counter for A, idle
    fourth = engine.issue("demo", "A", teller)
    # Three ahead, one counter free: (3 - 1 + 1) departures over 2 counters.
    assert (fourth["people_ahead"], fourth["estimated_wait_s"]) == (2, 300)


def test_wait_monitor_raises_warning_then_critical_then_clears(db, engine, teller, clock, events):
    c1 = open_counter(db, engine, 1, 1)
    engine.issue("demo", "A", teller)
    assert engine.check_wait_times("demo") == []
    clock.advance(minutes=15)
    raised = engine.check_wait_times("demo")
    assert [(a["service"], a["level"]) for a in raised] == [("A", "warning")]
    clock.advance(minutes=5)
    changed = engine.check_wait_times("demo")
    assert {(a["level"], a["cleared_at"] is None) for a in changed} == {("warning", False), ("critical", True)}
    assert engine.check_wait_times("demo") == []  # unchanged level: nothing new
    engine.call_next(c1, teller)
    cleared = engine.check_wait_times("demo")
    assert [a["level"] for a in cleared] == ["critical"] and cleared[0]["cleared_at"]
    with db.read() as s:
        assert s.execute(select(Alert).where(Alert.cleared_at.is_(None))).first() is None
    assert "alert.raised" in [e.name for e in events] and "alert.cleared" in [e.name for e in events]


def test_wait_monitor_warns_before_breach_from_the_estimate(db, engine, teller, clock):
    open_counter(db, engine, 1, 1)
    # Service A's default is 240 s; with one counter, 6 waiting means about 24 min for a newcomer.
    for _ in range(6):
        engine.issue("demo", "A", teller)
    levels = {a["service"]: a["level"] for a in engine.check_wait_times("demo")}
    assert levels == {"A": "warning"}


def test_acknowledge_alert_records_who(db, engine, teller, clock):
    engine.issue("demo", "A", teller)
    clock.advance(minutes=21)
    alert = engine.check_wait_times("demo")[0]
    supervisor = Actor("user", "supervisor", 6, "supervisor")
    acked = engine.acknowledge_alert(alert["id"], supervisor)
    assert acked["acknowledged_by"] == "user:supervisor" and acked["acknowledged_at"]


def test_emergency_mode_is_ended_by_whoever_started_it_or_an_admin(engine):
    supervisor = Actor("user", "supervisor", 6, "supervisor")
    other = Actor("user", "guide", 5, "supervisor")
    admin = Actor("user", "admin", 7, "admin")
    started = engine.start_emergency("demo", supervisor, "long queue at A")
    assert started["started_by"] == "supervisor"
    with pytest.raises(Exception) as err:
        engine.start_emergency("demo", supervisor, "again")
    assert err.value.code == "emergency_active"
    with pytest.raises(Exception) as err:
        engine.end_emergency("demo", other)
    assert err.value.code == "not_emergency_owner"
    assert engine.end_emergency("demo", supervisor)["ended_by"] == "supervisor"
    engine.start_emergency("demo", supervisor, "again")
    assert engine.end_emergency("demo", admin)["ended_by"] == "admin"
