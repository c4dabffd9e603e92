"""The LED over a counter never shows a customer who has left it (issue 11, item 3): blank ("ready")
after complete, no-show, requeue, transfer and a supervisor's cancel; 暫停服務 while paused, also when
the ticket leaves during the pause; and resume never brings a number back. Through the simulated
RS-485 bus and the real Modbus bytes."""
from __future__ import annotations

import pytest

from tests.core.devices.device_helpers import eventually, never

PAUSED = "暫停服務 PAUSED"


@pytest.fixture
def counters(signed_in):
    rows = signed_in("supervisor").get("/api/v1/branches/demo/counters").get_json()["counters"]
    return {c["number"]: c["id"] for c in rows}


@pytest.fixture
def teller(signed_in, counters):
    api = signed_in("teller1")
    assert api.post(f"/api/v1/counters/{counters[1]}/open").status_code == 200
    return api


def issue(signed_in, service="A") -> dict:
    response = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": service})
    assert response.status_code == 201
    return response.get_json()


def call(teller, counter_id: int, led, number: str) -> None:
    assert teller.post(f"/api/v1/counters/{counter_id}/call-next").get_json()["ticket"]["number"] == number
    eventually(lambda: led().shown == number, what=f"{number} on the LED")


@pytest.mark.parametrize("how", ["complete", "no_show", "requeue", "transfer", "cancel"])
def test_the_led_goes_blank_when_the_customer_leaves_the_counter(devices, signed_in, teller, counters, how):
    bus = devices.bus_sim()
    led = lambda: bus.display(1)  # noqa: E731  (counter 1's LED, unit 1)
    ticket = issue(signed_in)
    call(teller, counters[1], led, ticket["number"])
    path = f"/api/v1/counters/{counters[1]}"
    response = {
        "complete": lambda: teller.post(f"{path}/complete"),
        "no_show": lambda: teller.post(f"{path}/no-show", json={"requeue": False}),
        "requeue": lambda: teller.post(f"{path}/no-show", json={"requeue": True}),
        "transfer": lambda: teller.post(f"{path}/transfer", json={"to_service": "B"}),
        "cancel": lambda: signed_in("supervisor").post(f"/api/v1/tickets/{ticket['id']}/cancel",
                                                      json={"reason": "left"}),
    }[how]()
    assert response.status_code == 200, response.get_json()
    eventually(lambda: led().shown == "", what="blank LED")
    # Pause and resume with nobody at the counter: the paused sign, then blank again, never the old number.
    teller.post(f"{path}/pause", json={"reason": "lunch"})
    eventually(lambda: led().shown == PAUSED, what="paused sign")
    teller.post(f"{path}/resume")
    eventually(lambda: led().shown == "", what="blank after resume")
    never(lambda: led().shown == ticket["number"], 0.5, what="the old number came back")


def test_a_customer_leaving_during_a_pause_keeps_the_paused_sign(devices, signed_in, teller, counters):
    bus = devices.bus_sim()
    led = lambda: bus.display(1)  # noqa: E731
    ticket = issue(signed_in)
    call(teller, counters[1], led, ticket["number"])
    path = f"/api/v1/counters/{counters[1]}"
    teller.post(f"{path}/pause", json={"reason": "lunch"})
    eventually(lambda: led().shown == PAUSED, what="paused sign")
    assert teller.post(f"{path}/complete").status_code == 200
    never(lambda: led().shown != PAUSED, 0.5, what="paused sign lost")
    teller.post(f"{path}/resume")
    eventually(lambda: led().shown == "", what="blank after resume")


def test_the_receiving_counter_shows_the_transferred_ticket_only_when_it_calls_it(devices, signed_in, teller,
                                                                                   counters):
    bus = devices.bus_sim()
    teller3 = signed_in("teller3")
    assert teller3.post(f"/api/v1/counters/{counters[3]}/open").status_code == 200
    ticket = issue(signed_in)
    call(teller, counters[1], lambda: bus.display(1), ticket["number"])
    teller.post(f"/api/v1/counters/{counters[1]}/transfer", json={"to_counter": 3, "note": "loan"})
    eventually(lambda: bus.display(1).shown == "", what="counter 1 blank")
    assert bus.display(3).shown == ""
    call(teller3, counters[3], lambda: bus.display(3), ticket["number"])
