"""Base class of the devices on a Modbus bus: unit id, identity and health.

`health()` reads the common block (DEVICE_TYPE .. MAP_VERSION) in one transaction. A device that
does not answer is "not_responding"; one that answers but reports a hardware fault, or is of the
wrong type for this driver (a misconfigured unit id), is "fault"; otherwise "online".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from . import register_map as rm
from .errors import BadDeviceUrl, DeviceNotResponding, DeviceReportedError
from .modbus_bus import ModbusBus, open_bus
from .urls import SerialUrl, parse_device_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceHealth:
    """state: online | fault | not_responding. `restarted` is True the first time a new BOOT_ID
    is seen (the device lost what it was showing; the caller should send it again)."""

    state: str
    unit: int
    device_type: int | None = None
    firmware: str | None = None
    status_word: int | None = None
    boot_id: int | None = None
    restarted: bool = False
    detail: str = ""


class ModbusDevice:
    device_type: rm.DeviceType  # set by subclasses
    kind = "device"

    def __init__(self, bus: ModbusBus, unit: int):
        if not 1 <= unit <= 247:
            raise ValueError(f"Modbus unit id must be 1..247, not {unit}")
        self.bus = bus
        self.unit = unit
        self._boot_seen: int | None = None

    @classmethod
    def from_url(cls, url: str, **bus_kwargs):
        """`serial:///dev/ttyUSB0?baud=9600&unit=3`: the shared bus for that port + this unit."""
        spec = parse_device_url(url)
        if not isinstance(spec, SerialUrl) or spec.unit is None:
            raise BadDeviceUrl(f"{url!r}: expected serial://PORT?baud=N&unit=ID")
        return cls(open_bus(url, **bus_kwargs), spec.unit)

    def health(self) -> DeviceHealth:
        try:
            regs = self.bus.read_registers(self.unit, rm.COMMON_BASE, rm.COMMON_COUNT)
        except DeviceNotResponding as exc:
            return DeviceHealth("not_responding", self.unit, detail=str(exc))
        except DeviceReportedError as exc:
            return DeviceHealth("fault", self.unit, detail=f"identity block refused: {exc}")
        dtype, firmware, status, boot, _version = regs
        restarted = self._boot_seen is not None and boot != self._boot_seen
        self._boot_seen = boot
        fw = f"{firmware >> 8}.{firmware & 0xFF}"
        if dtype != self.device_type:
            state, detail = "fault", f"wrong device type {dtype}, expected {int(self.device_type)}"
        elif status & rm.STATUS_HW_FAULT:
            state, detail = "fault", "device reports a hardware fault"
        elif not status & rm.STATUS_READY:
            state, detail = "fault", "device not ready"
        else:
            state, detail = "online", "ok"
        if restarted:
            log.info("%s unit %d restarted (boot id %d)", self.kind, self.unit, boot)
        return DeviceHealth(state, self.unit, dtype, fw, status, boot, restarted, detail)

    def ping(self) -> bool:
        """True when the device answers as the expected, healthy device type."""
        return self.health().state == "online"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(unit={self.unit}, bus={self.bus.port!r})"
