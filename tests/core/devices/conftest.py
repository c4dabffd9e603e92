"""A hub with the device layer running against simulators: the demo devices of `make run`
(printer-1 on sim://printer/1 for the demo kiosk; LED display + pad per counter and keypad-1 on
sim://bus/1), with a 0.2 s health poll so faults show within a second. Real drivers, real
sockets and ptys; nothing mocked."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.app import create_app
from server.devices.demo_devices import ensure_demo_devices
from server.models import Device
from server.settings import Settings
from tests.core.devices.device_helpers import HubDevices


def device_settings(database_url: str, **overrides) -> Settings:
    values = dict(database_url=database_url, alert_interval_s=0, secret_key="test", simulate_devices=True,
                  device_poll_interval_s=0.2, device_key_poll_s=0.05, device_backoff_max_s=1.0,
                  device_print_timeout_s=3.0, public_base_url="https://queue.example.test")
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def extra_devices():
    """Devices a test adds to the database before the device layer starts (same shape as demo_devices)."""
    return []


@pytest.fixture
def app(database_url, extra_devices):
    application = create_app(device_settings(database_url))
    hub = application.extensions["counterflow"]
    ensure_demo_devices(hub.db)
    for spec in extra_devices:
        hub.devices.registry.add("demo", **spec)
    hub.devices.start()
    # Generous: settled is usually well under a second, but a loaded 2-core machine once took over 10 s.
    if not hub.devices.wait_settled(30.0):
        with hub.db.read() as session:
            silent = session.execute(select(Device.name, Device.url).where(Device.enabled.is_(True),
                                                                          Device.state == "unknown")).all()
        pytest.fail(f"the simulated devices did not report within 30 s: still unknown {silent}")
    yield application
    hub.devices.stop()
    hub.db.dispose()


@pytest.fixture
def devices(hub, signed_in):
    return HubDevices(hub, signed_in("admin"))
