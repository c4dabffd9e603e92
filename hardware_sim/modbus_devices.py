"""Simulated Modbus devices: their registers and behaviour, per drivers/register_map.py.

No I/O here: `ModbusBusSimulator` turns frames into `read()` / `write()` calls. A read or write
outside the device's map raises `IllegalAddress` (answered as Modbus exception 02).
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass

from drivers import register_map as rm
from drivers.register_map import DeviceType, DisplayMode

FIRMWARE = (1 << 8) | 2  # 1.2
PAUSED_TEXT = "暫停服務 PAUSED"
BLINK_PERIOD_S = 0.5


class IllegalAddress(Exception):
    pass


class SimDevice:
    device_type: DeviceType
    kind = "device"
    writable = range(0)  # device-specific registers the host may write
    readable = range(0)

    def __init__(self, unit: int, rng: random.Random):
        self.unit = unit
        self._rng = rng
        self.hw_fault = False
        self.power_on()

    def power_on(self) -> None:
        """Fresh state, as after a restart: new boot id, registers cleared."""
        self.boot_id = self._rng.randint(1, 0xFFFF)
        self.regs = [0] * 12

    # -- register access ------------------------------------------------------------------------

    def read(self, address: int, count: int) -> list[int]:
        return [self._read_one(a) for a in range(address, address + count)]

    def write(self, address: int, values: list[int]) -> None:
        addresses = range(address, address + len(values))
        if any(a not in self.writable for a in addresses):
            raise IllegalAddress(address)
        for a, v in zip(addresses, values, strict=True):
            self.regs[a] = v
        self.after_write(set(addresses))

    def after_write(self, written: set[int]) -> None:
        pass

    def _read_one(self, a: int) -> int:
        if a in self.readable:
            return self.regs[a]
        if a == rm.REG_DEVICE_TYPE:
            return int(self.device_type)
        if a == rm.REG_FIRMWARE:
            return FIRMWARE
        if a == rm.REG_STATUS:
            return rm.STATUS_READY | (rm.STATUS_HW_FAULT if self.hw_fault else 0)
        if a == rm.REG_BOOT_ID:
            return self.boot_id
        if a == rm.REG_MAP_VERSION:
            return rm.MAP_VERSION
        return self.read_extra(a)

    def read_extra(self, a: int) -> int:
        raise IllegalAddress(a)


@dataclass(frozen=True)
class DisplayView:
    """What a person in the hall sees on the display now."""

    shown: str  # "A001", "007", "暫停服務 PAUSED" or "" (blank)
    counter: int
    mode: DisplayMode
    blinking: bool
    number: int
    text: str


class SimLedDisplay(SimDevice):
    device_type = DeviceType.LED_DISPLAY
    kind = "led_display"
    writable = range(0, rm.REG_TEXT + rm.TEXT_REGS)
    readable = writable

    def power_on(self) -> None:
        super().power_on()
        self._blink_count = 0
        self._blink_started = 0.0

    def after_write(self, written: set[int]) -> None:
        text_regs = set(range(rm.REG_TEXT, rm.REG_TEXT + rm.TEXT_REGS))
        if rm.REG_NUMBER in written and not written & text_regs:
            # LED-485 convention: a bare number write replaces whatever text was shown.
            self.regs[rm.REG_TEXT : rm.REG_TEXT + rm.TEXT_REGS] = [0] * rm.TEXT_REGS
        if self.regs[rm.REG_MODE] not in tuple(DisplayMode):
            self.regs[rm.REG_MODE] = DisplayMode.NORMAL
        if rm.REG_BLINK in written:
            self._start_blink(self.regs[rm.REG_BLINK])
        elif self.regs[rm.REG_MODE] == DisplayMode.BLINK_ON_CALL and (
            rm.REG_NUMBER in written or written & text_regs
        ):
            self._start_blink(3)

    def _start_blink(self, times: int) -> None:
        self._blink_count = times
        self._blink_started = time.monotonic()

    def blink_remaining(self) -> int:
        done = int((time.monotonic() - self._blink_started) / BLINK_PERIOD_S)
        return max(self._blink_count - done, 0)

    def _read_one(self, a: int) -> int:
        if a == rm.REG_BLINK:
            return self.blink_remaining()
        return super()._read_one(a)

    def view(self) -> DisplayView:
        mode = DisplayMode(self.regs[rm.REG_MODE])
        text = rm.decode_text(self.regs[rm.REG_TEXT : rm.REG_TEXT + rm.TEXT_REGS])
        number = self.regs[rm.REG_NUMBER]
        if mode == DisplayMode.PAUSED:
            shown = PAUSED_TEXT
        elif mode == DisplayMode.BLANK:
            shown = ""
        else:
            shown = text or f"{number:03d}"
        return DisplayView(shown, self.regs[rm.REG_COUNTER], mode, self.blink_remaining() > 0,
                           number, text)


class SimEventDevice(SimDevice):
    """A device with keys: each press is a numbered event in an 8-entry ring."""

    def power_on(self) -> None:
        super().power_on()
        self.seq = 0
        self.ring: deque[tuple[int, int, int]] = deque(maxlen=rm.RING_SIZE)

    def record(self, code: int, context: int = 0) -> int:
        self.seq = (self.seq + 1) % rm.SEQ_MODULO
        self.ring.appendleft((self.seq, code, context))
        return self.seq

    def set_seq(self, seq: int) -> None:
        """Jump the counter (tests of the 65535 -> 0 wrap without 65535 presses)."""
        self.seq = seq % rm.SEQ_MODULO

    def read_extra(self, a: int) -> int:
        if a == rm.REG_EVT_BOOT:
            return self.boot_id
        if a == rm.REG_EVT_LAST:
            return self.seq
        offset = a - rm.REG_EVT_RING
        if 0 <= offset < rm.RING_SIZE * rm.RING_ENTRY_REGS:
            slot, field = divmod(offset, rm.RING_ENTRY_REGS)
            return self.ring[slot][field] if slot < len(self.ring) else 0
        raise IllegalAddress(a)


class SimPad(SimEventDevice):
    device_type = DeviceType.SATISFACTION_PAD
    kind = "pad"
    # Registers 1..3 are not in the pad's map: a write or read there is exception 02.
    writable = frozenset([rm.REG_PROMPT, *range(rm.REG_PROMPT_TEXT, rm.REG_PROMPT_TEXT + rm.TEXT_REGS)])
    readable = writable

    def press(self, key: int) -> int:
        if not rm.RATING_MIN <= key <= rm.RATING_MAX:
            raise ValueError(f"pad keys are {rm.RATING_MIN}..{rm.RATING_MAX}, not {key}")
        token = self.regs[rm.REG_PROMPT]
        self.regs[rm.REG_PROMPT] = 0  # one rating per prompt
        return self.record(key, token)

    @property
    def prompt(self) -> tuple[int, str]:
        return self.regs[rm.REG_PROMPT], rm.decode_text(
            self.regs[rm.REG_PROMPT_TEXT : rm.REG_PROMPT_TEXT + rm.TEXT_REGS]
        )


class SimKeypad(SimEventDevice):
    device_type = DeviceType.CALLER_KEYPAD
    kind = "keypad"
    # Registers 2..3 are not in the keypad's map: a write or read there is exception 02.
    writable = frozenset([rm.REG_WAITING, rm.REG_KEYPAD_COUNTER,
                          *range(rm.REG_KEYPAD_TEXT, rm.REG_KEYPAD_TEXT + rm.TEXT_REGS)])
    readable = writable
    keys = ("call_next", "recall", "no_show", "start", "complete", "pause_resume")

    def press(self, key: int | str) -> int:
        code = self.keys.index(key) + 1 if isinstance(key, str) else key
        if not 1 <= code <= len(self.keys):
            raise ValueError(f"keypad keys are 1..{len(self.keys)} or {self.keys}, not {key!r}")
        return self.record(code)

    @property
    def display(self) -> tuple[str, int, int]:
        """(current ticket, waiting, counter) shown on the keypad."""
        text = rm.decode_text(self.regs[rm.REG_KEYPAD_TEXT : rm.REG_KEYPAD_TEXT + rm.TEXT_REGS])
        return text, self.regs[rm.REG_WAITING], self.regs[rm.REG_KEYPAD_COUNTER]


DEVICE_CLASSES = {cls.kind: cls for cls in (SimLedDisplay, SimPad, SimKeypad)}
