"""Every ticket and counter transition of the queue engine, legal and illegal."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Counter, Ticket, TicketEvent
from server.queue.errors import Conflict, Invalid, NotFound


def counter_id(db, number: int) -> int:
    with db.read() as s:
        return s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()


@pytest.fixture
def c1(db, engine, teller):
    cid = counter_id(db, 1)
    engine.open_counter(cid, teller, staff_id=1)
    return cid


def history(db, ticket_id: int) -> list[tuple[str, str | None, str]]:
    with db.read() as s:
        rows = s.execute(
            select(TicketEvent.action, TicketEvent.from_status, TicketEvent.to_status)
            .where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        ).all()
    return [tuple(r) for r in rows]


def test_issue_numbers_tickets_per_service_from_001(engine, teller):
    a1 = engine.issue("demo", "A", teller)
    a2 = engine.issue("demo", "A", teller)
    b1 = engine.issue("demo", "B", teller)
    assert (a1["number"], a2["number"], b1["number"]) == ("A001", "A002", "B001")
    assert a1["status"] == "waiting"
    assert a2["people_ahead"] == 1 and a1["people_ahead"] == 0


def test_issue_unknown_service_or_branch_is_not_found(engine, teller):
    with pytest.raises(NotFound) as err:
        engine.issue("demo", "Z", teller)
    assert err.value.code == "service_not_found"
    with pytest.raises(NotFound):
        engine.issue("nowhere", "A", teller)


def test_issue_rejects_unknown_priority_and_channel(engine, teller):
    with pytest.raises(Invalid):
        engine.issue("demo", "A", teller, priority="urgent!")
    with pytest.raises(Invalid):
        engine.issue("demo", "A", teller, channel="pigeon")


def test_full_journey_records_every_transition(db, engine, teller, c1):
    t = engine.issue("demo", "A", teller)
    called = engine.call_next(c1, teller)["ticket"]
    assert called["number"] == "A001" and called["status"] == "called" and called["counter"] == 1
    assert engine.recall(c1, teller)["recall_count"] == 1
    assert engine.start(c1, teller)["status"] == "serving"
    done = engine.complete(c1, teller)
    assert done["status"] == "done"
    assert history(db, t["id"]) == [
        ("issue", None, "waiting"), ("call", "waiting", "called"), ("recall", "called", "called"),
        ("start", "called", "serving"), ("complete", "serving", "done"),
    ]
    with db.read() as s:
        events = s.execute(select(TicketEvent.actor).where(TicketEvent.ticket_id == t["id"])).scalars().all()
    assert set(events) == {"user:teller1"}


def test_complete_straight_from_called_counts_service_from_the_call(db, engine, teller, c1, clock):
    t = engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    clock.advance(minutes=3)
    engine.complete(c1, teller)
    with db.read() as s:
        ticket = s.get(Ticket, t["id"])
        assert ticket.started_at == ticket.called_at
        assert (ticket.finished_at - ticket.started_at).total_seconds() == 180


def test_call_next_on_busy_counter_is_refused_unless_complete_current(engine, teller, c1):
    engine.issue("demo", "A", teller)
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    with pytest.raises(Conflict) as err:
        engine.call_next(c1, teller)
    assert err.value.code == "counter_busy"
    result = engine.call_next(c1, teller, complete_current=True)
    assert result["completed"]["number"] == "A001" and result["completed"]["status"] == "done"
    assert result["ticket"]["number"] == "A002"


def test_complete_current_with_empty_queue_completes_and_returns_no_ticket(engine, teller, c1):
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    result = engine.call_next(c1, teller, complete_current=True)
    assert result["ticket"] is None and result["completed"]["status"] == "done"


def test_call_next_with_nobody_waiting_says_queue_empty(engine, teller, c1):
    with pytest.raises(Conflict) as err:
        engine.call_next(c1, teller)
    assert err.value.code == "queue_empty"


def test_closed_counter_is_never_handed_a_ticket(db, engine, teller):
    engine.issue("demo", "A", teller)
    with pytest.raises(Conflict) as err:
        engine.call_next(counter_id(db, 2), teller)
    assert err.value.code == "counter_closed"


def test_paused_counter_is_never_handed_a_ticket(db, engine, teller, c1):
    engine.issue("demo", "A", teller)
    paused = engine.pause(c1, teller, "午餐 lunch")
    assert paused["state"] == "paused" and paused["pause_reason"] == "午餐 lunch"
    with pytest.raises(Conflict) as err:
        engine.call_next(c1, teller)
    assert err.value.code == "counter_paused"
    with db.read() as s:
        assert s.execute(select(Ticket.status)).scalar_one() == "waiting"
    engine.resume(c1, teller)
    assert engine.call_next(c1, teller)["ticket"]["number"] == "A001"


def test_pause_needs_a_reason_and_an_open_counter(db, engine, teller, c1):
    with pytest.raises(Invalid):
        engine.pause(c1, teller, "   ")
    with pytest.raises(Conflict):
        engine.pause(counter_id(db, 2), teller, "break")
    engine.pause(c1, teller, "break")
    with pytest.raises(Conflict):
        engine.pause(c1, teller, "again")
    engine.resume(c1, teller)
    with pytest.raises(Conflict) as err:
        engine.resume(c1, teller)
    assert err.value.code == "counter_not_paused"


def test_recall_start_complete_without_a_current_ticket_are_illegal(engine, teller, c1):
    for action in (engine.recall, engine.start, engine.complete):
        with pytest.raises(Conflict) as err:
            action(c1, teller)
        assert err.value.code == "no_current_ticket"
    with pytest.raises(Conflict):
        engine.no_show(c1, teller)


def test_start_twice_and_recall_while_serving_are_illegal(engine, teller, c1):
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    engine.start(c1, teller)
    with pytest.raises(Conflict) as err:
        engine.start(c1, teller)
    assert err.value.code == "illegal_transition"
    with pytest.raises(Conflict):
        engine.recall(c1, teller)
    with pytest.raises(Conflict):
        engine.no_show(c1, teller)


def test_no_show_ends_the_ticket(db, engine, teller, c1):
    t = engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    assert engine.no_show(c1, teller)["status"] == "no_show"
    assert history(db, t["id"])[-1] == ("no_show", "called", "no_show")
    with pytest.raises(Conflict):
        engine.call_next(c1, teller)


def test_no_show_with_requeue_puts_it_back_once(engine, teller, c1, clock):
    engine.issue("demo", "A", teller)
    clock.advance(seconds=1)
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    clock.advance(seconds=30)
    assert engine.no_show(c1, teller, requeue=True)["status"] == "waiting"
    # Requeued to the back: A002 comes first now.
    assert engine.call_next(c1, teller)["ticket"]["number"] == "A002"
    engine.complete(c1, teller)
    assert engine.call_next(c1, teller)["ticket"]["number"] == "A001"
    with pytest.raises(Conflict) as err:
        engine.no_show(c1, teller, requeue=True)
    assert err.value.code == "requeue_limit"


def test_cancel_waiting_ticket_and_not_a_finished_one(engine, teller, c1):
    t = engine.issue("demo", "A", teller)
    assert engine.cancel(t["id"], teller)["status"] == "cancelled"
    with pytest.raises(Conflict):
        engine.cancel(t["id"], teller)
    with pytest.raises(NotFound):
        engine.cancel(999999, teller)


def test_cancel_called_ticket_frees_the_counter(engine, teller, c1):
    t = engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    engine.cancel(t["id"], teller)
    engine.issue("demo", "A", teller)
    assert engine.call_next(c1, teller)["ticket"]["number"] == "A002"


def test_transfer_to_service_keeps_number_and_arrival(db, engine, teller, c1, clock):
    t = engine.issue("demo", "A", teller)
    clock.advance(minutes=5)
    engine.issue("demo", "B", teller)
    engine.call_next(c1, teller)
    result = engine.transfer(c1, teller, to_service="B")
    assert result["ticket"]["status"] == "transferred"
    follow = result["follow_up"]
    assert follow["number"] == "A001" and follow["service"] == "B" and follow["status"] == "waiting"
    assert follow["arrived_at"] == t["arrived_at"]
    # Counter 3 serves B first: the transferred customer (earlier arrival) is ahead of B001.
    c3 = counter_id(db, 3)
    engine.open_counter(c3, teller, staff_id=3)
    assert engine.call_next(c3, teller)["ticket"]["number"] == "A001"


def test_transfer_without_keep_arrival_goes_to_the_back(db, engine, teller, c1, clock):
    engine.issue("demo", "A", teller)
    clock.advance(minutes=5)
    engine.issue("demo", "B", teller)
    engine.call_next(c1, teller)
    engine.transfer(c1, teller, to_service="B", keep_arrival=False)
    c3 = counter_id(db, 3)
    engine.open_counter(c3, teller, staff_id=3)
    assert engine.call_next(c3, teller)["ticket"]["number"] == "B001"


def test_transfer_to_counter_is_called_there_first(db, engine, teller, c1, clock):
    engine.issue("demo", "A", teller)
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)  # A001
    c2 = counter_id(db, 2)
    engine.open_counter(c2, teller, staff_id=2)
    clock.advance(minutes=1)
    engine.issue("demo", "A", teller, priority="vip")  # even a VIP waits behind a transfer to this counter
    engine.transfer(c1, teller, to_counter=2)
    assert engine.call_next(c2, teller)["ticket"]["number"] == "A001"
    # Counter 1 never sees a ticket that was sent to counter 2.
    engine.call_next(c1, teller)
    engine.complete(c1, teller)


def test_transfer_errors(db, engine, teller, c1):
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    with pytest.raises(Invalid):
        engine.transfer(c1, teller)
    with pytest.raises(NotFound):
        engine.transfer(c1, teller, to_service="Q")
    with pytest.raises(NotFound):
        engine.transfer(c1, teller, to_counter=42)
    with pytest.raises(Invalid):
        engine.transfer(c1, teller, to_counter=1)
    # Nothing changed by the refused transfers.
    assert engine.complete(c1, teller)["status"] == "done"


def test_open_counter_rules(db, engine, teller, c1):
    # Same teller opening again is harmless; another teller is refused.
    assert engine.open_counter(c1, teller, staff_id=1)["staff"] == "teller1"
    with pytest.raises(Conflict) as err:
        engine.open_counter(c1, teller, staff_id=2)
    assert err.value.code == "counter_in_use"
    with pytest.raises(Conflict) as err:
        engine.open_counter(counter_id(db, 2), teller, staff_id=1)
    assert err.value.code == "already_at_counter"


def test_close_counter_with_customer_is_refused(engine, teller, c1):
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    with pytest.raises(Conflict) as err:
        engine.close_counter(c1, teller)
    assert err.value.code == "counter_busy"
    engine.complete(c1, teller)
    closed = engine.close_counter(c1, teller)
    assert closed["state"] == "closed" and closed["staff"] is None


def test_close_paused_counter_ends_the_pause_record(db, engine, teller, c1, clock):
    from server.models import CounterPause

    engine.pause(c1, teller, "meeting")
    clock.advance(minutes=7)
    engine.close_counter(c1, teller)
    with db.read() as s:
        pause = s.execute(select(CounterPause)).scalar_one()
        assert (pause.ended_at - pause.started_at).total_seconds() == 420


def test_rating_goes_to_the_ticket_served_last_at_the_counter(db, engine, teller, c1):
    engine.issue("demo", "A", teller)
    second = engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    engine.call_next(c1, teller, complete_current=True)
    engine.complete(c1, teller)
    rating = engine.rate(c1, 5, teller)
    assert rating["ticket_id"] == second["id"] and rating["score"] == 5
    with pytest.raises(Conflict):
        engine.rate(c1, 4, teller)
    for bad in (0, 6, True, "5"):
        with pytest.raises(Invalid):
            engine.rate(c1, bad, teller)


def test_events_are_published_after_commit_with_increasing_seq(engine, teller, c1, events):
    events.clear()
    engine.issue("demo", "A", teller)
    engine.call_next(c1, teller)
    names = [e.name for e in events]
    assert names == ["ticket.issued", "queue.changed", "ticket.called", "queue.changed"]
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_refused_transition_publishes_nothing(engine, teller, c1, events):
    events.clear()
    with pytest.raises(Conflict):
        engine.call_next(c1, teller)
    assert events == []
