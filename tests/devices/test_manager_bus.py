"""The device manager and an RS-485 bus: key presses exactly once, health, comebacks, display commands."""
from __future__ import annotations

import time

import pytest

from server.devices.protocol import DeviceConfig
from tests.devices.conftest import configure

LED, PAD, KEYPAD = 1, 11, 21


@pytest.fixture
def bus_devices(manager, reports, bus_sim):
    configs = [DeviceConfig(id=1, kind="led", name="led", url=f"{bus_sim.url}&unit={LED}"),
               DeviceConfig(id=2, kind="pad", name="pad", url=f"{bus_sim.url}&unit={PAD}"),
               DeviceConfig(id=3, kind="keypad", name="keypad", url=f"{bus_sim.url}&unit={KEYPAD}")]
    configure(manager, *configs)
    for device_id in (1, 2, 3):
        reports.state(device_id, "online")
    return configs


def send(manager, **command) -> dict:
    result = manager.submit(command).wait(5)
    assert result is not None
    return result


def test_each_press_is_reported_once_in_order(manager, reports, bus_sim, bus_devices):
    assert send(manager, op="pad_prompt", device=2, ticket="A001")["ok"]
    bus_sim.press(PAD, 5)
    bus_sim.press(KEYPAD, "call_next")
    bus_sim.press(KEYPAD, "complete")

    reports.wait_for(lambda r: r.get("action") == "complete")
    reports.drain(0.3)
    keys = [(k["device"], k["key"], k["action"], k["ticket"]) for k in reports.keys()]
    assert keys == [(2, 5, None, "A001"), (3, 1, "call_next", None), (3, 5, "complete", None)]


def test_lost_answers_are_asked_again_without_counting_twice(manager, reports, bus_sim, bus_devices):
    for plan in ([False, True], [True, True, True], [False, True, True, False, True]):
        bus_sim.lose_answers(PAD, plan)
        bus_sim.press(PAD, 3)
    reports.drain(1.0)
    assert [k["key"] for k in reports.keys()] == [3, 3, 3]


def test_garbled_answers_never_become_key_presses(manager, reports, bus_sim, bus_devices):
    bus_sim.set_fault(KEYPAD, "garbled")
    bus_sim.press(KEYPAD, "recall")
    reports.state(3, "not_responding")
    assert reports.keys() == []

    bus_sim.clear_fault(KEYPAD)
    reports.state(3, "online")
    reports.wait_for(lambda r: r.get("event") == "device.key")
    reports.drain(0.3)
    assert [k["action"] for k in reports.keys()] == ["recall"]  # the real press, once


def test_display_follows_commands_and_is_restored_after_unplug(manager, reports, bus_sim, bus_devices):
    assert send(manager, op="led", device=1, action="show", ticket="B012", counter=4, blink=3)["ok"]
    view = bus_sim.display(LED)
    assert (view.shown, view.counter, view.blinking) == ("B012", 4, True)
    assert send(manager, op="led", device=1, action="pause")["ok"]
    assert bus_sim.display(LED).shown == "暫停服務 PAUSED"

    bus_sim.set_fault(LED, "unplugged")
    reports.state(1, "not_responding")
    bus_sim.reboot(LED)  # it lost power too: registers cleared
    bus_sim.clear_fault(LED)
    reports.state(1, "online")
    deadline = time.monotonic() + 5
    while bus_sim.display(LED).shown != "暫停服務 PAUSED" and time.monotonic() < deadline:
        time.sleep(0.02)
    view = bus_sim.display(LED)
    assert view.shown == "暫停服務 PAUSED" and view.text == "B012"  # paused, with the number underneath


def test_hardware_fault_bit_is_a_fault(manager, reports, bus_sim, bus_devices):
    bus_sim.device(LED).hw_fault = True
    fault = reports.state(1, "fault")
    assert "hardware fault" in fault["detail"] and fault["flags"] == ["fault_bit"]  # a code screens put in words
    bus_sim.device(LED).hw_fault = False
    assert reports.state(1, "online")["flags"] == []


def test_a_dead_device_does_not_hold_up_the_others(manager, reports, bus_sim, bus_devices):
    bus_sim.set_fault(PAD, "unplugged")
    reports.state(2, "not_responding")
    pressed = time.monotonic()
    bus_sim.press(KEYPAD, "start")
    reports.wait_for(lambda r: r.get("action") == "start", timeout=2)
    assert time.monotonic() - pressed < 1.5
    assert send(manager, op="keypad_show", device=3, current="A001", waiting=7, counter=2)["ok"]
    assert bus_sim.device(KEYPAD).display == ("A001", 7, 2)


def test_a_unit_with_the_wrong_device_type_is_a_fault(manager, reports, bus_sim):
    configure(manager, DeviceConfig(id=9, kind="pad", name="pad-at-led-unit", url=f"{bus_sim.url}&unit={LED}"))
    fault = reports.state(9, "fault")
    assert "wrong device type" in fault["detail"] and fault["flags"] == ["wrong_device_type"]


def test_a_device_that_refuses_a_command_is_an_error_not_a_dead_device(manager, reports, bus_sim, bus_devices):
    """A Modbus exception answer means the device is there: the command fails with the device's
    refusal, and the device is never declared not_responding for it."""
    bus_sim.set_fault(LED, "refuse_writes")
    for _ in range(4):  # more than the bus worker's miss threshold
        result = send(manager, op="led", device=1, action="show", ticket="A001", counter=1)
        assert not result["ok"]
        assert "refused" in result["error"]
        assert result["state"] == "online"
    assert result["refused"] == 4
    reports.drain(0.5)
    assert not [r for r in reports.drain(0) if r.get("device") == 1 and r.get("state") == "not_responding"]

    bus_sim.clear_fault(LED)
    assert send(manager, op="led", device=1, action="show", ticket="A002", counter=1)["ok"]
    assert bus_sim.device(LED).view().shown == "A002"


def test_changing_one_device_leaves_the_others_on_the_bus_undisturbed(manager, reports, bus_sim, bus_devices):
    """A device renamed (or added) on a bus: the pad keeps its prompt context and no press is lost."""
    assert send(manager, op="pad_prompt", device=2, ticket="A001")["ok"]
    bus_sim.press(KEYPAD, "call_next")
    renamed = [c if c.id != 3 else DeviceConfig(id=3, kind="keypad", name="keypad at counter 2", url=c.url)
               for c in bus_devices]
    configure(manager, *renamed)
    bus_sim.press(PAD, 4)

    reports.wait_for(lambda r: r.get("event") == "device.key" and r["device"] == 2)
    reports.drain(0.5)
    keys = sorted((k["device"], k["key"], k["ticket"]) for k in reports.keys())  # one pass polls pad, then keypad
    assert keys == [(2, 4, "A001"), (3, 1, None)]  # the rating still names the ticket it was asked for
