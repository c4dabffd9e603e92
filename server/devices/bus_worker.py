"""One RS-485 Modbus bus: the LED displays, pads and keypads on it, polled in turn by one thread.

Each tick polls every pad and keypad for key presses (the drivers number events, so a retried or
repeated poll never reports a press twice, and a frame that fails its CRC is dropped by the bus,
never read as a key). Every `health_interval` each device's identity/status block is read.
What a display should show is remembered and sent again when the device comes back or restarts
(it lost its registers), so a display never stays blank after a power cut.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from drivers import CallerKeypad, DeviceReportedError, DriverError, LedDisplay, ModbusBus, SatisfactionPad
from drivers import register_map as rm

from .health import HealthTracker, Observation
from .protocol import DeviceConfig, Reporter, now_iso, reply
from .worker import Timing, Worker

log = logging.getLogger(__name__)

DRIVERS = {"led": LedDisplay, "pad": SatisfactionPad, "keypad": CallerKeypad}


@dataclass
class BusDevice:
    config: DeviceConfig
    unit: int
    driver: object
    tracker: HealthTracker
    desired: dict = field(default_factory=dict)  # what it should show, replayed after a restart
    refused: int = 0  # commands the device answered with a Modbus exception

    @property
    def polled(self) -> bool:
        return self.config.kind in ("pad", "keypad")


def condition_flags(health, expected_type: int) -> tuple[str, ...]:
    """What a bus device's fault is, as a code screens put in words (never the driver's sentence);
    the same order of checks as the driver's health()."""
    if health.state != "fault":
        return ()
    if health.status_word is None:
        return ("modbus_exception",)  # it answered the identity read with an exception
    if health.device_type != expected_type:
        return ("wrong_device_type",)
    if health.status_word & rm.STATUS_HW_FAULT:
        return ("fault_bit",)
    return ("not_ready",)


class BusWorker(Worker):
    def __init__(self, bus_url: str, devices: list[tuple[DeviceConfig, int]], report: Reporter, timing: Timing):
        super().__init__(f"bus:{bus_url}", report, timing)
        self.bus_url = bus_url
        self.tick_interval = timing.key_poll_interval
        self.bus: ModbusBus | None = None
        self._specs = devices
        self.devices: dict[int, BusDevice] = {}
        self._next_health = 0.0

    def setup(self) -> None:
        kwargs = {"retries": 1}
        if self.timing.bus_timeout is not None:
            kwargs["timeout"] = self.timing.bus_timeout
        self.bus = ModbusBus.from_url(self.bus_url, **kwargs)
        self._set_members(self._specs)

    def _set_members(self, specs: list[tuple[DeviceConfig, int]]) -> None:
        """Bring the devices on this bus in line with `specs`. A device at the same unit, of the same kind,
        keeps its driver (the last key event handled, the pad's prompt tokens), its health and what
        it shows: adding or changing one device never disturbs the others."""
        kept: dict[int, BusDevice] = {}
        for config, unit in specs:
            old = self.devices.get(config.id)
            if old is not None and (old.config.kind, old.unit) == (config.kind, unit):
                old.config = config  # a new name or setting: the same device on the wire
                kept[config.id] = old
                continue
            tracker = HealthTracker(fail_threshold=self.timing.bus_fail_threshold,
                                    base_delay=self.timing.health_interval, backoff_max=self.timing.backoff_max)
            kept[config.id] = BusDevice(config, unit, DRIVERS[config.kind](self.bus, unit), tracker)
        self.devices = kept
        self._specs = list(specs)

    def teardown(self) -> None:
        if self.bus is not None:
            self.bus.close()

    def seen_devices(self) -> list[int]:
        now = time.monotonic()
        return [d.config.id for d in self.devices.values()
                if d.tracker.last_seen and now - d.tracker.last_seen < self.timing.seen_every]

    # -- polling ----------------------------------------------------------------------------------
    def tick(self) -> None:
        now = time.monotonic()
        # A display command waits for one transaction, not for a whole pass over the bus.
        for device in self.devices.values():
            if device.polled and device.tracker.due(now):
                self._poll_keys(device)
                self.run_waiting_commands()
        if now >= self._next_health:
            self._next_health = now + self.timing.health_interval
            for device in self.devices.values():
                if device.tracker.due():
                    self._check_health(device)
                    self.run_waiting_commands()

    def _poll_keys(self, device: BusDevice) -> None:
        try:
            events = device.driver.poll()
        except DeviceReportedError:
            # It answered, refusing the event block: not a pad/keypad at this unit. Health says what
            # it is (a fault); ask again only at the health pace.
            self._check_health(device)
            device.tracker.next_try = time.monotonic() + self.timing.health_interval
            return
        except DriverError as exc:
            self._missed(device, exc)
            return
        if device.tracker.state in ("unknown", "not_responding"):
            self._check_health(device)  # back: learn its real state (and replay what it showed)
        else:
            device.tracker.alive()
        for event in events:
            self.report({"event": "device.key", "device": device.config.id, "kind": event.kind, "key": event.key,
                         "seq": event.seq, "action": str(event.action) if event.action else None,
                         "ticket": event.ticket, "at": now_iso()})

    def _check_health(self, device: BusDevice):
        health = device.driver.health()
        if health.state == "not_responding":
            self._missed(device, health.detail)
            return health
        was_away = device.tracker.state in ("unknown", "not_responding")
        info = {"firmware": health.firmware, "unit": device.unit}
        changed = device.tracker.answered(Observation(health.state, health.detail, condition_flags(health, int(device.driver.device_type)),
                                                    info))
        if health.restarted or was_away:
            self._replay(device, "restarted" if health.restarted else "back")
        if changed:
            self._report_state(device)
        return health

    def _missed(self, device: BusDevice, why) -> None:
        if device.tracker.missed(str(why), ("no_answer",)):
            self._report_state(device)

    def _report_state(self, device: BusDevice) -> None:
        current = device.tracker.current
        self.report({"event": "device.state", "device": device.config.id, "state": current.state,
                     "detail": current.detail, "flags": list(current.flags), "info": current.info, "at": now_iso()})

    def _replay(self, device: BusDevice, why: str) -> None:
        want = device.desired
        if not want:
            return
        try:
            if device.config.kind == "led":
                if want.get("ticket"):
                    device.driver.show(want["ticket"], want.get("counter"), blink=0)
                if want.get("mode") == "paused":
                    device.driver.pause()
                elif want.get("mode") == "blank":
                    device.driver.blank()
            elif device.config.kind == "keypad":
                device.driver.show(want.get("current"), want.get("waiting", 0), want.get("counter"))
            log.log(logging.INFO if why == "restarted" else logging.DEBUG, "device shows again what it lost",
                    extra={"device": device.config.name, "why": why})
        except DriverError as exc:
            log.info("could not restore a device's display", extra={"device": device.config.name, "error": str(exc)})

    # -- commands ---------------------------------------------------------------------------------
    def handle(self, command: dict) -> dict:
        if command.get("op") == "set_members":
            self._set_members(command["members"])
            return reply(True)
        device = self.devices.get(command.get("device"))
        if device is None:
            return reply(False, "device is not on this bus")
        op = command.get("op")
        if op == "self_test":  # this check's own answer, even before it changes the reported state
            health = self._check_health(device)
            ok = health.state == "online"
            flags = ["no_answer"] if health.state == "not_responding" else list(
                condition_flags(health, int(device.driver.device_type)))
            return reply(ok, None if ok else f"{health.state}: {health.detail}", state=health.state,
                         detail=health.detail, flags=flags)
        try:
            if op == "led" and device.config.kind == "led":
                self._led(device, command)
            elif op == "pad_prompt" and device.config.kind == "pad":
                device.driver.prompt(str(command.get("ticket") or ""))
            elif op == "keypad_show" and device.config.kind == "keypad":
                device.desired = {"current": command.get("current"), "waiting": int(command.get("waiting") or 0),
                                  "counter": command.get("counter")}
                device.driver.show(command.get("current"), int(command.get("waiting") or 0), command.get("counter"))
            else:
                return super().handle(command)
        except DeviceReportedError as exc:
            # It answered, refusing the command (a Modbus exception): the device is there, so this is
            # an error to surface, never a missed answer that would declare it not_responding.
            device.tracker.alive()
            device.refused += 1
            log.warning("device refused a command", extra={"device": device.config.name, "op": op,
                                                           "error": str(exc), "refused": device.refused})
            return reply(False, f"the device refused the command: {exc}", state=device.tracker.state,
                         refused=device.refused)
        except DriverError as exc:
            self._missed(device, exc)
            return reply(False, str(exc), state=device.tracker.state)
        if device.tracker.state in ("unknown", "not_responding"):
            self._check_health(device)
        else:
            device.tracker.alive()
        return reply(True, state=device.tracker.state)

    @staticmethod
    def _led(device: BusDevice, command: dict) -> None:
        action, want, led = command.get("action"), device.desired, device.driver
        if action == "show":
            want.update(ticket=command.get("ticket"), counter=command.get("counter"), mode="normal")
            led.show(str(command.get("ticket") or ""), command.get("counter"), blink=int(command.get("blink", 3)))
        elif action == "pause":
            want["mode"] = "paused"
            led.pause()
        elif action == "resume":
            want["mode"] = "normal"
            led.resume()
        elif action == "blank":  # no customer: the last number is forgotten, not shown again on resume
            want.pop("ticket", None)
            want["mode"] = "blank"
            led.blank()
        elif action == "ready":  # the customer left: blank, but a paused counter keeps 暫停服務
            want.pop("ticket", None)
            if want.get("mode") != "paused":
                want["mode"] = "blank"
                led.blank()
        else:
            raise ValueError(f"unknown LED action {action!r}")
