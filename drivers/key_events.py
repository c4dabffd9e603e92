"""Key events from pads and keypads, read from the device's event ring without double counting.

The device keeps its 8 newest events, each with a 16-bit sequence number (register map:
EVT_BOOT, EVT_LAST, EVT_RING). Reading never removes anything; instead this side remembers the
last sequence number it handed out and returns only newer ones. So a poll whose answer was lost
and is asked again, or a bus-level retry, returns each press exactly once. Sequence numbers are
compared modulo 2**16, so the wrap from 65535 to 0 is just the next number.

A poll costs one short read (EVT_BOOT, EVT_LAST) when nothing happened, and one more read of the
whole ring when something did.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass

from . import register_map as rm
from .modbus_device import ModbusDevice

log = logging.getLogger(__name__)


class KeypadAction(enum.StrEnum):
    """What a caller-keypad key asks the queue to do (event code 1..6)."""

    CALL_NEXT = "call_next"
    RECALL = "recall"
    NO_SHOW = "no_show"
    START = "start"
    COMPLETE = "complete"
    PAUSE_RESUME = "pause_resume"

    @property
    def code(self) -> int:
        return list(KeypadAction).index(self) + 1

    @classmethod
    def from_code(cls, code: int) -> KeypadAction:
        return list(cls)[code - 1]


@dataclass(frozen=True)
class KeyEvent:
    """One key press. `key` is the raw code (pad: rating 1..5; keypad: 1..6); `action` is set for
    keypads; `ticket` is the ticket a pad was prompting for when rated (None if unknown)."""

    unit: int
    seq: int
    key: int
    kind: str  # "pad" | "keypad"
    action: KeypadAction | None = None
    ticket: str | None = None

    @property
    def rating(self) -> int | None:
        return self.key if self.kind == "pad" else None


class EventDevice(ModbusDevice):
    """Base of pads and keypads: `poll()` returns the key events not yet returned."""

    def __init__(self, bus, unit: int):
        super().__init__(bus, unit)
        self._poll_lock = threading.RLock()
        self._boot: int | None = None
        self._last: int | None = None
        self.events_lost = 0  # events overwritten in the device ring before we read them

    def poll(self) -> list[KeyEvent]:
        """New key events, oldest first. Raises DeviceNotResponding; nothing is lost by that:
        the next successful poll returns what this one could not."""
        with self._poll_lock:
            boot, last = self.bus.read_registers(self.unit, rm.REG_EVT_BOOT, 2)
            if self._boot is None:
                # First contact: presses from before we started may belong to a previous run.
                self._adopt_baseline(boot, last)
                return []
            if boot != self._boot:
                self._device_restarted(boot)
            elif last == self._last:
                return []
            regs = self.bus.read_registers(self.unit, rm.REG_EVT_BOOT, rm.EVENT_BLOCK_COUNT)
            if regs[0] != self._boot:  # restarted between the two reads
                self._device_restarted(regs[0])
            return self._take_new(regs[1], regs[2:])

    def resync(self) -> None:
        """Forget the position: the next poll takes the device's current seq as its baseline."""
        with self._poll_lock:
            self._boot = self._last = None

    def _ensure_baseline(self) -> None:
        """Read the current position before the host asks for input (e.g. a pad prompt), so a
        press that follows is never mistaken for an old one."""
        with self._poll_lock:
            if self._boot is None:
                boot, last = self.bus.read_registers(self.unit, rm.REG_EVT_BOOT, 2)
                self._adopt_baseline(boot, last)

    def _adopt_baseline(self, boot: int, last: int) -> None:
        self._boot, self._last = boot, last
        log.info("%s unit %d event baseline boot=%d seq=%d", self.kind, self.unit, boot, last)

    def _device_restarted(self, boot: int) -> None:
        # After power-on the device counts from 0 again: everything in its ring is new to us.
        log.warning("%s unit %d restarted (boot %s -> %d)", self.kind, self.unit, self._boot, boot)
        self._boot, self._last = boot, 0

    def _take_new(self, device_last: int, ring: list[int]) -> list[KeyEvent]:
        expected = rm.seq_distance(device_last, self._last)
        if expected == 0:
            return []
        if expected >= rm.SEQ_MODULO // 2:
            log.warning("%s unit %d seq went backwards (%d -> %d); taking it as the new baseline",
                        self.kind, self.unit, self._last, device_last)
            self._last = device_last
            return []
        fresh = []
        for i in range(rm.RING_SIZE):
            seq, code, context = ring[i * rm.RING_ENTRY_REGS : (i + 1) * rm.RING_ENTRY_REGS]
            distance = rm.seq_distance(seq, self._last)
            if code and 0 < distance <= expected:
                fresh.append((distance, seq, code, context))
        fresh.sort()
        if expected > len(fresh):
            lost = expected - len(fresh)
            self.events_lost += lost
            log.warning("%s unit %d lost %d key events (ring overflow)", self.kind, self.unit, lost)
        self._last = device_last
        events = []
        for _, seq, code, context in fresh:
            event = self._make_event(seq, code, context)
            if event is not None:
                events.append(event)
        return events

    def _make_event(self, seq: int, code: int, context: int) -> KeyEvent | None:
        raise NotImplementedError
