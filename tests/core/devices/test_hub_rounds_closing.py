"""The closing round's device step (issue 16, item 3): the devices still online are listed, and one
request sends every device to its idle state through the device layer. Against the simulators over
the real Modbus and ESC/POS bytes: the LED over a counter that still shows a number goes blank."""
from __future__ import annotations

from tests.core.devices.device_helpers import eventually

BRANCH = "/api/v1/branches/demo"


def test_the_closing_round_sends_every_device_to_idle(devices, signed_in):
    supervisor, guide = signed_in("supervisor"), signed_in("guide")
    counters = {c["number"]: c["id"] for c in supervisor.get(f"{BRANCH}/counters").get_json()["counters"]}
    teller = signed_in("teller1")
    assert teller.post(f"/api/v1/counters/{counters[1]}/open").status_code == 200
    assert guide.post(f"{BRANCH}/tickets", json={"service": "A"}).status_code == 201
    number = teller.post(f"/api/v1/counters/{counters[1]}/call-next").get_json()["ticket"]["number"]
    eventually(lambda: devices.bus_sim().display(1).shown == number, what=f"{number} on the LED")

    status = guide.get(f"{BRANCH}/closing-status").get_json()
    online = {d["name"] for d in status["devices_online"]}
    assert {"printer-1", "led-1", "pad-1", "keypad-1"} <= online
    assert {"teller1": 1}.items() <= {s["username"]: s["counter"] for s in status["staff_signed_in"]}.items()

    response = guide.post(f"{BRANCH}/devices/idle")
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["ok"] is True and result["by"] == "user:guide"
    assert {d["name"] for d in result["devices"]} == set(devices.list())
    led = devices.bus_sim().display(1)
    assert led.shown == "" and led.mode.name == "BLANK"  # answered only once the bytes were written
    assert signed_in("teller1").post(f"{BRANCH}/devices/idle").status_code == 403


def test_a_device_that_does_not_answer_is_named_in_the_idle_step(devices, signed_in):
    devices.bus_sim().set_fault(2, "unplugged")  # led-2
    result = signed_in("supervisor").post(f"{BRANCH}/devices/idle").get_json()
    failed = {d["name"]: d for d in result["devices"] if not d["ok"]}
    assert result["ok"] is False and set(failed) == {"led-2"}
