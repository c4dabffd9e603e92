"""A device added or changed from the CLI (another process, no event bus in common) reaches the running
hub's device manager through the event log's delivery, not only at the hub's next start."""
from __future__ import annotations

import time

from sqlalchemy import select

from hardware_sim.printer import PrinterSimulator
from server import cli
from server.models import Device


def _state(hub, name: str) -> str | None:
    with hub.db.read() as session:
        return session.execute(select(Device.state).where(Device.name == name)).scalar_one_or_none()


def _wait_state(hub, name: str, wanted: str, timeout: float = 5.0) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hub.realtime.delivery.deliver_pending()  # what the hub's delivery loop does at each poll
        if _state(hub, name) == wanted:
            return wanted
        time.sleep(0.1)
    return _state(hub, name)


def test_a_printer_added_and_removed_from_the_cli_reaches_the_running_device_manager(hub, database_url, monkeypatch,
                                                                                   capsys):
    monkeypatch.setenv("COUNTERFLOW_DATABASE_URL", database_url)
    with PrinterSimulator() as sim:
        assert cli.main(["devices", "add", "--branch", "demo", "--kind", "printer", "--name", "cli-printer",
                         "--url", sim.url]) == 0
        assert _wait_state(hub, "cli-printer", "online") == "online"
        sim.set_fault("cover_open")
        assert _wait_state(hub, "cli-printer", "fault") == "fault"  # the manager polls it: it is configured
    assert cli.main(["devices", "remove", "cli-printer", "--branch", "demo"]) == 0
    hub.realtime.delivery.deliver_pending()  # the device layer reloads on its own thread (DeviceService.on_logged)
    deadline = time.monotonic() + 5.0
    while "cli-printer" in {d["name"] for d in hub.devices.directory.configs()} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "cli-printer" not in {d["name"] for d in hub.devices.directory.configs()}
