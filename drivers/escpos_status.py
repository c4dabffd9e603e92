"""Decoding of ESC/POS real-time status (`DLE EOT n`, n = 1..4) into a `PrinterStatus`.

Each request is answered by one byte whose bits 1 and 4 are always 1 and bits 0 and 7 always 0
(mask 0x93 must read 0x12). Anything else, or a missing byte, means we are not talking to a
working printer: the status is "not_responding", never "online".

    n=1 printer:   bit3 offline, bit5 waiting for online recovery, bit6 feed button pressed
    n=2 offline:   bit2 cover open, bit3 paper fed by button, bit5 stopped by paper end, bit6 error
    n=3 error:     bit2 mechanical (recoverable) error, bit3 autocutter error,
                   bit5 unrecoverable error, bit6 auto-recoverable error
    n=4 paper:     bits2+3 roll paper near end, bits5+6 roll paper end
"""

from __future__ import annotations

from dataclasses import dataclass, field

DLE_EOT = b"\x10\x04"
STATUS_REQUESTS = tuple(DLE_EOT + bytes([n]) for n in (1, 2, 3, 4))

FIXED_MASK = 0x93
FIXED_VALUE = 0x12

# (request n, bit mask, flag name)
_BITS = (
    (1, 0x08, "offline"),
    (1, 0x20, "waiting_online_recovery"),
    (1, 0x40, "feed_button"),
    (2, 0x04, "cover_open"),
    (2, 0x08, "paper_feed"),
    (2, 0x20, "paper_end_stop"),
    (2, 0x40, "error"),
    (3, 0x04, "mechanical_error"),
    (3, 0x08, "cutter_error"),
    (3, 0x20, "unrecoverable_error"),
    (3, 0x40, "auto_recoverable_error"),
    (4, 0x0C, "paper_near_end"),
    (4, 0x60, "paper_end"),
)

# Any of these means a ticket cannot be printed now.
FAULT_FLAGS = frozenset(
    {
        "offline",
        "cover_open",
        "paper_end",
        "paper_end_stop",
        "error",
        "mechanical_error",
        "cutter_error",
        "unrecoverable_error",
        "auto_recoverable_error",
    }
)
DEGRADED_FLAGS = frozenset({"paper_near_end"})

STATES = ("online", "degraded", "fault", "not_responding")


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said. `state` is one of online, degraded, fault, not_responding.

    `flags` are the decoded condition names (see module docstring); for not_responding they say
    why (no_answer, short_answer, malformed_answer, connection_failed, connection_lost).
    """

    state: str
    flags: frozenset[str] = field(default_factory=frozenset)
    raw: bytes = b""
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True when a ticket can be printed (online, or degraded by paper near end)."""
        return self.state in ("online", "degraded")

    @classmethod
    def not_responding(cls, reason: str, detail: str = "", raw: bytes = b"") -> PrinterStatus:
        return cls("not_responding", frozenset({reason}), raw, detail or reason)


def decode_status(answers: bytes) -> PrinterStatus:
    """Turn the four answer bytes to DLE EOT 1..4 (in that order) into a PrinterStatus."""
    if len(answers) == 0:
        return PrinterStatus.not_responding("no_answer", "no answer to DLE EOT")
    if len(answers) < 4:
        return PrinterStatus.not_responding(
            "short_answer", f"{len(answers)} of 4 status bytes", answers
        )
    if len(answers) > 4:
        return PrinterStatus.not_responding(
            "malformed_answer", f"{len(answers)} bytes for 4 requests", answers
        )
    for n, byte in enumerate(answers, start=1):
        if byte & FIXED_MASK != FIXED_VALUE:
            return PrinterStatus.not_responding(
                "malformed_answer", f"DLE EOT {n} answered 0x{byte:02x}", answers
            )
    # Near-end and end are reported on two bits each; printers differ on setting one or both.
    flags = frozenset(name for n, mask, name in _BITS if answers[n - 1] & mask)
    if flags & FAULT_FLAGS:
        state = "fault"
    elif flags & DEGRADED_FLAGS:
        state = "degraded"
    else:
        state = "online"
    detail = ", ".join(sorted(flags)) if flags else "ok"
    return PrinterStatus(state, flags, bytes(answers), detail)
