"""Satisfaction pad (滿意度評價器) on the Modbus bus.

    pad = SatisfactionPad(bus, unit=11)
    pad.prompt("A001")                  # the pad lights up and asks for a rating
    for event in pad.poll():            # KeyEvent(kind="pad", key=1..5, ticket="A001")
        ...

The prompt token written to PROMPT is ours (a rolling number); the pad echoes it in each rating's
context, and this driver maps it back to the ticket it was prompting for.
"""

from __future__ import annotations

import logging
import random
from collections import OrderedDict

from . import register_map as rm
from .key_events import EventDevice, KeyEvent

log = logging.getLogger(__name__)

_TOKENS_KEPT = 64


class SatisfactionPad(EventDevice):
    device_type = rm.DeviceType.SATISFACTION_PAD
    kind = "pad"

    def __init__(self, bus, unit: int):
        super().__init__(bus, unit)
        self._next_token = random.randint(1, 0xFFFF)
        self._tickets: OrderedDict[int, str] = OrderedDict()

    def prompt(self, ticket: str) -> int:
        """Ask for a rating of `ticket`; returns the token the pad will echo with the rating."""
        with self._poll_lock:
            self._ensure_baseline()
            token = self._next_token
            self._next_token = token % 0xFFFF + 1  # 1..65535, never 0 (0 means idle)
            # Known before the pad shows the prompt, so a poll from another thread can name it.
            self._tickets[token] = ticket
            while len(self._tickets) > _TOKENS_KEPT:
                self._tickets.popitem(last=False)
        # Token first, then the text: from the moment the previous customer's ticket is superseded,
        # a press carries the new token and is rated against this ticket, never dropped as a stale
        # rating of the last one (the number shown lags by one frame, ~20 ms at 9600 baud). Two
        # frames, as registers 1..3 are outside the pad's map (a strict pad answers exception 02).
        self.bus.write_register(self.unit, rm.REG_PROMPT, token)
        self.bus.write_registers(self.unit, rm.REG_PROMPT_TEXT, rm.encode_text(ticket))
        return token

    def clear_prompt(self) -> None:
        self.bus.write_register(self.unit, rm.REG_PROMPT, 0)

    def read_prompt(self) -> tuple[int, str]:
        """(token, ticket text) the pad shows now; token 0 = idle."""
        token = self.bus.read_registers(self.unit, rm.REG_PROMPT, 1)[0]
        text = self.bus.read_registers(self.unit, rm.REG_PROMPT_TEXT, rm.TEXT_REGS)
        return token, rm.decode_text(text)

    def _make_event(self, seq: int, code: int, context: int) -> KeyEvent | None:
        if not rm.RATING_MIN <= code <= rm.RATING_MAX:
            log.warning("pad unit %d sent unknown key code %d (seq %d); ignored",
                        self.unit, code, seq)
            return None
        return KeyEvent(self.unit, seq, code, self.kind, ticket=self._tickets.get(context))
