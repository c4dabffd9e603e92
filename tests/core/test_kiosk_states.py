"""Kiosk states (issue 11, item 5): closed outside opening hours and after the day close, "currently
unavailable" when no open counter serves a service, staff-only services for guides only, and estimates
that never promise what no counter will deliver and count counters shared between services."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Counter
from server.queue import estimates, hall_hours
from server.queue.actors import Actor
from server.queue.errors import Conflict, Forbidden, Invalid
from server.queue.setup import SetupOperations

KIOSK = Actor("device", "kiosk-1")
GUIDE = Actor("user", "guide", 5, "guide")
HOURS = {"0": ["09:30", "17:00"], "1": ["09:00", "17:00"]}  # Monday, Tuesday; the clock starts Monday 09:00


def settings(engine, **changes):
    return SetupOperations(engine.unit_of_work).update_hall_settings("demo", changes)


def open_counter(db, engine, number: int, staff_id: int) -> int:
    with db.read() as s:
        cid = s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()
    engine.open_counter(cid, Actor("user", f"teller{staff_id}", staff_id, "teller"), staff_id=staff_id)
    return cid


def test_the_kiosk_issues_nothing_outside_opening_hours_but_a_guide_may(db, engine, clock):
    settings(engine, opening_hours=HOURS)
    open_counter(db, engine, 1, 1)
    with pytest.raises(Conflict) as err:
        engine.issue("demo", "A", KIOSK, channel="kiosk")
    assert err.value.code == "hall_closed" and err.value.detail["reason"] == "outside_hours"
    assert err.value.detail["opens"] == "09:30"
    assert engine.issue("demo", "A", GUIDE, channel="guide")["number"] == "A001"
    clock.advance(minutes=30)
    assert engine.issue("demo", "A", KIOSK, channel="kiosk")["number"] == "A002"


def test_a_weekday_without_hours_is_closed_all_day_and_a_closed_day_stays_closed(clock):
    import datetime as dt

    wednesday = clock.now + dt.timedelta(days=2)
    assert hall_hours.hall_state(HOURS, set(), "Asia/Taipei", wednesday)["reason"] == "closed_today"
    assert hall_hours.hall_state(None, set(), "Asia/Taipei", wednesday)["open"] is True
    assert hall_hours.hall_state(None, {dt.date(2026, 3, 2)}, "Asia/Taipei", clock.now)["reason"] == "day_closed"


@pytest.mark.parametrize("hours", [{"7": ["09:00", "17:00"]}, {"0": ["17:00", "09:00"]}, {"0": ["9:00", "17:00"]},
                                   {"0": "09:00-17:00"}, ["09:00"]])
def test_malformed_opening_hours_are_refused(hours):
    with pytest.raises(Invalid) as err:
        hall_hours.validate(hours)
    assert err.value.code == "invalid_opening_hours"


def test_a_staff_only_service_is_issued_by_a_guide_never_at_the_kiosk(db, engine):
    open_counter(db, engine, 4, 4)  # counter 4 serves V
    with pytest.raises(Forbidden) as err:
        engine.issue("demo", "V", KIOSK, channel="kiosk")
    assert err.value.code == "staff_only_service"
    assert engine.issue("demo", "V", GUIDE, channel="guide", priority="vip")["number"] == "V001"


def test_no_open_counter_means_no_promise_and_a_warning_or_a_refusal(db, engine):
    warned = engine.issue("demo", "C", KIOSK, channel="kiosk")
    assert warned["estimated_wait_s"] is None and warned["warning"] == "no_counter_open"
    settings(engine, unavailable_policy="refuse")
    with pytest.raises(Conflict) as err:
        engine.issue("demo", "C", KIOSK, channel="kiosk")
    assert err.value.code == "service_unavailable"
    open_counter(db, engine, 2, 2)  # counter 2 serves A and C
    issued = engine.issue("demo", "C", KIOSK, channel="kiosk")
    assert issued["estimated_wait_s"] is not None and "warning" not in issued


def test_a_counter_that_serves_another_service_first_is_counted_only_for_what_it_has_left(db, engine, clock):
    teller = Actor("user", "teller1", 1, "teller")
    c1, c3 = open_counter(db, engine, 1, 1), open_counter(db, engine, 3, 3)  # 1: A then B; 3: B then A
    for _ in range(2):
        engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    engine.call_next(c3, teller)  # both counters busy with A
    with db.read() as s:
        plain = estimates.service_load(s, _service_id(s, "A"), 240, clock.now)
    for _ in range(3):
        engine.issue("demo", "B", teller)  # counter 3 takes these before any A
    with db.read() as s:
        shared = estimates.service_load(s, _service_id(s, "A"), 240, clock.now)
    assert plain.counters_open == shared.counters_open == 2
    assert estimates.estimate_wait_s(0, plain) == 120  # two busy counters, one 4-minute turn between them
    # Counter 3 first serves the three B (8 min each): until then only counter 1 serves A.
    assert estimates.estimate_wait_s(0, shared) == 240
    assert estimates.estimate_wait_s(1, shared) == 480


def _service_id(session, code: str) -> int:
    from server.models import Service

    return session.execute(select(Service.id).where(Service.code == code)).scalar_one()


def test_the_hall_state_and_settings_over_the_api(signed_in, client):
    admin = signed_in("admin")
    assert client.get("/api/v1/branches/demo/hall").get_json()["hall"]["open"] is True
    bad = admin.patch("/api/v1/branches/demo/hall-settings", json={"opening_hours": {"0": ["18:00", "08:00"]}})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_opening_hours"
    changed = admin.patch("/api/v1/branches/demo/hall-settings",
                          json={"unavailable_policy": "refuse", "emergency_policy": "all_longest_wait"})
    assert changed.status_code == 200 and changed.get_json()["unavailable_policy"] == "refuse"
    refused = signed_in("supervisor").patch("/api/v1/branches/demo/hall-settings", json={"unavailable_policy": "warn"})
    assert refused.status_code == 403
    public = client.get("/api/v1/branches/demo/queue", headers=signed_in("supervisor").headers).get_json()
    assert {row["service"]: row["guide_only"] for row in public["services"]}["V"] is True
