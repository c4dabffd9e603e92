"""The teller's keypad: each key is one queue action, delivered once, even across a bad cable."""

from __future__ import annotations

import pytest

from drivers import CallerKeypad, DeviceNotResponding, KeypadAction


def test_each_key_maps_to_its_queue_action(bus_sim, bus):
    keypad = CallerKeypad(bus, 21)
    keypad.poll()
    for key in range(1, 7):
        bus_sim.press(21, key)
    actions = [e.action for e in keypad.poll()]
    assert actions == [
        KeypadAction.CALL_NEXT,
        KeypadAction.RECALL,
        KeypadAction.NO_SHOW,
        KeypadAction.START,
        KeypadAction.COMPLETE,
        KeypadAction.PAUSE_RESUME,
    ]
    assert keypad.poll() == []


def test_keypad_display_shows_current_ticket_and_waiting(bus_sim, bus):
    CallerKeypad(bus, 21).show("A001", waiting=12, counter=5)
    assert bus_sim.device(21).display == ("A001", 12, 5)


def test_presses_during_a_cable_fault_arrive_once_when_it_is_fixed(bus_sim, bus):
    keypad = CallerKeypad(bus, 21)
    keypad.poll()
    bus_sim.set_fault(21, "unplugged")
    bus_sim.press(21, "call_next")
    with pytest.raises(DeviceNotResponding):
        keypad.poll()
    bus_sim.press(21, "start")
    bus_sim.clear_fault(21)
    assert [e.action for e in keypad.poll()] == [KeypadAction.CALL_NEXT, KeypadAction.START]
    assert keypad.poll() == []


def test_keypad_health(bus_sim, bus):
    keypad = CallerKeypad(bus, 21)
    assert keypad.health().state == "online"
    bus_sim.set_fault(21, "silent")
    assert keypad.health().state == "not_responding"


def test_the_keypad_is_only_written_inside_its_register_map(bus_sim, bus):
    """Registers 2..3 are not in the keypad's map: a strict keypad refuses them with exception 02."""
    from drivers import DeviceReportedError

    with pytest.raises(DeviceReportedError):
        bus.write_registers(21, 0, [3, 5, 0, 0])
    keypad = CallerKeypad(bus, 21)
    keypad.show("A017", waiting=9, counter=4)

    assert bus_sim.device(21).display == ("A017", 9, 4)
    assert bus.stats.exceptions == 1
