"""One RS-485 bus, many devices, several threads: one transaction at a time, bad frames dropped."""

from __future__ import annotations

import threading
import time

import pytest

from drivers import (
    BadDeviceUrl,
    BusPoller,
    CallerKeypad,
    DeviceNotResponding,
    DeviceReportedError,
    LedDisplay,
    SatisfactionPad,
    open_bus,
)
from drivers.modbus_bus import close_shared_buses
from hardware_sim.modbus_bus import ModbusBusSimulator


@pytest.fixture
def crowded_sim():
    sim = ModbusBusSimulator(seed=3)
    for counter in range(1, 5):
        sim.add_device("led_display", counter)
        sim.add_device("pad", 100 + counter)
        sim.add_device("keypad", 200 + counter)
    sim.start()
    yield sim
    sim.stop()


def test_many_devices_used_from_many_threads_share_one_bus_cleanly(crowded_sim, make_bus):
    bus = make_bus(crowded_sim)
    errors = []
    events = {}

    def counter_worker(counter):
        try:
            display = LedDisplay(bus, counter)
            pad = SatisfactionPad(bus, 100 + counter)
            keypad = CallerKeypad(bus, 200 + counter)
            keypad.poll()
            got = []
            for i in range(10):
                display.show(f"A{counter}{i:02d}", counter=counter)
                keypad.show(f"A{counter}{i:02d}", waiting=i, counter=counter)
                pad.prompt(f"A{counter}{i:02d}")
                crowded_sim.press(200 + counter, "complete")
                got += keypad.poll()
            events[counter] = got
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=counter_worker, args=(c,)) for c in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    bus.close()

    assert errors == []
    for counter in range(1, 5):
        assert crowded_sim.display(counter).shown == f"A{counter}09"
        assert [e.unit for e in events[counter]] == [200 + counter] * 10
    assert bus.stats.crc_errors == bus.stats.bad_frames == bus.stats.timeouts == 0
    assert bus.stats.frames == bus.stats.requests


def test_a_dead_device_does_not_disturb_its_neighbours(crowded_sim, make_bus):
    bus = make_bus(crowded_sim)
    crowded_sim.set_fault(2, "unplugged")
    assert LedDisplay(bus, 2).health().state == "not_responding"
    LedDisplay(bus, 1).show("A100")
    assert crowded_sim.display(1).shown == "A100"
    assert bus.stats.timeouts == 2
    bus.close()


def test_late_answers_of_a_slow_device_are_never_taken_for_another_device(crowded_sim,
                                                                          make_bus):
    bus = make_bus(crowded_sim)
    pads = [SatisfactionPad(bus, 100 + c) for c in range(1, 5)]
    for pad in pads:
        pad.poll()
    crowded_sim.set_fault(101, "slow", 0.25)  # answers after the bus timeout: they collide
    crowded_sim.press(102, 5)
    got = []
    for _ in range(3):
        for pad in pads:
            try:
                got += pad.poll()
            except DeviceNotResponding:
                pass
    crowded_sim.clear_fault(101)
    time.sleep(0.6)  # the last late answers drain
    for pad in pads:
        got += pad.poll()
    assert [(e.unit, e.rating) for e in got] == [(102, 5)]
    assert bus.stats.timeouts > 0


def test_register_outside_the_map_is_refused_by_the_device(bus):
    with pytest.raises(DeviceReportedError):
        bus.read_registers(3, 100, 2)
    assert bus.stats.exceptions == 1


def test_device_urls_on_one_port_share_one_bus(bus_sim):
    try:
        a = open_bus(f"{bus_sim.url}&unit=3")
        b = open_bus(f"{bus_sim.url}&unit=11")
        assert a is b
        with pytest.raises(BadDeviceUrl):
            open_bus(bus_sim.url.replace("baud=9600", "baud=19200"))
    finally:
        close_shared_buses()


def test_poller_reports_events_and_a_device_that_goes_and_comes_back(bus_sim, bus):
    pad = SatisfactionPad(bus, 11)
    keypad = CallerKeypad(bus, 21)
    health = []
    poller = BusPoller([pad, keypad], on_health=lambda d, s: health.append((d.unit, s)),
                       fail_threshold=2, backoff_max=0.2)
    poller.cycle()  # baseline
    bus_sim.press(11, 4)
    bus_sim.press(21, "call_next")
    assert sorted((e.unit, e.key) for e in poller.cycle()) == [(11, 4), (21, 1)]

    bus_sim.set_fault(21, "unplugged")
    deadline = time.monotonic() + 5
    while poller.state(keypad) != "not_responding" and time.monotonic() < deadline:
        poller.cycle()
    assert poller.state(keypad) == "not_responding"
    assert poller.state(pad) == "online"

    bus_sim.press(21, "recall")
    bus_sim.clear_fault(21)
    got = []
    deadline = time.monotonic() + 5
    while poller.state(keypad) != "online" and time.monotonic() < deadline:
        got += poller.cycle()
        time.sleep(0.02)
    assert [(e.unit, e.key) for e in got] == [(21, 2)]
    assert health == [(11, "online"), (21, "online"), (21, "not_responding"), (21, "online")]


def test_poller_thread_delivers_events(bus_sim, bus):
    keypad = CallerKeypad(bus, 21)
    keypad.poll()
    received = []
    arrived = threading.Event()

    def on_event(event):
        received.append(event)
        arrived.set()

    poller = BusPoller([keypad], on_event=on_event, interval=0.02).start()
    try:
        bus_sim.press(21, "complete")
        assert arrived.wait(5)
    finally:
        poller.stop()
    assert [e.action.value for e in received] == ["complete"]


def test_port_that_disappears_is_reported_and_reopened(bus_sim):
    from drivers import ModbusBus

    bus = ModbusBus("/dev/nonexistent-tty", timeout=0.15)
    with pytest.raises(DeviceNotResponding):
        bus.read_registers(3, 0, 1)
    assert bus.stats.port_errors == 1
    bus.port = bus_sim.pty_path  # adapter plugged back in (at the same name, in real life)
    assert LedDisplay(bus, 3).health().state == "online"
    bus.close()
