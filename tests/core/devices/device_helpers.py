"""Helpers for the hub device tests: deadlines instead of sleeps, and the simulators by device name."""
from __future__ import annotations

import time

DEADLINE_S = 5.0


def eventually(probe, timeout: float = DEADLINE_S, interval: float = 0.05, what: str = "condition"):
    """Call `probe()` until it returns something truthy; fail after `timeout` s with its last value."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s; last value: {last!r}")
        time.sleep(interval)


def never(probe, duration: float, interval: float = 0.05, what: str = "condition") -> None:
    """`probe()` stays falsy for `duration` s."""
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        value = probe()
        assert not value, f"{what} happened: {value!r}"
        time.sleep(interval)


class HubDevices:
    """The running hub's devices as an admin sees them through the API, and its simulators."""

    def __init__(self, hub, admin):
        self.hub = hub
        self.admin = admin

    @property
    def sims(self):
        return self.hub.devices.sims

    def printer_sim(self, number: int = 1):
        return self.sims.printer(number)

    def bus_sim(self, number: int = 1):
        return self.sims.bus(number)

    def list(self) -> dict[str, dict]:
        response = self.admin.get("/api/v1/devices?branch=demo")
        assert response.status_code == 200, response.get_json()
        return {d["name"]: d for d in response.get_json()["devices"]}

    def state(self, name: str) -> str:
        return self.list()[name]["state"]

    def wait_state(self, name: str, state: str, timeout: float = DEADLINE_S) -> dict:
        return eventually(lambda: self.list()[name] if self.list()[name]["state"] == state else None, timeout,
                          what=f"{name} {state}")

    def faults(self, open_only: bool = True) -> list[dict]:
        response = self.admin.get(f"/api/v1/faults?branch=demo{'&open=1' if open_only else ''}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["faults"]

    def open_fault(self, device: str, code: str | None = None) -> dict | None:
        return next((f for f in self.faults() if f["device"] == device and (code is None or f["code"] == code)), None)

    def alerts(self, include_cleared: bool = False) -> list[dict]:
        response = self.admin.get(f"/api/v1/branches/demo/alerts{'?all=1' if include_cleared else ''}")
        return [a for a in response.get_json()["alerts"] if a["kind"] == "device_fault"]

    def printer_fault(self, fault: str, on: bool = True, number: int = 1):
        response = self.admin.post(f"/api/v1/sim/printer/{number}/fault", json={"fault": fault, "on": on})
        assert response.status_code == 200, response.get_json()

    def press(self, unit: int, key, number: int = 1) -> int:
        response = self.admin.post(f"/api/v1/sim/bus/{number}/press", json={"unit": unit, "key": key})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["seq"]
