"""Caller keypad (teller's calling keypad) on the Modbus bus.

    keypad = CallerKeypad(bus, unit=21)
    keypad.show("A001", waiting=12, counter=5)
    for event in keypad.poll():         # KeyEvent(kind="keypad", action=KeypadAction.CALL_NEXT)
        ...
"""

from __future__ import annotations

import logging

from . import register_map as rm
from .key_events import EventDevice, KeyEvent, KeypadAction

log = logging.getLogger(__name__)


class CallerKeypad(EventDevice):
    device_type = rm.DeviceType.CALLER_KEYPAD
    kind = "keypad"

    def show(self, current: str | None, waiting: int, counter: int | None = None) -> None:
        """What the keypad's small display shows: ticket being served, number waiting."""
        # Two frames: registers 2..3 are outside the keypad's map (a strict keypad refuses them).
        self.bus.write_registers(self.unit, rm.REG_WAITING, [min(waiting, 0xFFFF), counter or 0])
        self.bus.write_registers(self.unit, rm.REG_KEYPAD_TEXT, rm.encode_text(current or ""))

    def _make_event(self, seq: int, code: int, context: int) -> KeyEvent | None:
        if not 1 <= code <= len(KeypadAction):
            log.warning("keypad unit %d sent unknown key code %d (seq %d); ignored",
                        self.unit, code, seq)
            return None
        return KeyEvent(self.unit, seq, code, self.kind, action=KeypadAction.from_code(code))
