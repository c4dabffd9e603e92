"""The thread every device worker runs: commands from its queue first, a periodic tick between.

One worker owns its hardware (a printer, or a whole RS-485 bus), so nothing else ever talks to
that port and no lock is shared with the rest of the hub. Commands jump the tick, so a ticket is
printed without waiting for a health poll; a flood of commands still leaves room for the tick.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

from drivers import DriverError

from .protocol import Pending, Reporter, now_iso, reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timing:
    health_interval: float = 3.0  # health poll of every device
    key_poll_interval: float = 0.1  # pads and keypads: how soon a press is seen
    backoff_max: float = 10.0  # longest wait between tries of a dead device
    printer_fail_threshold: int = 2
    bus_fail_threshold: int = 3
    printer_timeout: float = 2.0  # connect / write
    printer_status_timeout: float = 0.5  # DLE EOT answer
    bus_timeout: float | None = None  # None: the driver's default for 9600 baud
    seen_every: float = 30.0  # heartbeat for last_seen_at


class Worker:
    tick_interval = 1.0

    def __init__(self, name: str, report: Reporter, timing: Timing):
        self.name = name
        self.report = report
        self.timing = timing
        self.inbox: queue.Queue[tuple[dict, Pending] | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"device-{name}", daemon=True)
        self._last_seen_report = time.monotonic()

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> "Worker":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self.inbox.put(None)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def submit(self, command: dict, pending: Pending) -> None:
        self.inbox.put((command, pending))

    # -- subclass hooks ---------------------------------------------------------------------------
    def setup(self) -> None: ...

    def teardown(self) -> None: ...

    def tick(self) -> None: ...

    def handle(self, command: dict) -> dict:
        return reply(False, f"unknown command {command.get('op')!r}")

    def seen_devices(self) -> list[int]:
        return []

    # -- the loop ---------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self.setup()
        except Exception:  # noqa: BLE001 - a worker that cannot start must still answer its commands
            log.exception("device worker setup failed", extra={"worker": self.name})
        next_tick = 0.0
        while not self._stopping.is_set():
            wait = max(0.0, next_tick - time.monotonic())
            try:
                item = self.inbox.get(timeout=wait) if wait else self.inbox.get_nowait()
            except queue.Empty:
                item = None
            if item is not None:
                self._execute(*item)
            if self._stopping.is_set():
                break
            if time.monotonic() >= next_tick:
                self._safe(self.tick)
                self._heartbeat()
                next_tick = time.monotonic() + self.tick_interval
        self._safe(self.teardown)
        self._drain()

    def run_waiting_commands(self) -> None:
        """Run the commands queued meanwhile (a long tick calls this between devices)."""
        while not self._stopping.is_set():
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if item is None:
                return
            self._execute(*item)

    def _execute(self, command: dict, pending: Pending) -> None:
        deadline = command.get("deadline")
        if deadline is not None and time.time() > float(deadline):
            pending.resolve(reply(False, "expired"))  # the sender gave up; doing it now would surprise
            return
        try:
            result = self.handle(command)
        except DriverError as exc:
            result = reply(False, str(exc))
        except Exception as exc:  # noqa: BLE001 - the sender gets an answer; the trace goes to the log
            log.exception("device command failed", extra={"worker": self.name, "op": command.get("op")})
            result = reply(False, f"internal error: {exc}")
        pending.resolve(result)

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if now - self._last_seen_report < self.timing.seen_every:
            return
        self._last_seen_report = now
        devices = self.seen_devices()
        if devices:
            self.report({"event": "device.seen", "devices": devices, "at": now_iso()})

    def _drain(self) -> None:
        while True:
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                item[1].resolve(reply(False, "device manager stopped"))

    def _safe(self, fn) -> None:
        try:
            fn()
        except Exception:  # noqa: BLE001 - one bad poll must not end the worker
            log.exception("device worker step failed", extra={"worker": self.name})
