"""What goes into the device manager (commands) and what comes out (reports), as plain dicts.

The manager and the rest of the hub share no objects: a command is a JSON-able dict with an `op`,
a report is a JSON-able dict with an `event`. That is what lets the manager move into a separate
`counterflow agent` process later (commands and reports then travel over a socket).

Commands (`op`):
    configure     {"devices": [DeviceConfig dicts]}          replaces the whole device list
    print_ticket  {"device", "ticket": {...}, "deadline"}     deadline: epoch seconds; later = skipped
    test_page     {"device"}
    self_test     {"device", "test_page": bool}              health now (+ a printed test page)
    led           {"device", "action": show|pause|resume|blank, "ticket", "counter", "blink"}
    pad_prompt    {"device", "ticket"}
    keypad_show   {"device", "current", "waiting", "counter"}

Every command gets one reply dict: {"ok": bool, "error": str | None, ...}.

Reports (`event`):
    device.state  {"device", "state", "detail", "flags", "info", "at"}
    device.key    {"device", "kind": pad|keypad, "key", "seq", "action", "ticket", "at"}
    device.seen   {"devices": [ids], "at"}                   heartbeat for last_seen_at
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

KINDS = ("printer", "led", "pad", "keypad")
BUS_KINDS = ("led", "pad", "keypad")
# online, degraded, fault, not_responding come from the devices; the other two from the manager.
STATES = ("unknown", "online", "degraded", "fault", "not_responding", "disabled")
WORKING_STATES = ("online", "degraded")

Report = dict
Reporter = Callable[[Report], None]


@dataclass(frozen=True)
class DeviceConfig:
    """One device as the manager needs it: no database ids beyond its own, no ORM objects."""

    id: int
    kind: str
    name: str
    url: str
    settings: dict = field(default_factory=dict)
    enabled: bool = True
    timezone: str | None = None  # branch time zone, for the time printed on tickets

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "DeviceConfig":
        return cls(id=int(data["id"]), kind=data["kind"], name=data["name"], url=data["url"],
                   settings=dict(data.get("settings") or {}), enabled=bool(data.get("enabled", True)),
                   timezone=data.get("timezone"))


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat() + "Z"


def reply(ok: bool, error: str | None = None, **extra) -> dict:
    return {"ok": ok, "error": error, **extra}


class Pending:
    """The reply to one command, filled in by a worker thread; waited on by the sender."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._result: dict | None = None
        self._callbacks: list[Callable[[dict], None]] = []

    def resolve(self, result: dict) -> None:
        with self._lock:
            if self._done.is_set():
                return
            self._result = result
            self._done.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(result)

    def wait(self, timeout: float | None) -> dict | None:
        """The reply, or None when it did not come within `timeout` seconds."""
        return self._result if self._done.wait(timeout) else None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def add_done_callback(self, callback: Callable[[dict], None]) -> None:
        """Call `callback(reply)` when the reply comes (at once if it already has)."""
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(callback)
                return
        callback(self._result)
