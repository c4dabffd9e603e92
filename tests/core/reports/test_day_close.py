"""Day close (日結): what is open is abandoned, counters close, the day is locked, the report is stored;
a day that does not reconcile is refused with the tickets that break it."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from handmade import DAY, START, actor, at
from server.models import (Counter, CounterPause, DayClose, NumberSequence, Service, Ticket, TicketEvent)
from server.queue.errors import Conflict


def error(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_day_close_settles_and_locks_the_day(db, engine, handmade_day, hub_clock, bearer):
    c1 = handmade_day["counters"][1]
    teller1 = actor(handmade_day, "teller1", "teller")
    at(hub_clock, 50)
    engine.issue("demo", "B", teller1)  # B002, called and left open at counter 1
    engine.call_next(c1, teller1)
    engine.pause(handmade_day["counters"][2], actor(handmade_day, "teller2", "teller"), "meeting")
    at(hub_clock, 60)
    r = bearer("supervisor").post("/api/v1/branches/demo/day-close", json={})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["day_close"]["business_day"] == DAY and body["day_close"]["closed_by"] == "user:supervisor"
    assert body["day_close"]["abandoned"] == 2 and body["day_close"]["counters_closed"] == [1, 2]
    report = body["report"]
    assert report["balanced"] is True
    assert all(r["balanced"] for r in report["services"] + report["counters"] + report["tellers"])
    t = report["totals"]
    assert (t["issued"], t["done"], t["no_show"], t["cancelled"], t["transferred_out"], t["abandoned"], t["open"]) \
        == (9, 4, 1, 1, 1, 2, 0)
    assert t["issued"] == t["done"] + t["no_show"] + t["cancelled"] + t["transferred_out"] + t["abandoned"]

    with db.read() as s:
        abandoned = s.execute(select(Ticket.number, Ticket.finished_at).where(Ticket.status == "abandoned")
                              .order_by(Ticket.number)).all()
        assert [n for n, _ in abandoned] == ["A005", "B002"]
        assert {f for _, f in abandoned} == {START + dt.timedelta(minutes=60)}
        events = s.execute(select(TicketEvent.actor, TicketEvent.from_status).where(TicketEvent.action == "abandon")
                           ).all()
        assert sorted(events) == [("user:supervisor", "called"), ("user:supervisor", "waiting")]
        counters = s.execute(select(Counter.number, Counter.state, Counter.current_ticket_id, Counter.staff_id)
                             .order_by(Counter.number)).all()
        assert all(state == "closed" and current is None and staff is None for _, state, current, staff in counters)
        assert s.execute(select(CounterPause).where(CounterPause.ended_at.is_(None))).first() is None
        stored = s.execute(select(DayClose)).scalar_one()
        assert stored.report["totals"]["abandoned"] == 2

    # The stored report is what the day's report shows from now on.
    again = bearer("supervisor").get(f"/api/v1/branches/demo/reports/day?date={DAY}").get_json()
    assert again["day_close"]["closed_by"] == "user:supervisor" and again["totals"] == report["totals"]


def test_a_closed_day_refuses_every_change(db, engine, handmade_day, clock):
    from server.reports.day_close import close_day

    supervisor = actor(handmade_day, "supervisor", "supervisor")
    guide = actor(handmade_day, "guide", "guide")
    c2 = handmade_day["counters"][2]
    at(clock, 60)
    close_day(engine, "demo", supervisor)
    with pytest.raises(Conflict) as err:
        engine.issue("demo", "A", guide)
    assert err.value.code == "day_closed"
    with pytest.raises(Conflict) as err:
        engine.cancel(handmade_day["tickets"]["A005"], guide)
    assert err.value.code == "day_closed"
    teller2 = actor(handmade_day, "teller2", "teller")
    engine.open_counter(c2, teller2, handmade_day["users"]["teller2"])
    with pytest.raises(Conflict) as err:
        engine.rate(c2, 5, teller2)  # the last ticket served there belongs to the closed day
    assert err.value.code == "day_closed"
    # A counter still holding one of the day's tickets (written behind the engine's back) cannot finish it.
    with db.write() as s:
        s.execute(update(Ticket).where(Ticket.id == handmade_day["tickets"]["A005"])
                  .values(status="called", called_at=clock.now, counter_id=c2))
        s.execute(update(Counter).where(Counter.id == c2).values(current_ticket_id=handmade_day["tickets"]["A005"]))
    for action in (engine.complete, engine.recall, engine.start, engine.no_show):
        with pytest.raises(Conflict) as err:
            action(c2, teller2)
        assert err.value.code == "day_closed"
    with pytest.raises(Conflict) as err:
        engine.call_next(c2, teller2, complete_current=True)
    assert err.value.code == "day_closed"
    with pytest.raises(Conflict) as err:
        close_day(engine, "demo", supervisor, dt.date(2026, 3, 2))
    assert err.value.code == "day_already_closed"


def test_a_day_that_does_not_balance_is_refused_with_the_tickets_that_break_it(db, handmade_day, hub_clock, bearer):
    t = handmade_day["tickets"]
    with db.write() as s:
        s.execute(update(Ticket).where(Ticket.id == t["A001"]).values(status="lost"))           # unknown status
        s.execute(update(Ticket).where(Ticket.id == t["A004"]).values(finished_at=None))        # cancelled, no end
        s.execute(update(Ticket).where(Ticket.number == "B001").values(called_at=START))        # done, called before
        s.execute(update(Ticket).where(Ticket.number == "C001")                                  # its own issue
                  .values(started_at=START + dt.timedelta(minutes=14), finished_at=START + dt.timedelta(minutes=13)))
        a = s.execute(select(Service.id).where(Service.code == "A")).scalar_one()
        s.execute(update(NumberSequence).where(NumberSequence.service_id == a).values(last=NumberSequence.last + 1))
    at(hub_clock, 60)
    api = bearer("supervisor")
    r = api.post("/api/v1/branches/demo/day-close", json={"date": DAY})
    assert error(r) == (409, "day_not_balanced")
    detail = r.get_json()["error"]["detail"]
    broken = {(p["number"], p["ticket_id"]): p["problems"] for p in detail["tickets"]}
    assert broken == {
        ("A001", t["A001"]): ["unknown_status"],
        ("A004", t["A004"]): ["missing_finished_at"],
        ("B001", _id(db, "B001")): ["times_out_of_order"],
        ("C001", _id(db, "C001")): ["times_out_of_order"],
    }
    assert detail["missing_numbers"] == [{"service": "A", "business_day": DAY, "number": "A006"}]
    with db.read() as s:  # nothing changed
        assert s.execute(select(DayClose)).first() is None
        assert s.execute(select(Ticket.status).where(Ticket.id == t["A005"])).scalar_one() == "waiting"
    live = api.get(f"/api/v1/branches/demo/reports/day?date={DAY}").get_json()
    a_row = next(r for r in live["services"] if r["service"] == "A")
    assert live["balanced"] is False and a_row["balanced"] is False
    assert (a_row["issued"], a_row["unknown"]) == (6, 1)  # 6 numbers handed out; A001's status counts nowhere


def _id(db, number: str) -> int:
    with db.read() as s:
        return s.execute(select(Ticket.id).where(Ticket.number == number, Ticket.transfer_gen == 0)).scalar_one()


def test_closing_a_past_day_leaves_today_running(db, engine, handmade_day, clock):
    from server.reports.day_close import close_day

    c3 = handmade_day["counters"][3]  # serves B before A
    teller3 = actor(handmade_day, "teller3", "teller")
    clock.now = START + dt.timedelta(days=1)  # 09:00 the next day; 2026-03-02 was never closed, A005 still waits
    engine.open_counter(c3, teller3, handmade_day["users"]["teller3"])
    today = engine.issue("demo", "B", teller3)
    assert engine.call_next(c3, teller3)["ticket"]["id"] == today["id"]
    result = close_day(engine, "demo", actor(handmade_day, "supervisor", "supervisor"), dt.date(2026, 3, 2))
    assert result["day_close"]["abandoned"] == 1 and result["day_close"]["counters_closed"] == []
    with db.read() as s:
        assert s.get(Ticket, handmade_day["tickets"]["A005"]).status == "abandoned"
        counter = s.get(Counter, c3)
        assert counter.state == "open" and counter.current_ticket_id == today["id"]
    assert engine.complete(c3, teller3)["status"] == "done"


def test_day_close_permissions_and_bad_requests(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)
    assert error(bearer("teller1").post("/api/v1/branches/demo/day-close", json={})) == (403, "forbidden")
    api = bearer("supervisor")
    assert error(api.post("/api/v1/branches/demo/day-close", json={"date": "2026-03-03"})) == (400, "day_in_future")
    assert error(api.post("/api/v1/branches/demo/day-close", json={"date": "03/02/2026"})) == (400, "invalid_date")
    assert error(api.post("/api/v1/branches/demo/day-close", json={"day": DAY})) == (400, "unknown_field")
    assert bearer("admin").post("/api/v1/branches/demo/day-close", json={"date": DAY}).status_code == 201
    assert error(api.post("/api/v1/branches/demo/day-close", json={})) == (409, "day_already_closed")


def test_no_ticket_slips_into_a_day_while_it_is_being_closed(db, engine, clock, handmade_day):
    """Kiosks keep issuing while the supervisor closes the day: every ticket is either refused
    (day_closed) or issued before the close and then abandoned by it - none is left waiting."""
    import threading

    from server.reports.day_close import close_day

    at(clock, 60)
    guide = actor(handmade_day, "guide", "guide")
    issued, refused = [], []

    def kiosk():
        for _ in range(5000):  # until the close refuses it
            try:
                issued.append(engine.issue("demo", "A", guide)["id"])
            except Conflict as err:
                assert err.code == "day_closed"
                refused.append(1)
                return

    kiosks = [threading.Thread(target=kiosk) for _ in range(3)]
    for k in kiosks:
        k.start()
    while len(issued) < 6:
        threading.Event().wait(0.01)
    result = close_day(engine, "demo", actor(handmade_day, "supervisor", "supervisor"))
    for k in kiosks:
        k.join()
    assert len(refused) == 3
    with db.read() as s:
        open_left = s.execute(select(Ticket.id).where(Ticket.status.in_(("waiting", "called", "serving")))).all()
        total = s.execute(select(Ticket.id)).all()
    assert open_left == []
    assert result["report"]["totals"]["issued"] == len(total) and result["report"]["balanced"] is True
    assert set(issued) <= {t for (t,) in total}
