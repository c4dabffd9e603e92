"""One call order (docs/architecture.md, "Call order"): the counter's "may call" list and each ticket's
people ahead are what call next really does. The test lists, then calls every ticket, and compares:
an appointment in its window first of its service (before a VIP walk-in of that service), a remote
ticket not checked in listed apart, never called and counted ahead of nobody."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Counter, CounterService, Service, Ticket
from server.queue import queries, waiting_lists
from server.queue.actors import Actor
from server.queue.remote import RemoteKeys
from tests.core.test_appointments import KIOSK, book, set_aside

GUIDE = Actor("user", "guide", 5, "guide")
TELLER = Actor("user", "teller1", 1, "teller")


def counter_one(db, engine) -> int:
    with db.read() as s:
        cid = s.execute(select(Counter.id).where(Counter.number == 1)).scalar_one()
    engine.open_counter(cid, TELLER, staff_id=1)
    return cid


def listed_and_ahead(db, cid, now) -> tuple[list[str], list[str], dict[str, int]]:
    with db.read() as s:
        may_call = [t["number"] for t in waiting_lists.callable_tickets(s, cid, now)]
        apart = waiting_lists.not_checked_in_tickets(s, cid, now)
        waiting = s.execute(select(Ticket).where(Ticket.status == "waiting")).scalars().all()
        ahead = {t.number: queries.ticket_position(s, t, now)["people_ahead"] for t in waiting}
    assert all(t["callable"] is False and t["awaiting_check_in"] for t in apart)
    return may_call, [t["number"] for t in apart], ahead


def call_all(engine, cid) -> list[str]:
    """Call next until nobody callable is left (completing each customer)."""
    called = [engine.call_next(cid, TELLER)["ticket"]["number"]]
    while (ticket := engine.call_next(cid, TELLER, complete_current=True)["ticket"]) is not None:
        called.append(ticket["number"])
    return called


def test_the_may_call_list_and_people_ahead_are_what_call_next_calls(db, engine, clock):
    set_aside(engine)
    booked = book(engine, "10:00")  # its call window: 09:55 to 10:10
    cid = counter_one(db, engine)
    with db.read() as s:
        served = set(s.execute(select(Service.code).join(CounterService, CounterService.service_id == Service.id)
                               .where(CounterService.counter_id == cid)).scalars())
    assert "A" in served
    clock.advance(minutes=50)  # 09:50
    walk_in = engine.issue("demo", "A", GUIDE)
    not_here = engine.remote.take("demo", "A", RemoteKeys(device="d1"))  # stays not checked in
    other = [engine.issue("demo", code, GUIDE) for code in sorted(served - {"A"})]
    clock.advance(minutes=1)
    vip = engine.issue("demo", "A", GUIDE, priority="vip")
    here = engine.remote.take("demo", "A", RemoteKeys(device="d2"))
    engine.remote.check_in("kiosk", GUIDE, branch_code="demo", number=here["number"])
    clock.advance(minutes=5)  # 09:56: the appointment checks in inside its window
    appointment = engine.appointments.check_in(KIOSK, branch_code="demo", code=booked["code"])["ticket"]
    assert appointment["people_ahead"] == 0
    late = engine.issue("demo", "A", GUIDE)

    may_call, apart, ahead = listed_and_ahead(db, cid, clock())
    assert apart == [not_here["number"]] and not_here["number"] not in may_call
    queue_a = [appointment["number"], vip["number"], walk_in["number"], here["number"], late["number"]]
    assert [n for n in may_call if n in queue_a] == queue_a  # the appointment before the VIP walk-in
    assert {n: ahead[n] for n in queue_a} == {n: i for i, n in enumerate(queue_a)}
    assert ahead[not_here["number"]] == 3  # its place: behind the appointment, the VIP and the earlier walk-in
    assert len(may_call) == len(queue_a) + len(other)
    with db.read() as s:  # a shorter list reads less, and is the same list's beginning
        assert [t["number"] for t in waiting_lists.callable_tickets(s, cid, clock(), limit=2)] == may_call[:2]

    assert call_all(engine, cid) == may_call  # the list is exactly what call next calls, in order
    with db.read() as s:
        left = s.execute(select(Ticket.number).where(Ticket.status == "waiting")).scalars().all()
    assert left == [not_here["number"]]


def test_out_of_its_window_an_appointment_is_listed_and_counted_by_its_arrival(db, engine, clock):
    set_aside(engine)
    booked = book(engine, "10:00")
    cid = counter_one(db, engine)
    clock.advance(minutes=10)  # 09:10: checked in early, the window opens at 09:55
    appointment = engine.appointments.check_in(KIOSK, token=booked["token"])["ticket"]
    clock.advance(minutes=1)
    vip = engine.issue("demo", "A", GUIDE, priority="vip")
    walk_in = engine.issue("demo", "A", GUIDE)
    may_call, _, ahead = listed_and_ahead(db, cid, clock())
    order = [vip["number"], appointment["number"], walk_in["number"]]
    assert [n for n in may_call if n in order] == order
    assert [ahead[n] for n in order] == [0, 1, 2]
    assert [n for n in call_all(engine, cid) if n in order] == order


@pytest.mark.parametrize("policy", ["longest_wait"])
def test_the_merge_follows_the_counters_policy(db, engine, clock, policy):
    cid = counter_one(db, engine)
    with db.write() as s:
        s.get(Counter, cid).policy = policy
    with db.read() as s:
        codes = sorted(s.execute(select(Service.code).join(CounterService, CounterService.service_id == Service.id)
                                 .where(CounterService.counter_id == cid)).scalars())
    tickets = []
    for minute in range(4):
        for code in reversed(codes):
            tickets.append(engine.issue("demo", code, GUIDE)["number"])
            clock.advance(minutes=1)
    may_call, _, _ = listed_and_ahead(db, cid, clock())
    assert may_call == tickets  # longest wait first, across the services
    assert call_all(engine, cid) == may_call
