"""The device manager on its own (no database, no Flask): real drivers against the simulators."""
from __future__ import annotations

import queue
import time

import pytest

from hardware_sim.modbus_bus import ModbusBusSimulator
from hardware_sim.printer import PrinterSimulator
from server.devices.manager import DeviceManager
from server.devices.protocol import DeviceConfig
from server.devices.worker import Timing

FAST = Timing(health_interval=0.1, key_poll_interval=0.03, backoff_max=0.5, seen_every=0.3)


class Reports:
    """What the manager reported, with waits bounded by deadlines."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue()
        self.seen: list[dict] = []

    def put(self, report: dict) -> None:
        self.queue.put(report)

    def _pull(self, timeout: float) -> dict | None:
        try:
            report = self.queue.get(timeout=timeout)
        except queue.Empty:
            return None
        self.seen.append(report)
        return report

    def wait_for(self, match, timeout: float = 5.0) -> dict:
        for report in self.seen:
            if match(report):
                return report
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            report = self._pull(left)
            if report is not None and match(report):
                return report
        raise AssertionError(f"no matching report within {timeout} s; seen {self.seen[-10:]}")

    def state(self, device_id: int, state: str, timeout: float = 5.0) -> dict:
        """The first state report of `device_id` = `state` not yet consumed."""
        def match(r):
            return r.get("event") == "device.state" and r["device"] == device_id and r["state"] == state
        found = self.wait_for(match, timeout)
        self.seen.remove(found)
        return found

    def drain(self, duration: float) -> list[dict]:
        deadline = time.monotonic() + duration
        while (left := deadline - time.monotonic()) > 0:
            self._pull(left)
        return self.seen

    def keys(self) -> list[dict]:
        return [r for r in self.seen if r.get("event") == "device.key"]


@pytest.fixture
def reports():
    return Reports()


@pytest.fixture
def manager(reports):
    made = DeviceManager(reports.put, timing=FAST).start()
    yield made
    made.stop()


@pytest.fixture
def printer_sim():
    with PrinterSimulator() as sim:
        yield sim


@pytest.fixture
def bus_sim():
    sim = ModbusBusSimulator(seed=3)
    sim.add_device("led_display", 1)
    sim.add_device("pad", 11)
    sim.add_device("keypad", 21)
    with sim:
        yield sim


def configure(manager, *configs: DeviceConfig) -> None:
    result = manager.submit({"op": "configure", "devices": [c.as_dict() for c in configs]}).wait(5)
    assert result and result["ok"], result
