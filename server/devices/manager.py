"""The device manager: a command queue in, reports out, one worker thread per printer and per bus.

    manager = DeviceManager(report=outbox.put, timing=Timing(), resolve_url=pool.resolve)
    manager.start()
    manager.submit({"op": "configure", "devices": [config.as_dict(), ...]})
    result = manager.submit({"op": "print_ticket", "device": 3, "ticket": {...}}).wait(3.0)

It knows nothing of the database, the queue engine or Flask: the hub (server/devices/bridge.py)
turns its reports into database rows and events, and domain events into its commands. The same
class can run in a `counterflow agent` process on a branch PC, fed over a socket.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from drivers import BadDeviceUrl
from drivers.urls import SerialUrl, parse_device_url

from .bus_worker import BusWorker
from .printer_worker import PrinterWorker
from .protocol import BUS_KINDS, DeviceConfig, Pending, Reporter, now_iso, reply
from .worker import Timing, Worker

log = logging.getLogger(__name__)

# (config) -> the real URL to open; raises ValueError when it cannot (e.g. sim:// with no simulator).
UrlResolver = Callable[[DeviceConfig], str]


def bus_url_of(spec: SerialUrl) -> str:
    """The bus part of a device URL: the same port and line settings, without the unit."""
    return (f"serial://{spec.path}?baud={spec.baud}&bytesize={spec.bytesize}&parity={spec.parity}"
            f"&stopbits={spec.stopbits}")


class DeviceManager:
    def __init__(self, report: Reporter, *, timing: Timing | None = None, resolve_url: UrlResolver | None = None):
        self._report = report
        self.timing = timing or Timing()
        self.resolve_url = resolve_url or (lambda config: config.url)
        self._inbox: queue.Queue[tuple[dict, Pending] | None] = queue.Queue()
        self._workers: dict[tuple, tuple[tuple, Worker]] = {}  # key -> (signature, worker)
        self._route: dict[int, Worker] = {}
        self._unusable: dict[int, str] = {}  # device id -> why it has no worker (disabled, bad URL)
        self._thread: threading.Thread | None = None

    # -- the seam ---------------------------------------------------------------------------------
    def submit(self, command: dict) -> Pending:
        pending = Pending()
        if self._thread is None:
            pending.resolve(reply(False, "device manager not running"))
        else:
            self._inbox.put((command, pending))
        return pending

    def report(self, report: dict) -> None:
        try:
            self._report(report)
        except Exception:  # noqa: BLE001 - a failing listener must not stop a worker
            log.exception("device report listener failed", extra={"event": report.get("event")})

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> "DeviceManager":
        if self._thread is None:
            self._thread = threading.Thread(target=self._dispatch, name="device-manager", daemon=True)
            self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        """The dispatch thread runs (the hub's /readyz asks)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._inbox.put(None)
            thread.join(10)
        for _, worker in self._workers.values():
            worker.stop()
        self._workers.clear()
        self._route.clear()

    # -- dispatch ---------------------------------------------------------------------------------
    def _dispatch(self) -> None:
        while True:
            item = self._inbox.get()
            if item is None:
                return
            command, pending = item
            try:
                if command.get("op") == "configure":
                    self._configure([DeviceConfig.from_dict(d) for d in command.get("devices", [])])
                    pending.resolve(reply(True))
                    continue
                device_id = command.get("device")
                worker = self._route.get(device_id)
                if worker is None:
                    why = self._unusable.get(device_id, "unknown device")
                    pending.resolve(reply(False, why, state="disabled" if why == "disabled" else None))
                else:
                    worker.submit(command, pending)
            except Exception as exc:  # noqa: BLE001 - keep dispatching
                log.exception("device manager command failed", extra={"op": command.get("op")})
                pending.resolve(reply(False, f"internal error: {exc}"))

    def _configure(self, configs: list[DeviceConfig]) -> None:
        """Bring the workers in line with `configs`: start what is new, restart what changed."""
        wanted: dict[tuple, tuple[tuple, Callable[[], Worker], list[int]]] = {}
        buses: dict[str, list[tuple[DeviceConfig, int]]] = {}
        unusable: dict[int, str] = {}
        for config in configs:
            if not config.enabled:
                unusable[config.id] = "disabled"
                continue
            try:
                url = self.resolve_url(config)
                spec = parse_device_url(url)
            except (BadDeviceUrl, ValueError) as exc:
                unusable[config.id] = f"bad device URL: {exc}"
                continue
            if config.kind == "printer":
                signature = (config, url)
                wanted[("printer", config.id)] = (
                    signature, lambda c=config, u=url: PrinterWorker(c, u, self.report, self.timing), [config.id])
            elif config.kind in BUS_KINDS:
                if not isinstance(spec, SerialUrl) or spec.unit is None:
                    unusable[config.id] = "bad device URL: a display, pad or keypad needs serial://PORT?unit=N"
                    continue
                buses.setdefault(bus_url_of(spec), []).append((config, spec.unit))
            else:
                unusable[config.id] = f"unknown device kind {config.kind!r}"
        for bus_url, members in buses.items():
            members.sort(key=lambda m: m[0].id)
            signature = (bus_url, tuple(members))
            wanted[("bus", bus_url)] = (
                signature, lambda b=bus_url, m=members: BusWorker(b, m, self.report, self.timing),
                [c.id for c, _ in members])

        for key in list(self._workers):
            signature, worker = self._workers[key]
            if key in wanted and wanted[key][0] != signature and key[0] == "bus":
                # Same port, other members: the running worker takes the new list in its own thread
                # (in order with its commands), keeping the devices that did not change as they are.
                new_signature = wanted[key][0]
                worker.submit({"op": "set_members", "members": list(new_signature[1])}, Pending())
                self._workers[key] = (new_signature, worker)
            elif key not in wanted or wanted[key][0] != signature:
                worker.stop()
                del self._workers[key]
        route: dict[int, Worker] = {}
        for key, (signature, make, device_ids) in wanted.items():
            if key not in self._workers:
                self._workers[key] = (signature, make().start())
            for device_id in device_ids:
                route[device_id] = self._workers[key][1]
        self._route = route
        for device_id, why in unusable.items():
            if self._unusable.get(device_id) != why:
                state = "disabled" if why == "disabled" else "not_responding"
                self.report({"event": "device.state", "device": device_id, "state": state, "detail": why,
                             "flags": [], "info": {}, "at": now_iso()})
        self._unusable = unusable
        log.info("device manager configured", extra={"workers": len(self._workers), "devices": len(route)})
