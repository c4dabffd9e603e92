"""Staff act on tickets (issue 11, items 4 and 6): the waiting lists, moving, reprioritising and calling a
chosen ticket, transfers that show their targets, refuse a closed counter and carry a note, and a
supervisor closing a counter with a reason. Each change is recorded as a TicketEvent and published."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.audiences import public_event_data
from server.models import AuthEvent, TicketEvent


@pytest.fixture
def counters(signed_in):
    rows = signed_in("supervisor").get("/api/v1/branches/demo/counters").get_json()["counters"]
    return {c["number"]: c["id"] for c in rows}


def issue(signed_in, service="A", priority=None) -> dict:
    body = {"service": service} | ({"priority": priority} if priority else {})
    response = signed_in("supervisor").post("/api/v1/branches/demo/tickets", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_at(signed_in, counters, number: int):
    api = signed_in(f"teller{number}")
    assert api.post(f"/api/v1/counters/{counters[number]}/open").status_code == 200
    return api


def events_of(hub, ticket_id: int) -> list[TicketEvent]:
    with hub.db.read() as session:
        return session.execute(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                               .order_by(TicketEvent.id)).scalars().all()


def names(published) -> list[str]:
    return [e.name for e in published]


# ---------------------------------------------------------------------------- transfer (item 4)
def test_transfer_targets_show_each_counter_state_and_what_waits_for_it(signed_in, counters):
    teller = open_at(signed_in, counters, 1)
    open_at(signed_in, counters, 2)
    signed_in("teller2").post(f"/api/v1/counters/{counters[2]}/pause", json={"reason": "lunch"})
    issue(signed_in, "A")
    issue(signed_in, "C")
    teller.post(f"/api/v1/counters/{counters[1]}/call-next")
    targets = teller.get(f"/api/v1/counters/{counters[1]}/transfer-targets").get_json()
    by_number = {c["number"]: c for c in targets["counters"]}
    assert 1 not in by_number
    assert by_number[2]["state"] == "paused" and by_number[2]["accepts"] is True
    assert by_number[2]["waiting"] == 1  # the C ticket (A's was called)
    assert by_number[3]["state"] == "closed" and by_number[3]["accepts"] is False
    services = {s["service"]: s for s in targets["services"]}
    assert services["C"]["waiting"] == 1 and services["C"]["counters_open"] == 0  # counter 2 paused
    assert services["A"]["counters_open"] == 1


def test_transfer_to_a_closed_counter_is_refused_and_the_ticket_stays(signed_in, counters, hub):
    teller = open_at(signed_in, counters, 1)
    ticket = issue(signed_in, "A")
    teller.post(f"/api/v1/counters/{counters[1]}/call-next")
    refused = teller.post(f"/api/v1/counters/{counters[1]}/transfer", json={"to_counter": 3})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "target_counter_closed"
    counter = teller.get(f"/api/v1/counters/{counters[1]}").get_json()
    assert counter["current_ticket"]["id"] == ticket["id"]  # nothing lost
    # Chosen explicitly instead: the service queue.
    sent = teller.post(f"/api/v1/counters/{counters[1]}/transfer", json={"to_service": "B", "note": "needs a loan"})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["follow_up"]["target_counter_id"] is None


def test_transfer_note_reaches_the_receiving_teller(signed_in, counters, hub, published):
    teller1 = open_at(signed_in, counters, 1)
    teller3 = open_at(signed_in, counters, 3)
    issue(signed_in, "A")
    teller1.post(f"/api/v1/counters/{counters[1]}/call-next")
    result = teller1.post(f"/api/v1/counters/{counters[1]}/transfer",
                          json={"to_counter": 3, "note": "  customer brought the wrong form  "}).get_json()
    follow = result["follow_up"]
    assert follow["note"] == "customer brought the wrong form"
    waiting = teller3.get(f"/api/v1/counters/{counters[3]}/callable").get_json()["tickets"]
    assert [(t["id"], t["note"], t["target_counter"]) for t in waiting] == [
        (follow["id"], "customer brought the wrong form", 3)]
    called = teller3.post(f"/api/v1/counters/{counters[3]}/call-next").get_json()["ticket"]
    assert called["note"] == "customer brought the wrong form"
    transfer_event = [e for e in events_of(hub, result["ticket"]["id"]) if e.action == "transfer"][0]
    assert transfer_event.detail["note"] == "customer brought the wrong form"
    # The note is staff data: the lobby display and kiosks never get it.
    transferred = next(e for e in published if e.name == "ticket.transferred")
    assert transferred.data["follow_up"]["note"]
    public = public_event_data(transferred.name, transferred.data, None)
    assert "note" not in public["ticket"] and "note" not in public["follow_up"]
    too_long = teller3.post(f"/api/v1/counters/{counters[3]}/transfer", json={"to_service": "B", "note": "x" * 201})
    assert too_long.status_code == 400


# ---------------------------------------------------------------------------- the waiting list (item 6)
def test_supervisor_lists_waiting_tickets_with_filter_and_search(signed_in):
    a1, a2, b1 = issue(signed_in, "A"), issue(signed_in, "A"), issue(signed_in, "B")
    sv = signed_in("supervisor")
    every = sv.get("/api/v1/branches/demo/waiting").get_json()["tickets"]
    assert [t["number"] for t in every] == [a1["number"], a2["number"], b1["number"]]
    only_b = sv.get("/api/v1/branches/demo/waiting?service=B").get_json()["tickets"]
    assert [t["number"] for t in only_b] == [b1["number"]]
    found = sv.get(f"/api/v1/branches/demo/waiting?q={a2['number'][-3:].lower()}").get_json()["tickets"]
    assert a2["number"] in [t["number"] for t in found] and b1["number"] not in [t["number"] for t in found]
    assert signed_in("teller1").get("/api/v1/branches/demo/waiting").status_code == 200  # staff data
    assert sv.client.get("/api/v1/branches/demo/waiting").status_code == 401


def test_move_a_waiting_ticket_to_another_service_and_counter(signed_in, counters, hub, published):
    teller2 = open_at(signed_in, counters, 2)
    ticket = issue(signed_in, "B")
    sv = signed_in("supervisor")
    no_reason = sv.post(f"/api/v1/tickets/{ticket['id']}/move", json={"to_service": "C", "reason": " "})
    assert no_reason.status_code == 400 and no_reason.get_json()["error"]["code"] == "reason_required"
    closed = sv.post(f"/api/v1/tickets/{ticket['id']}/move", json={"to_counter": 4, "reason": "vip desk"})
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "target_counter_closed"
    published.clear()
    moved = sv.post(f"/api/v1/tickets/{ticket['id']}/move",
                    json={"to_service": "C", "to_counter": 2, "reason": "wealth question", "note": "ask about funds"})
    assert moved.status_code == 200, moved.get_json()
    view = moved.get_json()
    # Moved on like a transfer: the original ends in B (the settlement counts it there), a follow-up waits.
    assert (view["service"], view["target_counter_id"], view["status"], view["number"], view["transferred_from_id"]) \
        == ("C", counters[2], "waiting", ticket["number"], ticket["id"])
    assert names(published) == ["ticket.moved", "queue.changed"]
    event = events_of(hub, ticket["id"])[-1]
    assert (event.action, event.from_status, event.to_status, event.actor) == ("move", "waiting", "transferred",
                                                                              "user:supervisor")
    assert event.detail == {"reason": "wealth question", "from_service": "B", "to_service": "C", "to_counter": 2,
                            "follow_up_id": view["id"]}
    assert [e.action for e in events_of(hub, view["id"])] == ["transfer_in"]
    called = teller2.post(f"/api/v1/counters/{counters[2]}/call-next").get_json()["ticket"]
    assert called["id"] == view["id"] and called["note"] == "ask about funds"
    again = sv.post(f"/api/v1/tickets/{ticket['id']}/move", json={"to_service": "A", "reason": "x"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "ticket_not_waiting"
    assert signed_in("guide").post(f"/api/v1/tickets/{ticket['id']}/move",
                                   json={"to_service": "A", "reason": "x"}).status_code == 403


def test_change_priority_puts_the_ticket_ahead_and_is_recorded(signed_in, counters, hub, published):
    teller = open_at(signed_in, counters, 1)
    first, second = issue(signed_in, "A"), issue(signed_in, "A")
    sv = signed_in("supervisor")
    published.clear()
    response = sv.post(f"/api/v1/tickets/{second['id']}/priority", json={"priority": "priority", "reason": "elderly"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["priority"] == "priority"
    assert names(published) == ["ticket.reprioritised", "queue.changed"]
    event = events_of(hub, second["id"])[-1]
    assert (event.action, event.detail) == ("reprioritise", {"reason": "elderly", "from": "normal", "to": "priority"})
    same = sv.post(f"/api/v1/tickets/{second['id']}/priority", json={"priority": "priority", "reason": "again"})
    assert same.status_code == 409
    called = teller.post(f"/api/v1/counters/{counters[1]}/call-next").get_json()["ticket"]
    assert called["id"] == second["id"] and first["id"] != called["id"]


def test_cancel_with_a_reason_from_the_supervisor(signed_in, hub, published):
    ticket = issue(signed_in, "A")
    published.clear()
    response = signed_in("supervisor").post(f"/api/v1/tickets/{ticket['id']}/cancel", json={"reason": "left"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert names(published) == ["ticket.cancelled", "queue.changed"]
    assert events_of(hub, ticket["id"])[-1].detail == {"reason": "left"}


# ---------------------------------------------------------------------------- the teller's list (item 6)
def test_counter_lists_what_it_may_call_and_calls_a_chosen_one(signed_in, counters, hub, published):
    teller1 = open_at(signed_in, counters, 1)
    a1, c1, b1, a2 = issue(signed_in, "A"), issue(signed_in, "C"), issue(signed_in, "B"), issue(signed_in, "A")
    listed = teller1.get(f"/api/v1/counters/{counters[1]}/callable").get_json()["tickets"]
    # Counter 1 serves A then B (strict): the C ticket is not its to call.
    assert [t["id"] for t in listed] == [a1["id"], a2["id"], b1["id"]]
    refused = teller1.post(f"/api/v1/counters/{counters[1]}/call-ticket", json={"ticket_id": c1["id"]})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_callable_here"
    published.clear()
    called = teller1.post(f"/api/v1/counters/{counters[1]}/call-ticket", json={"ticket_id": b1["id"]})
    assert called.status_code == 200, called.get_json()
    assert called.get_json()["ticket"]["number"] == b1["number"]
    assert names(published) == ["ticket.called", "queue.changed"]
    event = events_of(hub, b1["id"])[-1]
    assert (event.action, event.detail, event.counter_id) == ("call", {"chosen": True}, counters[1])
    busy = teller1.post(f"/api/v1/counters/{counters[1]}/call-ticket", json={"ticket_id": a1["id"]})
    assert busy.status_code == 409 and busy.get_json()["error"]["code"] == "counter_busy"
    other = signed_in("teller2")
    assert other.post(f"/api/v1/counters/{counters[1]}/call-ticket", json={"ticket_id": a1["id"]}).status_code == 403
    teller1.post(f"/api/v1/counters/{counters[1]}/complete")
    missing = teller1.post(f"/api/v1/counters/{counters[1]}/call-ticket", json={"ticket_id": 99999})
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "ticket_not_found"


# ---------------------------------------------------------------------------- closing a counter (item 6)
def test_supervisor_closes_a_counter_and_signs_the_teller_out_with_a_reason(signed_in, counters, hub, published):
    teller = open_at(signed_in, counters, 1)
    issue(signed_in, "A")
    sv = signed_in("supervisor")
    teller.post(f"/api/v1/counters/{counters[1]}/call-next")
    busy = sv.post(f"/api/v1/counters/{counters[1]}/supervisor-close", json={"reason": "shift over"})
    assert busy.status_code == 409 and busy.get_json()["error"]["code"] == "counter_busy"
    teller.post(f"/api/v1/counters/{counters[1]}/complete")
    teller.post(f"/api/v1/counters/{counters[1]}/pause", json={"reason": "lunch"})
    assert sv.post(f"/api/v1/counters/{counters[1]}/supervisor-close", json={}).status_code == 400
    published.clear()
    closed = sv.post(f"/api/v1/counters/{counters[1]}/supervisor-close", json={"reason": "shift over"})
    assert closed.status_code == 200, closed.get_json()
    assert (closed.get_json()["state"], closed.get_json()["staff"], closed.get_json()["pause_reason"]) == (
        "closed", None, None)
    event = next(e for e in published if e.name == "counter.closed")
    assert (event.data["reason"], event.data["signed_out"], event.data["closed_by"]) == (
        "shift over", "teller1", "user:supervisor")
    with hub.db.read() as session:
        audit = session.execute(select(AuthEvent).where(AuthEvent.kind == "teller_signed_out")).scalar_one()
    assert audit.username == "teller1" and "shift over" in audit.detail
    # The teller can no longer act there; the teller may open a counter again.
    assert teller.post(f"/api/v1/counters/{counters[1]}/call-next").status_code == 403
    assert teller.post(f"/api/v1/counters/{counters[1]}/open").status_code == 200
    assert teller.post(f"/api/v1/counters/{counters[2]}/supervisor-close", json={"reason": "x"}).status_code == 403


def test_a_ticket_moved_to_another_service_keeps_the_day_balanced(signed_in, counters):
    """Its number was handed out by the first service: the day close's reconciliation counts it there."""
    teller = open_at(signed_in, counters, 2)
    moved = issue(signed_in, "B")
    sv = signed_in("supervisor")
    follow = sv.post(f"/api/v1/tickets/{moved['id']}/move", json={"to_service": "C", "reason": "x"}).get_json()
    assert teller.post(f"/api/v1/counters/{counters[2]}/call-next").get_json()["ticket"]["id"] == follow["id"]
    waiting = issue(signed_in, "A")  # moved to a counter only, and still waiting at the close
    assert sv.post(f"/api/v1/tickets/{waiting['id']}/move", json={"to_counter": 2, "reason": "y"}).status_code == 200
    teller.post(f"/api/v1/counters/{counters[2]}/complete")
    closed = sv.post("/api/v1/branches/demo/day-close", json={})
    assert closed.status_code == 201, closed.get_json()
    assert closed.get_json()["day_close"]["balanced"] is True
    totals = closed.get_json()["report"]["totals"]
    assert (totals["transferred_out"], totals["done"], totals["abandoned"]) == (2, 1, 1)
