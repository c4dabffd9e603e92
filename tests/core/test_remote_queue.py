"""The remote queue in the domain (issue 15): a ticket from a phone keeps its place but is not called
before check-in, limits per device/contact, the notice outbox written once per ticket and kind, the
rejoin of a missed customer and the purge of contacts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.models import Counter, DayClose, Notice, RemoteTicket, TicketEvent
from server.queue.actors import Actor
from server.queue.errors import Conflict
from server.queue.remote import RemoteKeys, TooMany

GUIDE = Actor("user", "guide", 5, "guide")
TELLER = Actor("user", "teller1", 1, "teller")


def open_counter(db, engine, number: int = 1, staff_id: int = 1) -> int:
    with db.read() as s:
        cid = s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()
    engine.open_counter(cid, Actor("user", f"teller{staff_id}", staff_id, "teller"), staff_id=staff_id)
    return cid


def take(engine, device: str = "d1", contact: str | None = None, service: str = "A") -> dict:
    return engine.remote.take("demo", service, RemoteKeys(device=device, contact=contact and f"h-{contact}"),
                              contact=contact)


def notices(db) -> list[tuple[str, str]]:
    with db.read() as s:
        rows = s.execute(select(Notice.kind, Notice.ticket_id).order_by(Notice.id)).all()
    return [(kind, tid) for kind, tid in rows]


def test_a_remote_ticket_keeps_its_place_but_is_called_only_after_check_in(db, engine, events):
    cid = open_counter(db, engine)
    remote = take(engine)
    assert remote["channel"] == "remote" and remote["awaiting_check_in"] is True
    walk_in = engine.issue("demo", "A", GUIDE, channel="guide")
    # The remote customer keeps their place, but call next skips them: not counted ahead (call_order.py).
    assert walk_in["people_ahead"] == 0
    assert engine.call_next(cid, TELLER)["ticket"]["id"] == walk_in["id"]  # skipped while not checked in
    engine.complete(cid, TELLER)
    with pytest.raises(Conflict) as err:
        engine.call_next(cid, TELLER)
    assert err.value.code == "queue_empty"  # the only one waiting is not checked in

    checked = engine.remote.check_in("kiosk", GUIDE, branch_code="demo", number=remote["number"])
    assert checked["awaiting_check_in"] is False
    assert [e.name for e in events[-2:]] == ["ticket.checked_in", "queue.changed"]
    with db.read() as s:
        action = s.execute(select(TicketEvent.action, TicketEvent.detail).where(
            TicketEvent.ticket_id == remote["id"]).order_by(TicketEvent.id.desc())).first()
        assert tuple(action) == ("check_in", {"via": "kiosk"})
        assert s.get(RemoteTicket, remote["id"]).checked_in_via == "kiosk"
    with pytest.raises(Conflict) as err:
        engine.remote.check_in("door", token=remote["tracking_token"])
    assert err.value.code == "already_checked_in"
    assert engine.call_next(cid, TELLER)["ticket"]["id"] == remote["id"]


def test_the_branch_may_call_remote_tickets_without_check_in(db, engine):
    cid = open_counter(db, engine)
    engine.remote.update_settings("demo", {"call_without_check_in": True})
    remote = take(engine)
    assert remote["awaiting_check_in"] is False
    assert engine.call_next(cid, TELLER)["ticket"]["id"] == remote["id"]


def test_limits_per_device_and_per_contact_in_a_window(engine, clock):
    engine.remote.update_settings("demo", {"device_limit": 2, "contact_limit": 1, "limit_window_s": 600})
    take(engine, "d1")
    take(engine, "d1")
    with pytest.raises(TooMany) as err:
        take(engine, "d1")
    assert err.value.code == "too_many_device_tickets" and 1 <= err.value.detail["retry_after_s"] <= 601
    take(engine, "d2", contact="0912345678")
    with pytest.raises(TooMany) as err:
        take(engine, "d3", contact="0912345678")
    assert err.value.code == "too_many_contact_tickets"
    clock.advance(seconds=601)  # the window has moved on
    take(engine, "d1")
    take(engine, "d3", contact="0912345678")


def test_near_and_called_notices_are_written_once_per_ticket_and_kind(db, engine):
    cid = open_counter(db, engine)
    engine.remote.update_settings("demo", {"nudge_places": 1, "call_without_check_in": True})
    for _ in range(3):
        engine.issue("demo", "A", GUIDE, channel="guide")
    mine = take(engine, contact="0911000111")
    silent = take(engine, device="d2")  # no contact: its page tells it, no message
    assert notices(db) == []  # 3 people ahead, nudged at 1
    engine.call_next(cid, TELLER)
    engine.complete(cid, TELLER)
    assert notices(db) == []  # 2 ahead
    engine.call_next(cid, TELLER)
    assert notices(db) == [("near", mine["id"])]  # 1 ahead
    engine.complete(cid, TELLER)
    engine.call_next(cid, TELLER)
    engine.complete(cid, TELLER)
    assert notices(db) == [("near", mine["id"])]  # 0 ahead: still one "near"
    assert engine.call_next(cid, TELLER)["ticket"]["id"] == mine["id"]
    engine.recall(cid, TELLER)
    assert notices(db) == [("near", mine["id"]), ("called", mine["id"])]  # a recall sends nothing new
    assert silent["id"] not in {tid for _, tid in notices(db)}


def test_a_missed_customer_rejoins_once_within_the_window(db, engine, clock):
    cid = open_counter(db, engine)
    engine.remote.update_settings("demo", {"call_without_check_in": True, "rejoin_window_s": 600})
    mine = take(engine, contact="0911000222")
    with pytest.raises(Conflict) as err:
        engine.remote.rejoin(mine["tracking_token"])
    assert err.value.code == "not_missed"
    engine.call_next(cid, TELLER)
    engine.no_show(cid, TELLER)
    clock.advance(seconds=300)
    again = engine.remote.rejoin(mine["tracking_token"])
    assert again["status"] == "waiting" and again["number"] != mine["number"] and again["rejoined_from"] == mine["number"]
    with db.read() as s:
        assert s.get(RemoteTicket, again["id"]).rejoined_from_id == mine["id"]
        assert s.get(RemoteTicket, again["id"]).contact == "0911000222"
        actions = s.execute(select(TicketEvent.action).where(TicketEvent.ticket_id == mine["id"])).scalars().all()
        assert actions[-1] == "rejoin"
    with pytest.raises(Conflict) as err:
        engine.remote.rejoin(mine["tracking_token"])
    assert err.value.code == "already_rejoined"

    late = take(engine, device="d9")
    engine.call_next(cid, TELLER)  # the rejoined ticket
    engine.complete(cid, TELLER)
    engine.call_next(cid, TELLER)
    engine.no_show(cid, TELLER)
    clock.advance(seconds=601)
    with pytest.raises(Conflict) as err:
        engine.remote.rejoin(late["tracking_token"])
    assert err.value.code == "rejoin_window_passed"


def test_contacts_are_purged_at_the_day_close_or_after_the_branch_hours(db, engine, clock):
    kept = take(engine, contact="a@example.com")
    engine.remote.update_settings("demo", {"contact_keep_hours": 2})
    short = take(engine, device="d2", contact="b@example.com")
    assert engine.remote.purge_contacts() == 0
    clock.advance(hours=2, seconds=1)
    assert engine.remote.purge_contacts() == 1
    with db.read() as s:
        assert s.get(RemoteTicket, short["id"]).contact is None
        assert s.get(RemoteTicket, kept["id"]).contact == "a@example.com"
    with db.write() as s:  # the day close (its own tests cover it); only its row matters here
        s.add(DayClose(branch_id=1, business_day=dt.date.fromisoformat(kept["business_day"]), closed_by="t",
                       closed_at=clock.now, report={}))
    assert engine.remote.purge_contacts() == 1
    with db.read() as s:
        assert s.get(RemoteTicket, kept["id"]).contact is None
        # The limits still count: the keys are hashes, not the contact.
        assert s.get(RemoteTicket, kept["id"]).contact_hash == "h-a@example.com"


def test_a_phone_ticket_not_checked_in_is_counted_apart_and_raises_no_wait_alert(db, engine, clock):
    """Its customer waits elsewhere and no counter may call it: the hall's waiting figure, the longest
    wait, the newcomer's estimate and the wait alert leave it out; staff rows count it apart."""
    from server.models import Branch
    from server.queue.queries import queue_snapshot

    open_counter(db, engine)

    def row_a() -> dict:
        with db.read() as s:
            branch = s.execute(select(Branch).where(Branch.code == "demo")).scalar_one()
            return next(r for r in queue_snapshot(s, branch, clock()) if r["service"] == "A")

    remote = take(engine)
    clock.advance(minutes=25)  # longer than the 20-minute target: still no alert, nobody waits in the hall
    assert engine.check_wait_times("demo") == []
    row = row_a()
    assert (row["waiting"], row["not_checked_in"], row["longest_wait_s"]) == (0, 1, 0)
    walk_in = engine.issue("demo", "A", GUIDE, channel="guide")
    clock.advance(minutes=1)
    row = row_a()
    assert (row["waiting"], row["not_checked_in"], row["longest_wait_s"]) == (1, 1, 60)
    assert walk_in["people_ahead"] == 0

    # Checked in, it is in the hall with its place: counted, its wait from when it was taken (26 min).
    engine.remote.check_in("kiosk", GUIDE, branch_code="demo", number=remote["number"])
    row = row_a()
    assert (row["waiting"], row["not_checked_in"]) == (2, 0) and row["longest_wait_s"] == 26 * 60
    assert [(a["service"], a["level"]) for a in engine.check_wait_times("demo")] == [("A", "critical")]


def test_a_device_limit_holds_when_its_tickets_are_taken_at_the_same_moment(engine):
    """Twelve takes from one phone at once, across services (whose numbers do not serialise them): exactly
    the limit passes, on PostgreSQL too, where the counts were read without a lock."""
    import threading

    engine.remote.update_settings("demo", {"device_limit": 3, "limit_window_s": 600})
    taken, refused, start = [], [], threading.Barrier(12)

    def attempt(n: int) -> None:
        start.wait()
        try:
            taken.append(take(engine, "same-phone", service="ABC"[n % 3]))
        except TooMany as err:
            refused.append(err.code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 3 and refused == ["too_many_device_tickets"] * 9
