"""The hub's side of the seam: device reports into the database, domain events into device commands.

One thread takes both from one queue, in order, so neither a request thread (publishing domain
events) nor a device worker (reporting) ever waits for the other's database work.
"""
from __future__ import annotations

import logging
import queue
import threading

from ..outage import is_database_unavailable
from ..queue.uow import DomainEvent
from . import reactions, states
from .directory import Directory
from .keys import KeyHandler

log = logging.getLogger(__name__)


class Bridge:
    def __init__(self, *, db, clock, publish, directory: Directory, keys: KeyHandler, send):
        self.db, self.clock, self.publish = db, clock, publish
        self.directory = directory
        self.keys = keys
        self.send = send  # command dict -> Pending (DeviceManager.submit)
        self._inbox: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._keypad_shown: dict[int, dict] = {}
        self._idle = threading.Event()
        self._idle.set()
        self.outage = None  # server.outage.OutageTracker, set by DeviceService

    # -- inputs (any thread) ----------------------------------------------------------------------
    def on_report(self, report: dict) -> None:
        self._put(("report", report))

    def on_event(self, event: DomainEvent) -> None:
        if event.name.startswith("device.") or event.name.startswith("alert."):
            return  # our own output coming back
        self._put(("event", event))

    def call(self, fn) -> None:
        """Run `fn()` on the bridge thread, in order with the reports and events."""
        self._put(("call", fn))

    def _put(self, item) -> None:
        self._idle.clear()
        self._inbox.put(item)

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="device-bridge", daemon=True)
            self._thread.start()

    @property
    def alive(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._inbox.put(None)
            thread.join(10)

    def wait_idle(self, timeout: float) -> bool:
        """True once everything queued so far has been handled (for the CLI's first device list)."""
        return self._idle.wait(timeout)

    # -- the loop ---------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            item = self._inbox.get()
            if item is None:
                return
            kind, payload = item
            try:
                if kind == "report":
                    self._report(payload)
                elif kind == "event":
                    self._event(payload)
                else:
                    payload()
            except Exception as err:  # noqa: BLE001 - one bad report must not stop the devices
                if self.outage is not None and is_database_unavailable(err):
                    self.outage.refused(err, "device bridge", request=False)  # logged once per outage (server/outage.py)
                else:
                    log.exception("device bridge step failed", extra={"kind": kind})
            if self._inbox.empty():
                self._idle.set()

    def _report(self, report: dict) -> None:
        event = report.get("event")
        if event == "device.state":
            states.apply_state(self.db, self.clock, self.publish, report)
        elif event == "device.key":
            device = self.directory.get(report.get("device"))
            if device is None:
                log.info("key press from an unknown device", extra={"device": report.get("device")})
                return
            self.keys.handle(device, report)
        elif event == "device.seen":
            states.mark_seen(self.db, [int(d) for d in report.get("devices", [])],
                             states.parse_at(report.get("at"), self.clock()))

    def _event(self, event: DomainEvent) -> None:
        for command in reactions.commands_for(event, self.directory):
            self._send(command)
        if reactions.wants_keypad_refresh(event):
            self.refresh_keypads(event.branch_id)

    def refresh_keypads(self, branch_id: int) -> None:
        for command in reactions.keypad_commands(self.db, self.directory, branch_id):
            if self._keypad_shown.get(command["device"]) != command:
                self._keypad_shown[command["device"]] = command
                self._send(command)

    def sync_displays(self, only: set[int] | None = None) -> None:
        """Every display to what its counter is doing now (hub start, device list changed); `only`:
        just these devices (an agent that reconnected: re-syncing every branch per hello would cost
        the square of the number of agents)."""
        if only is None:
            self._keypad_shown.clear()
        for device_id in only or ():
            self._keypad_shown.pop(device_id, None)
        for command in reactions.startup_commands(self.db, self.directory, only):
            self._send(command)
        for branch_id in {d.branch_id for d in self.directory.all() if only is None or d.id in only}:
            self.refresh_keypads(branch_id)

    def _send(self, command: dict) -> None:
        pending = self.send(command)

        def done(result: dict) -> None:
            if not result.get("ok"):
                log.info("device command not done", extra={"op": command.get("op"), "device": command.get("device"),
                                                           "error": result.get("error")})
        pending.add_done_callback(done)
