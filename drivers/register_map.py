"""CounterFlow Modbus register map, version 1 (LED display, satisfaction pad, caller keypad).

All registers are 16-bit holding registers: read with FC03, written with FC06 (one register) or
FC16 (several). Addresses below are 0-based protocol addresses. Writing a read-only register, or
reading/writing an address not listed for that device type, is answered with Modbus exception 02
(illegal data address).

Common block (every device, read-only)
    256  DEVICE_TYPE   1 = LED counter display, 2 = satisfaction pad, 3 = caller keypad
    257  FIRMWARE      major * 256 + minor
    258  STATUS        bit0 ready, bit1 hardware fault (LED segment, stuck key, ...)
    259  BOOT_ID       random 1..65535 drawn at power-on; a new value means the device restarted
                       and has lost what it was showing
    260  MAP_VERSION   1

LED counter display (DEVICE_TYPE 1)
    0      NUMBER   number shown, decimal, zero-padded to 3 digits. This is the common "LED-485"
                    convention: FC06 to register 0 shows that number. A write that sets NUMBER
                    without touching TEXT clears TEXT.
    1      COUNTER  counter number shown beside the ticket (0 = none)
    2      MODE     0 normal, 1 blink on call (blinks 3 times whenever the ticket changes),
                    2 paused (the device shows 暫停服務 / PAUSED from its own font), 3 blank
    3      BLINK    write n: blink n times now; reads the blinks still to come
    4..11  TEXT     up to 16 ASCII characters, two per register (high byte first), NUL-padded,
                    e.g. "A001"; when not empty it is shown instead of NUMBER

Event devices: satisfaction pad and caller keypad (read-only block)
    32     EVT_BOOT  same value as BOOT_ID, so one read of 32..33 tells restart and news
    33     EVT_LAST  sequence number of the newest key event: 0 after power-on, +1 per event,
                     wraps from 65535 to 0
    34..57 EVT_RING  the 8 newest events, newest first, 3 registers each:
                     (seq, code, context); code 0 marks an empty slot
    Reading never removes an event. The host remembers the last seq it handled and takes only
    newer ones (16-bit serial-number arithmetic), so a poll retried after a lost answer cannot
    count a press twice. More than 8 events between two polls lose the oldest (seen as a gap).

Satisfaction pad (DEVICE_TYPE 2)
    0      PROMPT       non-zero: ask the customer for a rating; the value is a token chosen by
                        the host. 0 = idle. The pad sets it back to 0 itself once rated.
    4..11  PROMPT_TEXT  ticket number shown with the prompt, same packing as TEXT
    event code 1..5 = rating (1 very dissatisfied .. 5 very satisfied);
    context = the PROMPT token that was active when the key was pressed (0 if none)

Caller keypad (DEVICE_TYPE 3)
    0      WAITING   number of customers waiting, shown on the keypad
    1      COUNTER   counter number shown on the keypad
    4..11  TEXT      ticket being served, same packing as the display's TEXT
    event code 1 call_next, 2 recall, 3 no_show, 4 start, 5 complete, 6 pause_resume; context 0
"""

from __future__ import annotations

from enum import IntEnum

MAP_VERSION = 1

# Common block
REG_DEVICE_TYPE = 256
REG_FIRMWARE = 257
REG_STATUS = 258
REG_BOOT_ID = 259
REG_MAP_VERSION = 260
COMMON_BASE = REG_DEVICE_TYPE
COMMON_COUNT = 5

STATUS_READY = 0x0001
STATUS_HW_FAULT = 0x0002


class DeviceType(IntEnum):
    LED_DISPLAY = 1
    SATISFACTION_PAD = 2
    CALLER_KEYPAD = 3


# LED display
REG_NUMBER = 0
REG_COUNTER = 1
REG_MODE = 2
REG_BLINK = 3
REG_TEXT = 4
TEXT_REGS = 8
TEXT_MAX_CHARS = TEXT_REGS * 2


class DisplayMode(IntEnum):
    NORMAL = 0
    BLINK_ON_CALL = 1
    PAUSED = 2
    BLANK = 3


# Event devices
REG_EVT_BOOT = 32
REG_EVT_LAST = 33
REG_EVT_RING = 34
RING_SIZE = 8
RING_ENTRY_REGS = 3
EVENT_BLOCK_COUNT = 2 + RING_SIZE * RING_ENTRY_REGS  # 32..57

# Satisfaction pad
REG_PROMPT = 0
REG_PROMPT_TEXT = 4
RATING_MIN, RATING_MAX = 1, 5

# Caller keypad
REG_WAITING = 0
REG_KEYPAD_COUNTER = 1
REG_KEYPAD_TEXT = 4

SEQ_MODULO = 0x10000


def seq_distance(newer: int, older: int) -> int:
    """How many events `newer` is after `older`, modulo 2**16 (0 = same event)."""
    return (newer - older) % SEQ_MODULO


def seq_is_newer(candidate: int, last_handled: int) -> bool:
    """Serial-number comparison: newer when at most half the sequence space ahead."""
    return 0 < seq_distance(candidate, last_handled) < SEQ_MODULO // 2


def encode_text(text: str, regs: int = TEXT_REGS) -> list[int]:
    """Pack ASCII text two characters per register, high byte first, NUL-padded."""
    raw = text.encode("ascii", errors="replace")
    if len(raw) > regs * 2:
        raise ValueError(f"text {text!r} longer than {regs * 2} characters")
    raw = raw.ljust(regs * 2, b"\x00")
    return [(raw[i] << 8) | raw[i + 1] for i in range(0, len(raw), 2)]


def decode_text(values: list[int]) -> str:
    raw = b"".join(v.to_bytes(2, "big") for v in values)
    return raw.split(b"\x00", 1)[0].decode("ascii", errors="replace")
