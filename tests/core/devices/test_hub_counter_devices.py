"""The devices at a counter follow the queue: the LED display shows the called number, the pad asks
the customer just served for a rating, the keypad works the queue as the teller signed in there."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Rating, Ticket, TicketEvent
from tests.core.devices.device_helpers import eventually, never

LED, PAD, KEYPAD = 1, 101, 201  # counter 1's units on simulated bus 1 (demo devices)
PAUSED = "暫停服務 PAUSED"


@pytest.fixture
def counter1(signed_in):
    supervisor = signed_in("supervisor")
    counters = supervisor.get("/api/v1/branches/demo/counters").get_json()["counters"]
    return next(c["id"] for c in counters if c["number"] == 1)


@pytest.fixture
def teller(signed_in, counter1):
    """teller1 signed in at counter 1."""
    api = signed_in("teller1")
    assert api.post(f"/api/v1/counters/{counter1}/open").status_code == 200
    return api


def issue(signed_in, service="A") -> dict:
    response = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": service})
    assert response.status_code == 201
    return response.get_json()


def serve(teller, counter_id: int) -> dict:
    """Call and complete one ticket; returns the ticket."""
    called = teller.post(f"/api/v1/counters/{counter_id}/call-next").get_json()["ticket"]
    assert teller.post(f"/api/v1/counters/{counter_id}/complete").status_code == 200
    return called


def ratings(hub) -> list[tuple[str, int, str]]:
    with hub.db.read() as session:
        return [tuple(row) for row in session.execute(
            select(Ticket.number, Rating.score, Rating.source).join(Ticket, Ticket.id == Rating.ticket_id)
            .order_by(Rating.id)).all()]


# ---------------------------------------------------------------------------- LED display
def test_led_display_shows_the_called_number_and_the_pause(devices, signed_in, teller, counter1):
    bus = devices.bus_sim()
    assert bus.display(LED).shown == ""  # counter closed at start: blank
    first = issue(signed_in)

    called = teller.post(f"/api/v1/counters/{counter1}/call-next").get_json()["ticket"]
    assert called["number"] == first["number"]
    view = eventually(lambda: bus.display(LED) if bus.display(LED).shown == first["number"] else None,
                      what="number on the LED")
    assert view.counter == 1 and view.blinking

    eventually(lambda: not bus.display(LED).blinking, what="blinking over")
    teller.post(f"/api/v1/counters/{counter1}/recall")
    eventually(lambda: bus.display(LED).blinking, what="blinks again on recall")

    teller.post(f"/api/v1/counters/{counter1}/pause", json={"reason": "lunch"})
    eventually(lambda: bus.display(LED).shown == PAUSED, what="paused sign")
    teller.post(f"/api/v1/counters/{counter1}/resume")
    eventually(lambda: bus.display(LED).shown == first["number"], what="number back after resume")

    teller.post(f"/api/v1/counters/{counter1}/complete")
    teller.post(f"/api/v1/counters/{counter1}/close")
    eventually(lambda: bus.display(LED).shown == "", what="blank when closed")


def test_led_display_shows_its_number_again_after_a_power_cut(devices, signed_in, teller, counter1):
    bus = devices.bus_sim()
    ticket = issue(signed_in)
    teller.post(f"/api/v1/counters/{counter1}/call-next")
    eventually(lambda: bus.display(LED).shown == ticket["number"])

    bus.reboot(LED)  # registers cleared, new boot id
    eventually(lambda: bus.display(LED).shown == ticket["number"], what="restored after restart")


# ---------------------------------------------------------------------------- pad
def test_pad_rating_is_stored_against_the_ticket_just_completed(hub, devices, signed_in, teller, counter1):
    first, second = issue(signed_in), issue(signed_in)
    serve(teller, counter1)
    served = serve(teller, counter1)
    assert served["number"] == second["number"]
    pad = devices.bus_sim().device(PAD)
    eventually(lambda: pad.prompt[1] == second["number"], what="pad prompts for the ticket just completed")

    devices.press(PAD, 4)

    eventually(lambda: ratings(hub), what="rating stored")
    assert ratings(hub) == [(second["number"], 4, "pad:pad-1")]
    assert first["number"] != second["number"]


def test_rating_for_a_customer_who_left_is_not_given_to_the_next(hub, devices, signed_in, teller, counter1):
    issue(signed_in), issue(signed_in)
    first = serve(teller, counter1)
    pad = devices.bus_sim().device(PAD)
    eventually(lambda: pad.prompt[1] == first["number"])
    devices.bus_sim().set_fault(PAD, "silent")  # the hub cannot hear the pad: the press waits in its ring
    devices.bus_sim().press(PAD, 1)
    serve(teller, counter1)  # the next customer is served before the hub hears the press
    devices.bus_sim().clear_fault(PAD)

    eventually(lambda: hub.devices.keys.stats["ignored"] >= 1, what="stale rating dropped")
    assert ratings(hub) == []


def test_a_retried_poll_never_counts_a_press_twice(hub, devices, signed_in, teller, counter1):
    issue(signed_in)
    serve(teller, counter1)
    bus = devices.bus_sim()
    # Lose answers around the press: polls fail and are asked again; the press is still one event.
    bus.lose_answers(PAD, [False, True, True, False, True])
    devices.press(PAD, 5)

    eventually(lambda: ratings(hub), what="rating stored")
    never(lambda: hub.devices.keys.stats["pad"] > 1, 0.5, what="second report of one press")
    assert [score for _, score, _ in ratings(hub)] == [5]
    assert hub.devices.keys.stats["pad"] == 1


def test_garbled_frames_never_become_ratings(hub, devices, signed_in, teller, counter1):
    issue(signed_in)
    serve(teller, counter1)
    bus = devices.bus_sim()
    bus.set_fault(PAD, "garbled")
    bus.press(PAD, 2)

    devices.wait_state("pad-1", "not_responding")  # every answer fails its CRC: dropped, never read
    assert hub.devices.keys.stats["pad"] == 0 and ratings(hub) == []

    bus.clear_fault(PAD)
    devices.wait_state("pad-1", "online")
    eventually(lambda: ratings(hub), what="the real press, once the line is clean")
    assert [score for _, score, _ in ratings(hub)] == [2]


# ---------------------------------------------------------------------------- keypad
def test_keypad_calls_the_next_ticket_as_the_signed_in_teller(hub, devices, signed_in, teller, counter1):
    ticket = issue(signed_in)
    waiting = issue(signed_in)
    keypad = devices.bus_sim().device(KEYPAD)
    eventually(lambda: keypad.display[1] == 2, what="keypad shows 2 waiting")

    devices.press(KEYPAD, "call_next")

    counter = eventually(lambda: (c := teller.get(f"/api/v1/counters/{counter1}").get_json())["current_ticket"]
                         and c, what="ticket called from the keypad")
    assert counter["current_ticket"]["number"] == ticket["number"]
    with hub.db.read() as session:
        actors = session.execute(select(TicketEvent.actor).where(TicketEvent.ticket_id == ticket["id"],
                                                                 TicketEvent.action == "call")).scalars().all()
    assert actors == ["user:teller1"]
    eventually(lambda: devices.bus_sim().display(LED).shown == ticket["number"], what="LED shows it")
    eventually(lambda: keypad.display == (ticket["number"], 1, 1), what="keypad shows current + waiting")

    devices.press(KEYPAD, "pause_resume")
    eventually(lambda: teller.get(f"/api/v1/counters/{counter1}").get_json()["state"] == "paused")
    devices.press(KEYPAD, "pause_resume")
    eventually(lambda: teller.get(f"/api/v1/counters/{counter1}").get_json()["state"] == "open")
    devices.press(KEYPAD, "call_next")  # completes the current one and calls the next
    eventually(lambda: teller.get(f"/api/v1/counters/{counter1}").get_json()["current_ticket"]["number"]
               == waiting["number"])


def test_keypad_does_nothing_when_nobody_is_signed_in(hub, devices, signed_in, counter1):
    ticket = issue(signed_in)

    devices.press(KEYPAD, "call_next")

    eventually(lambda: hub.devices.keys.stats["ignored"] >= 1, what="press ignored")
    assert signed_in("guide").get(f"/api/v1/tickets/{ticket['id']}").get_json()["status"] == "waiting"
