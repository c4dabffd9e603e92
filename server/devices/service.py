"""DeviceService: the hub's device layer in one object (hub.devices), started with the hub's threads.

Built by create_app without starting anything, so tests and CLI commands that never touch a
device pay nothing. `start()` brings up the simulators (settings.simulate_devices), the device
manager, the bridge, the print hook, and sends the manager the device list from the database.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import select, update

from ..models import Device
from .agent_hub import AgentHub, agent_of
from .bridge import Bridge
from .directory import Directory
from .faults import FaultBook
from .keys import KeyHandler
from .manager import DeviceManager
from .opening import OpeningDesk
from .printing import TicketPrinting
from .protocol import DeviceConfig, Pending, reply
from .registry import DeviceRegistry
from .worker import Timing

log = logging.getLogger(__name__)

DEVICE_TABLE_EVENTS = ("device.added", "device.updated", "device.removed")


def _no_simulators(config: DeviceConfig) -> str:
    if config.url.startswith("sim:"):
        raise ValueError(f"{config.url} is a simulated device: start the hub with --simulate-devices")
    return config.url


class DeviceService:
    def __init__(self, hub):
        self.hub = hub
        self.settings = hub.settings
        db, publish = hub.db, hub.bus.publish
        self.directory = Directory()
        self.faults = FaultBook(db, self.clock, publish)
        self.registry = DeviceRegistry(db, self.clock, publish,
                                       allow_local=self.settings.demo or self.settings.simulate_devices)
        self.keys = KeyHandler(db, hub.engine)
        self.opening = OpeningDesk(db=db, clock=self.clock, publish=publish, send=self.send, faults=self.faults)
        self.sims = None  # sim_pool.SimulatorPool with settings.simulate_devices
        self.manager: DeviceManager | None = None
        self.bridge: Bridge | None = None
        self.printing: TicketPrinting | None = None
        self.agents = AgentHub(self)  # devices driven by a branch agent (agent_hub.py); install() adds its socket

    def clock(self):
        return self.hub.engine.clock()  # late-bound: tests may give the engine a fake clock

    @property
    def running(self) -> bool:
        return self.manager is not None

    def timing(self) -> Timing:
        s = self.settings
        return Timing(health_interval=s.device_poll_interval_s, key_poll_interval=s.device_key_poll_s,
                      backoff_max=s.device_backoff_max_s)

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        if self.running or not self.settings.device_manager:
            return
        hub = self.hub
        if self.settings.simulate_devices:
            from .sim_pool import SimulatorPool  # the simulators load only when asked for

            self.sims = SimulatorPool()
        self.bridge = Bridge(db=hub.db, clock=self.clock, publish=hub.bus.publish, directory=self.directory,
                             keys=self.keys, send=self.send)
        self.bridge.outage = getattr(hub, "outage", None)
        self.manager = DeviceManager(self.bridge.on_report, timing=self.timing(),
                                     resolve_url=self.sims.resolve if self.sims else _no_simulators)
        self.bridge.start()
        self.manager.start()
        hub.bus.subscribe(self.bridge.on_event)
        self.printing = TicketPrinting(directory=self.directory, send=self.send, engine=hub.engine,
                                       settings=self.settings)
        hub.ticket_hooks.append(self.printing)
        with hub.db.write() as session:
            # A state from before this start says nothing now; every device reports afresh.
            session.execute(update(Device).values(state="unknown"))
        self.reload()
        self.agents.start()
        log.info("device layer started", extra={"devices": len(self.directory.all()),
                                                "simulated": self.sims is not None})

    def stop(self) -> None:
        if not self.running:
            return
        hub = self.hub
        if self.printing in hub.ticket_hooks:
            hub.ticket_hooks.remove(self.printing)
        try:
            hub.bus.unsubscribe(self.bridge.on_event)
        except ValueError:
            pass
        self.agents.stop()
        manager, self.manager = self.manager, None
        manager.stop()
        self.bridge.stop()
        if self.sims is not None:
            self.sims.stop()
            self.sims = None

    # -- the seam ---------------------------------------------------------------------------------
    def send(self, command: dict) -> Pending:
        """One command to the device manager, or to the branch agent driving its device; the reply
        comes in the Pending."""
        agent = agent_of(self.directory.get(command.get("device")))
        if agent is not None and self.running:
            return self.agents.submit(agent, command)
        manager = self.manager
        if manager is None:
            pending = Pending()
            pending.resolve(reply(False, "device manager not running"))
            return pending
        return manager.submit(command)

    def on_logged(self, events) -> None:
        """Committed events from the event log (any process): a change of the device table made
        elsewhere, e.g. `counterflow devices add`, reaches the manager and the agents within a poll."""
        if self.running and any(e.name in DEVICE_TABLE_EVENTS for e in events):
            self.bridge.call(self.reload)

    def reload(self) -> None:
        """Re-read the device table and hand it to the manager (after any device change)."""
        if not self.running:
            return
        self.directory.load(self.hub.db)
        in_hub = [d.config().as_dict() for d in self.directory.all() if agent_of(d) is None]
        self.send({"op": "configure", "devices": in_hub})
        self.agents.reconfigure()
        self.bridge.call(self.bridge.sync_displays)

    def wait_settled(self, timeout: float) -> bool:
        """Wait until every enabled device has reported a state (the CLI's first device list)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.hub.db.read() as session:
                unknown = session.execute(select(Device.id).where(Device.enabled.is_(True),
                                                                  Device.state == "unknown")).first()
            if unknown is None and (self.bridge is None or self.bridge.wait_idle(0)):
                return True
            time.sleep(0.1)
        return False
