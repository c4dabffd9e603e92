"""A Modbus RTU RS-485 bus on a pty, with any number of simulated devices by unit id.

    with ModbusBusSimulator(baud=9600) as sim:
        sim.add_device("led_display", 3)
        sim.add_device("pad", 11)
        bus = ModbusBus.from_url(sim.url)          # serial:///dev/pts/N?baud=9600
        sim.press(11, 4)
        sim.display(3).shown

Frames are cut and checked with pymodbus's RTU framer (CRC included) and its PDU decoder;
answers are built by the same framer. The bus is half-duplex like the real one: one thread
takes a request, lets the addressed device answer, then takes the next.

`emulate_wire_time=True` makes each frame cost what it would on the wire at `baud`
(len(frame) * 10 / baud seconds for 8N1): an answer is written when the request and the answer
would both have crossed the wire, counted from the moment the request arrived. So timing
measured against the simulator means something.

Faults per unit (set_fault / clear_fault):
    unplugged (alias silent)  cable out: the device hears nothing and answers nothing, but keeps
                              running (key presses still go into its ring)
    garbled                   answers with one bit flipped: the CRC no longer matches
    slow                      value = extra seconds before answering
    drop                      value = how many answers to lose (the request is still acted on)
    refuse_writes             answers every write with exception 04 (device failure): it is there
                              and answers reads, but will not take what the host sends
`lose_answers(unit, [False, True])` scripts the next answers one by one (True = lost), e.g. to
lose exactly the second answer of a poll. `reboot(unit)` is a power cycle: new boot id,
registers and event ring cleared.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter, deque

from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU, ExceptionResponse
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersResponse,
    ReadInputRegistersResponse,
    WriteMultipleRegistersResponse,
    WriteSingleRegisterResponse,
)

from .modbus_devices import DEVICE_CLASSES, DisplayView, IllegalAddress, SimDevice
from .pty_link import PtyLink

log = logging.getLogger(__name__)

DEVICE_FAULTS = ("unplugged", "silent", "garbled", "slow", "drop", "refuse_writes")
ILLEGAL_FUNCTION, ILLEGAL_ADDRESS, DEVICE_FAILURE = 1, 2, 4
_SLEEP_SLACK = 0.0004


class ModbusBusSimulator:
    def __init__(self, *, baud: int = 9600, emulate_wire_time: bool = False, seed: int = 0):
        self.baud = baud
        self.emulate_wire_time = emulate_wire_time
        self._rng = random.Random(seed)
        self._framer = FramerRTU(DecodePDU(True))
        self._devices: dict[int, SimDevice] = {}
        self._faults: dict[int, dict[str, object]] = {}
        self._answer_plan: dict[int, deque[bool]] = {}
        self.function_codes: Counter[int] = Counter()  # requests seen, by function code
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._link: PtyLink | None = None
        self.stats = {"requests": 0, "answers": 0, "crc_errors_in": 0, "not_for_us": 0,
                      "exceptions": 0, "garbled": 0, "dropped": 0, "bytes_in": 0,
                      "bytes_out": 0}

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> ModbusBusSimulator:
        self._link = PtyLink()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="modbus-sim", daemon=True)
        self._thread.start()
        log.info("modbus bus simulator on %s with %d devices", self.url, len(self._devices))
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(5)
            self._thread = None
        if self._link:
            self._link.close()
            self._link = None

    def __enter__(self) -> ModbusBusSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"serial://{self._link.path}?baud={self.baud}" if self._link else ""

    @property
    def pty_path(self) -> str | None:
        return self._link.path if self._link else None

    # -- devices --------------------------------------------------------------------------------

    def add_device(self, kind: str, unit: int) -> SimDevice:
        """kind: led_display | pad | keypad."""
        if kind not in DEVICE_CLASSES:
            raise ValueError(f"unknown device kind {kind!r}; known: {', '.join(DEVICE_CLASSES)}")
        with self._lock:
            if unit in self._devices:
                raise ValueError(f"unit {unit} already on the bus")
            device = self._devices[unit] = DEVICE_CLASSES[kind](unit, self._rng)
            self._faults[unit] = {}
            return device

    def device(self, unit: int) -> SimDevice:
        return self._devices[unit]

    @property
    def units(self) -> dict[int, str]:
        return {unit: device.kind for unit, device in sorted(self._devices.items())}

    def press(self, unit: int, key: int | str) -> int:
        """A person presses a key on a pad (1..5) or keypad (1..6 or an action name).
        Returns the event's sequence number."""
        with self._lock:
            device = self._devices[unit]
            if not hasattr(device, "press"):
                raise ValueError(f"unit {unit} is a {device.kind}: it has no keys")
            return device.press(key)

    def display(self, unit: int) -> DisplayView:
        with self._lock:
            return self._devices[unit].view()

    def reboot(self, unit: int) -> None:
        with self._lock:
            self._devices[unit].power_on()

    def set_fault(self, unit: int, name: str, value: object = True) -> None:
        if name not in DEVICE_FAULTS:
            raise ValueError(f"unknown device fault {name!r}; known: {', '.join(DEVICE_FAULTS)}")
        with self._lock:
            self._faults[unit][name] = value

    def clear_fault(self, unit: int, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._faults[unit].clear()
            else:
                self._faults[unit].pop(name, None)

    def lose_answers(self, unit: int, plan: list[bool]) -> None:
        """Script the unit's next answers: for each, True loses it (the request is still acted
        on), False sends it. After the plan, answers flow as usual."""
        with self._lock:
            self._answer_plan[unit] = deque(plan)

    def faults(self, unit: int) -> dict[str, object]:
        with self._lock:
            return dict(self._faults[unit])

    # -- the wire -------------------------------------------------------------------------------

    def _run(self) -> None:
        link = self._link
        buf = b""
        last_byte = time.monotonic()
        while not self._stopping.is_set():
            if not link.wait_readable(0.05):
                if buf and time.monotonic() - last_byte > 0.05:
                    buf = b""  # a partial frame followed by silence: the line reset
                continue
            chunk = link.read()
            if not chunk:
                continue
            buf += chunk
            last_byte = time.monotonic()
            while buf:
                size = self._frame_size(buf)
                if size is None:
                    break  # incomplete frame: wait for the rest
                if size == 0:
                    buf = buf[1:]  # not a frame start: hunt for the next one
                    continue
                frame, buf = buf[:size], buf[size:]
                self.stats["bytes_in"] += len(frame)
                _used, unit, _tid, pdu = self._framer.decode(frame)
                if not pdu:
                    self.stats["crc_errors_in"] += 1
                    continue
                answer = self._handle(unit, pdu)
                # The request's last byte would land wire_time(request) after it was sent and
                # the answer's last byte wire_time(answer) later. One sleep to that deadline
                # (not two) so the sleep overshoot is paid once per transaction.
                busy = len(frame) + (len(answer) if answer else 0)
                self._sleep_until(last_byte + busy * 10 / self.baud)
                if answer:
                    link.write(answer)
                    self.stats["bytes_out"] += len(answer)

    def _frame_size(self, buf: bytes) -> int | None:
        """Length of the request frame at the start of `buf` (pymodbus's PDU tables), 0 if no
        frame starts there, None if more bytes are needed. pymodbus's own decode() takes the
        whole buffer as one frame, which would swallow a second request queued behind it."""
        if len(buf) < FramerRTU.MIN_SIZE:
            return None
        pdu_class = self._framer.decoder.lookupPduClass(buf)
        if pdu_class is None:
            return 0
        size = pdu_class.calculateRtuFrameSize(buf)
        if not size or len(buf) < size:
            return None
        return size

    def _sleep_until(self, deadline: float) -> None:
        if not self.emulate_wire_time:
            return
        # time.sleep overshoots by a few hundred microseconds; sleep short of the deadline and
        # yield until it, so emulated frames are not longer than real ones.
        remaining = deadline - time.monotonic()
        if remaining > _SLEEP_SLACK:
            time.sleep(remaining - _SLEEP_SLACK)
        while time.monotonic() < deadline:
            time.sleep(0)

    def _handle(self, unit: int, pdu_bytes: bytes) -> bytes | None:
        self.stats["requests"] += 1
        with self._lock:
            device = self._devices.get(unit)
            faults = dict(self._faults.get(unit, {}))
            if device is None or "unplugged" in faults or "silent" in faults:
                self.stats["not_for_us"] += 1
                return None
            request = self._framer.decoder.decode(pdu_bytes)
            if request is None:
                return None
            self.function_codes[request.function_code] += 1
            if "refuse_writes" in faults and request.function_code in (6, 16):
                self.stats["exceptions"] += 1
                response = ExceptionResponse(request.function_code, DEVICE_FAILURE)
            else:
                response = self._execute(device, request)
            response.dev_id = unit
            frame = self._framer.buildFrame(response)
            plan = self._answer_plan.get(unit)
            if plan and plan.popleft():
                self.stats["dropped"] += 1
                return None
            if faults.get("drop"):
                self._faults[unit]["drop"] = int(faults["drop"]) - 1
                if self._faults[unit]["drop"] <= 0:
                    del self._faults[unit]["drop"]
                self.stats["dropped"] += 1
                return None
        if faults.get("slow"):
            time.sleep(float(faults["slow"]))
        if "garbled" in faults:
            self.stats["garbled"] += 1
            frame = bytearray(frame)
            position = self._rng.randrange(len(frame))
            frame[position] ^= 1 << self._rng.randrange(8)
            frame = bytes(frame)
        self.stats["answers"] += 1
        return frame

    def _execute(self, device: SimDevice, request):
        fc = request.function_code
        try:
            if fc in (3, 4):
                values = device.read(request.address, request.count)
                cls = ReadHoldingRegistersResponse if fc == 3 else ReadInputRegistersResponse
                return cls(address=request.address, registers=values)
            if fc == 6:
                device.write(request.address, list(request.registers))
                return WriteSingleRegisterResponse(
                    address=request.address, registers=list(request.registers)
                )
            if fc == 16:
                device.write(request.address, list(request.registers))
                return WriteMultipleRegistersResponse(
                    address=request.address, count=len(request.registers)
                )
        except IllegalAddress:
            self.stats["exceptions"] += 1
            return ExceptionResponse(fc, ILLEGAL_ADDRESS)
        self.stats["exceptions"] += 1
        return ExceptionResponse(fc, ILLEGAL_FUNCTION)
