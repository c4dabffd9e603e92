"""Appointments: slots from opening hours and counters set aside, booking with a code, cancel, check-in
into a P ticket called ahead of walk-ins within its window, no-shows, purging contact data, and no
double booking under concurrency (SQLite, and PostgreSQL when COUNTERFLOW_TEST_DATABASE_URL is set)."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest
from sqlalchemy import select

from server.db import Database
from server.models import Appointment, Counter, TicketEvent
from server.queue import QueueEngine
from server.queue import appointment_slots as slots
from server.queue.actors import Actor
from server.queue.errors import Conflict, DomainError
from server.reports import export
from server.reports.day_close import close_day

DAY = dt.date(2026, 3, 2)  # the FakeClock starts at 09:00 Taipei on this day
KIOSK = Actor(kind="device", name="kiosk-1")
SUPERVISOR = Actor(kind="user", name="super", user_id=3, role="supervisor")


def set_aside(engine, service="A", counters=1, slot_min=15):
    engine.appointments.update_service("demo", service, counters, slot_min, SUPERVISOR)


def book(engine, time="10:00", phone="0912345678", service="A", name="Chen"):
    return engine.appointments.book("demo", service, DAY, time, name, phone=phone)


def open_counter(db, engine, number=1, staff_id=1):
    with db.read() as s:
        cid = s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()
    engine.open_counter(cid, Actor("user", f"teller{staff_id}", staff_id, "teller"), staff_id=staff_id)
    return cid


def test_slots_cut_the_opening_hours_by_slot_length_with_a_seat_per_counter_set_aside():
    hours = {"0": ["08:30", "10:00"]}
    day_slots = slots.slots_of_day(hours, "Asia/Taipei", DAY, 20, 2)  # a Monday
    assert [s.local_start for s in day_slots] == ["08:30", "08:50", "09:10", "09:30"]  # 09:50 would end late
    assert {s.seats for s in day_slots} == {2}
    assert day_slots[0].start == dt.datetime(2026, 3, 2, 0, 30)  # stored as UTC
    assert slots.slots_of_day(hours, "Asia/Taipei", DAY + dt.timedelta(days=1), 20, 2) == []  # closed Tuesday
    assert slots.slots_of_day(hours, "Asia/Taipei", DAY, 20, 0) == []  # no counter set aside
    assert slots.slot_minutes(None, 420) == 10  # the service time, rounded up to 5 minutes


def test_a_booked_slot_has_a_code_and_its_seats_run_out(engine):
    set_aside(engine, counters=2)
    first = book(engine, phone="0911111111")
    assert len(first["code"]) == 6 and first["token"] and first["time"] == "10:00"
    book(engine, phone="0922222222")
    with pytest.raises(Conflict) as full:
        book(engine, phone="0933333333")
    assert full.value.code == "slot_full"


def test_cancelling_frees_the_seat_and_purges_the_contact(db, engine):
    set_aside(engine, counters=1)
    first = book(engine)
    engine.appointments.cancel(first["token"])
    second = book(engine, phone="0987654321")  # the seat is free again
    with db.read() as s:
        cancelled = s.get(Appointment, first["id"])
        assert (cancelled.status, cancelled.name, cancelled.phone, cancelled.seat) == ("cancelled", None, None, None)
        assert s.get(Appointment, second["id"]).seat == 1


def test_one_phone_may_book_only_so_many_times_a_day(engine):
    set_aside(engine, counters=3)
    engine.appointments.update_policy("demo", {"bookings_per_contact_day": 2}, SUPERVISOR)
    book(engine, "10:00")
    book(engine, "10:15")
    with pytest.raises(DomainError) as refused:
        book(engine, "10:30")
    assert (refused.value.code, refused.value.kind) == ("too_many_bookings", "too_many")


def test_check_in_issues_a_p_ticket_with_its_event_once(db, engine, clock):
    set_aside(engine)
    booked = book(engine, "10:30")
    with pytest.raises(Conflict) as early:
        engine.appointments.check_in(KIOSK, branch_code="demo", code=booked["code"])
    assert early.value.code == "too_early"  # 09:00: check-in opens an hour before 10:30
    clock.advance(minutes=55)
    arrived = engine.appointments.check_in(KIOSK, branch_code="demo", code=booked["code"].lower())
    ticket = arrived["ticket"]
    assert ticket["number"] == "PA001" and ticket["channel"] == "appointment" and ticket["status"] == "waiting"
    assert ticket["people_ahead"] == 0 and "estimated_wait_s" in ticket  # nobody waits ahead of it
    again = engine.appointments.check_in(KIOSK, token=booked["token"])
    assert again["ticket"]["id"] == ticket["id"]  # a second scan answers the same ticket
    with db.read() as s:
        events = s.execute(select(TicketEvent).where(TicketEvent.ticket_id == ticket["id"])).scalars().all()
        assert [(e.action, e.detail["appointment"]) for e in events] == [("issue", booked["code"])]
        assert s.get(Appointment, booked["id"]).status == "arrived"


def test_an_appointment_in_its_window_is_called_ahead_of_walk_ins(db, engine, clock, teller):
    set_aside(engine)
    booked = book(engine, "10:00")
    cid = open_counter(db, engine)
    clock.advance(minutes=50)  # 09:50
    walk_in = engine.issue("demo", "A", teller)
    clock.advance(minutes=4)  # 09:54: checked in, but the window opens at 09:55
    engine.appointments.check_in(KIOSK, token=booked["token"])
    walk_in_2 = engine.issue("demo", "A", teller)
    assert engine.call_next(cid, teller)["ticket"]["number"] == walk_in["number"]  # not yet in its window
    clock.advance(minutes=2)  # 09:56: inside the window, ahead of the earlier walk-in
    assert engine.call_next(cid, teller, complete_current=True)["ticket"]["number"] == "PA002"
    assert engine.call_next(cid, teller, complete_current=True)["ticket"]["number"] == walk_in_2["number"]


def test_after_its_window_an_appointment_waits_by_its_arrival_like_a_walk_in(db, engine, clock, teller):
    set_aside(engine)
    booked = book(engine, "10:00")
    cid = open_counter(db, engine)
    clock.advance(minutes=65)  # 10:05
    engine.appointments.check_in(KIOSK, token=booked["token"])
    clock.advance(minutes=1)
    later = engine.issue("demo", "A", teller)
    clock.advance(minutes=10)  # 10:16: the window (until 10:10) has closed
    assert engine.call_next(cid, teller)["ticket"]["number"] == "PA001"  # arrived first
    assert engine.call_next(cid, teller, complete_current=True)["ticket"]["number"] == later["number"]


def test_no_shows_are_marked_after_the_window_and_at_day_close_with_contacts_purged(db, engine, clock):
    set_aside(engine, counters=1)
    missed = book(engine, "09:30", phone="0911111111")
    later = book(engine, "16:00", phone="0922222222")
    clock.advance(minutes=45)  # 09:45: the 09:30 window ended at 09:40
    assert engine.appointments.sweep("demo") == {"no_shows": 1, "purged": 0}
    with pytest.raises(Conflict) as refused:
        engine.appointments.check_in(KIOSK, token=missed["token"])
    assert refused.value.code == "appointment_no_show"
    close_day(engine, "demo", SUPERVISOR)
    with db.read() as s:
        rows = {a.id: a for a in s.execute(select(Appointment)).scalars()}
        assert rows[later["id"]].status == "no_show"
        assert all(a.name is None and a.phone is None and a.contact_purged_at for a in rows.values())


def test_a_branch_may_keep_contacts_for_some_days_after_the_close(db, engine, clock):
    set_aside(engine, counters=1)
    engine.appointments.update_policy("demo", {"keep_contact_days": 2}, SUPERVISOR)
    booked = book(engine, "16:00")
    close_day(engine, "demo", SUPERVISOR)
    with db.read() as s:
        assert s.get(Appointment, booked["id"]).phone == "0912345678"
    clock.advance(days=3)
    engine.appointments.sweep("demo")
    with db.read() as s:
        assert s.get(Appointment, booked["id"]).phone is None


def test_concurrent_bookings_never_share_a_seat(db, engine):
    seats = 3
    set_aside(engine, counters=seats)
    engine.appointments.update_policy("demo", {"bookings_per_contact_day": 20}, SUPERVISOR)
    results, errors, start = [], [], threading.Barrier(12)

    def attempt(n):
        start.wait()
        try:
            results.append(book(engine, "11:00", phone=f"09{n:08d}"))
        except DomainError as err:
            errors.append(err.code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == seats and errors == ["slot_full"] * (12 - seats)
    with db.read() as s:
        taken = s.execute(select(Appointment.seat).where(Appointment.seat.is_not(None))).scalars().all()
    assert sorted(taken) == list(range(1, seats + 1))


def _book_in_a_process(url: str, phones: list[str]) -> list[str]:
    """One hub process's bookings of the 11:00 slot: the codes it got, or the error codes."""
    db = Database(url)
    engine = QueueEngine(db, clock=lambda: dt.datetime(2026, 3, 2, 1, 0, 0))
    outcomes = []
    try:
        for phone in phones:
            try:
                outcomes.append(book(engine, "11:00", phone=phone)["code"])
            except DomainError as err:
                outcomes.append(err.code)
    finally:
        db.dispose()
    return outcomes


@pytest.mark.slow  # four spawned interpreters: ~20 s on the shared 2-CPU machine
def test_bookings_from_several_processes_never_share_a_seat(database_url, db, engine):
    set_aside(engine, counters=2)
    engine.appointments.update_policy("demo", {"bookings_per_contact_day": 20}, SUPERVISOR)
    batches = [[f"09{p}{n:07d}" for n in range(3)] for p in range(4)]
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = [o for batch in pool.map(_book_in_a_process, [database_url] * 4, batches) for o in batch]
    assert len([o for o in outcomes if o != "slot_full"]) == 2 and outcomes.count("slot_full") == 10
    with db.read() as s:
        assert sorted(s.execute(select(Appointment.seat)).scalars()) == [1, 2]


def test_the_public_api_books_shows_no_contact_and_refuses_bad_input(client, signed_in):
    supervisor = signed_in("supervisor")
    assert supervisor.put("/api/v1/branches/demo/appointment-settings/services/A",
                          json={"counters": 1, "slot_min": 30}).status_code == 200
    listing = client.get("/api/v1/public/branches/demo/appointments").get_json()
    assert [s["service"] for s in listing["services"]] == ["A"]
    day = listing["days"][1]  # tomorrow: every slot is still ahead
    free = client.get(f"/api/v1/public/branches/demo/appointments/slots?service=A&day={day}").get_json()["slots"]
    assert free[0] == {"time": "09:00", "starts_at": free[0]["starts_at"], "free": 1}
    body = {"service": "A", "day": day, "time": "09:00", "name": "Lin", "phone": "0912 345 678"}
    made = client.post("/api/v1/public/branches/demo/appointments", json=body)
    assert made.status_code == 201
    token = made.get_json()["token"]
    shown = client.get(f"/api/v1/public/appointments/{token}").get_json()
    assert "phone" not in shown and "name" not in shown and shown["code"] == made.get_json()["code"]
    again = client.post("/api/v1/public/branches/demo/appointments", json=dict(body, phone="0999999999"))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "slot_full")
    no_contact = client.post("/api/v1/public/branches/demo/appointments", json={k: v for k, v in body.items()
                                                                                 if k != "phone"})
    assert (no_contact.status_code, no_contact.get_json()["error"]["code"]) == (400, "contact_required")
    bad_day = client.post("/api/v1/public/branches/demo/appointments", json=dict(body, day="tomorrow"))
    assert (bad_day.status_code, bad_day.get_json()["error"]["code"]) == (400, "invalid_day")
    staff_view = supervisor.get(f"/api/v1/branches/demo/appointments?day={day}").get_json()
    assert "phone" not in staff_view["appointments"][0]  # contact data only when asked for
    asked = supervisor.get(f"/api/v1/branches/demo/appointments?day={day}&contact=1").get_json()
    assert asked["appointments"][0]["phone"] == "0912345678"
    assert client.get(f"/api/v1/branches/demo/appointments?day={day}").status_code == 401


def test_the_day_report_counts_booked_arrived_no_show_and_on_time_without_contact_data(db, engine, clock):
    set_aside(engine, counters=2)
    on_time = book(engine, "09:30", phone="0911111111")
    late = book(engine, "09:30", phone="0922222222")
    book(engine, "10:00", phone="0933333333", name="Never came")
    engine.appointments.cancel(book(engine, "10:00", phone="0944444444")["token"])
    clock.advance(minutes=25)  # 09:25
    engine.appointments.check_in(KIOSK, token=on_time["token"])
    clock.advance(minutes=10)  # 09:35: within the window, but after the slot began
    engine.appointments.check_in(KIOSK, token=late["token"])
    report = close_day(engine, "demo", SUPERVISOR)["report"]
    assert report["appointments"] == {"booked": 3, "arrived": 2, "no_show": 1, "cancelled": 1, "on_time": 1}
    assert "0933333333" not in str(report) and "Never came" not in str(report)
    printed = export.to_html(report, locale="zh_Hant")
    assert "<h2>預約</h2>" in printed and "<td>3</td><td>2</td><td>1</td><td>1</td><td>1</td>" in printed
