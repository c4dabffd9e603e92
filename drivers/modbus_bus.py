"""One Modbus RTU RS-485 bus: owns the serial port, runs one transaction at a time.

    bus = ModbusBus.from_url("serial:///dev/ttyUSB0?baud=9600")   # 9600 8N1 by default
    display = LedDisplay(bus, unit=3)
    pad = SatisfactionPad(bus, unit=11)

Framing and CRC are minimalmodbus's (over pyserial). It reads exactly the expected answer
length, checks CRC, slave address and function code, and keeps the 3.5-character silence
between frames. A frame with a bad CRC, a wrong address or the wrong length is dropped and
counted (`bus.stats`), never interpreted; the transaction is then retried (`retries`, default
1) and, if still unanswered, `DeviceNotResponding` is raised. A device's own exception answer
raises `DeviceReportedError` and is not retried.

Several device drivers share one bus; the bus lock makes every transaction (request + answer)
atomic across threads. After a serial-port error (adapter unplugged) the port is closed and
reopened on the next transaction.

The register map devices answer to is in `drivers/register_map.py` and docs/devices.md.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass

import minimalmodbus
import serial

from .errors import BadDeviceUrl, DeviceNotResponding, DeviceReportedError
from .urls import SerialUrl, parse_device_url

log = logging.getLogger(__name__)

# Longest answer in our register map: the event block, 26 registers = 57 bytes on the wire.
_LONGEST_FRAME_BYTES = 64


@dataclass
class BusStats:
    """Counters since the bus was created. `frames` counts good answers."""

    requests: int = 0  # frames sent (every attempt)
    frames: int = 0  # valid answer frames received
    timeouts: int = 0  # no answer, or an answer cut short
    crc_errors: int = 0  # answer with a bad CRC: dropped
    bad_frames: int = 0  # good CRC but wrong address / function / length: dropped
    exceptions: int = 0  # device answered with a Modbus exception
    retries: int = 0
    port_errors: int = 0  # the serial port itself failed (adapter unplugged)

    def snapshot(self) -> dict[str, int]:
        return asdict(self)


def wire_time(nbytes: int, baudrate: int, bits_per_char: int = 10) -> float:
    """Seconds `nbytes` take on the wire (8N1 = 10 bits per character)."""
    return nbytes * bits_per_char / baudrate


class ModbusBus:
    """The owner of one RS-485 serial port and its transactions."""

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: int = 1,
        timeout: float | None = None,
        retries: int = 1,
    ):
        self.port = port
        self.baudrate = baudrate
        self.bytesize = bytesize
        self.parity = parity
        self.stopbits = stopbits
        # Enough for the longest answer to arrive twice over, plus device turnaround.
        self.timeout = timeout if timeout is not None else 0.1 + 2 * wire_time(
            _LONGEST_FRAME_BYTES, baudrate
        )
        self.retries = retries
        self.stats = BusStats()
        self._lock = threading.Lock()
        self._serial: serial.Serial | None = None
        self._instruments: dict[int, minimalmodbus.Instrument] = {}

    @classmethod
    def from_url(cls, url: str, **kwargs) -> ModbusBus:
        """`serial:///dev/ttyUSB0?baud=9600&parity=N&stopbits=1`; `unit=` is ignored here."""
        spec = parse_device_url(url)
        if not isinstance(spec, SerialUrl):
            raise BadDeviceUrl(f"{url!r}: a Modbus RTU bus needs a serial:// URL")
        return cls(
            spec.path,
            baudrate=spec.baud,
            bytesize=spec.bytesize,
            parity=spec.parity,
            stopbits=spec.stopbits,
            **kwargs,
        )

    # -- register access (one transaction each) -------------------------------------------------

    def read_registers(self, unit: int, address: int, count: int) -> list[int]:
        """FC03: read `count` holding registers."""
        return self._transact(
            unit, f"read {address}+{count}", lambda ins: ins.read_registers(address, count, 3)
        )

    def write_register(self, unit: int, address: int, value: int) -> None:
        """FC06: write one register."""
        self._transact(
            unit,
            f"write {address}={value}",
            lambda ins: ins.write_register(address, value, 0, 6),
        )

    def write_registers(self, unit: int, address: int, values: list[int]) -> None:
        """FC16: write consecutive registers in one frame (the device applies them together)."""
        self._transact(
            unit,
            f"write {address}+{len(values)}",
            lambda ins: ins.write_registers(address, list(values)),
        )

    def close(self) -> None:
        with self._lock:
            self._close_port()

    def __enter__(self) -> ModbusBus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ModbusBus({self.port!r}, baudrate={self.baudrate})"

    # -- internals ------------------------------------------------------------------------------

    def _transact(self, unit: int, what: str, operation):
        with self._lock:
            reason = "no attempt"
            for attempt in range(self.retries + 1):
                if attempt:
                    self.stats.retries += 1
                try:
                    instrument = self._instrument(unit)
                except (serial.SerialException, OSError) as exc:
                    self.stats.port_errors += 1
                    raise DeviceNotResponding(f"bus {self.port}: cannot open port: {exc}") from exc
                self.stats.requests += 1
                try:
                    result = operation(instrument)
                # minimalmodbus errors are OSErrors too: they must be caught before OSError.
                except minimalmodbus.NoResponseError:
                    self.stats.timeouts += 1
                    reason = "no answer"
                except minimalmodbus.InvalidResponseError as exc:
                    reason = self._count_bad_answer(str(exc))
                except minimalmodbus.MasterReportedException as exc:
                    self.stats.bad_frames += 1
                    reason = f"bad frame ({exc})"
                except minimalmodbus.SlaveReportedException as exc:
                    self.stats.exceptions += 1
                    raise DeviceReportedError(f"unit {unit} {what}: {exc}") from exc
                except (serial.SerialException, OSError) as exc:
                    self.stats.port_errors += 1
                    self._close_port()
                    raise DeviceNotResponding(f"bus {self.port}: port error: {exc}") from exc
                else:
                    self.stats.frames += 1
                    return result
                log.debug("unit %s %s attempt %d failed: %s", unit, what, attempt + 1, reason)
            raise DeviceNotResponding(f"unit {unit} on {self.port} {what}: {reason}")

    def _count_bad_answer(self, message: str) -> str:
        if message.startswith("Checksum error"):
            self.stats.crc_errors += 1
            return "bad CRC"
        if message.startswith("Too short"):
            self.stats.timeouts += 1  # the answer stopped before its end
            return "answer cut short"
        self.stats.bad_frames += 1
        return f"bad frame ({message.split('.')[0]})"

    def _instrument(self, unit: int) -> minimalmodbus.Instrument:
        if self._serial is None:
            self._serial = serial.Serial(
                port=self.port,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                timeout=self.timeout,
                write_timeout=max(1.0, self.timeout),
            )
            self._instruments.clear()
            log.info("modbus bus open port=%s baud=%d", self.port, self.baudrate)
        instrument = self._instruments.get(unit)
        if instrument is None:
            instrument = minimalmodbus.Instrument(self._serial, unit)
            instrument.clear_buffers_before_each_transaction = True  # drop late answers
            self._instruments[unit] = instrument
        return instrument

    def _close_port(self) -> None:
        port, self._serial = self._serial, None
        self._instruments.clear()
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                log.debug("error closing %s", self.port, exc_info=True)


_shared: dict[str, ModbusBus] = {}
_shared_lock = threading.Lock()


def open_bus(url: str, **kwargs) -> ModbusBus:
    """The process-wide bus for the port in `url`, created on first use.

    Devices on one RS-485 line must share one bus object (one port owner, one lock); this is
    how drivers built from device URLs (`...?baud=9600&unit=3`) find each other.
    """
    spec = parse_device_url(url)
    if not isinstance(spec, SerialUrl):
        raise BadDeviceUrl(f"{url!r}: a Modbus RTU bus needs a serial:// URL")
    with _shared_lock:
        bus = _shared.get(spec.path)
        if bus is None:
            bus = _shared[spec.path] = ModbusBus.from_url(url, **kwargs)
        elif (bus.baudrate, bus.parity, bus.stopbits, bus.bytesize) != (
            spec.baud,
            spec.parity,
            spec.stopbits,
            spec.bytesize,
        ):
            raise BadDeviceUrl(
                f"{url!r}: port {spec.path} is already open with baud {bus.baudrate} "
                f"{bus.bytesize}{bus.parity}{bus.stopbits}"
            )
        return bus


def close_shared_buses() -> None:
    """Close and forget every bus opened through `open_bus` (tests, shutdown)."""
    with _shared_lock:
        for bus in _shared.values():
            bus.close()
        _shared.clear()
