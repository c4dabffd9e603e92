"""Polls every pad and keypad on one bus, in turn, and reports key events and health changes.

    poller = BusPoller([pad, keypad, ...], on_event=handle, on_health=report)
    poller.start()          # background thread; poller.stop() to end
    events = poller.cycle() # or drive it yourself: one pass over the devices

A device that stops answering costs a full timeout (with retries) on every poll, which would
slow everyone else on the bus. So after `fail_threshold` failed polls in a row it is reported
not_responding and then tried only with exponential backoff (up to `backoff_max` seconds);
the first answer brings it back, reported online.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .errors import DeviceNotResponding, DeviceReportedError
from .key_events import EventDevice, KeyEvent

log = logging.getLogger(__name__)


class _Track:
    __slots__ = ("failures", "next_try", "state")

    def __init__(self):
        self.failures = 0
        self.next_try = 0.0
        self.state = "unknown"


class BusPoller:
    def __init__(
        self,
        devices: list[EventDevice],
        *,
        on_event: Callable[[KeyEvent], None] | None = None,
        on_health: Callable[[EventDevice, str], None] | None = None,
        interval: float = 0.0,
        fail_threshold: int = 3,
        backoff_max: float = 30.0,
    ):
        self.devices = list(devices)
        self.on_event = on_event
        self.on_health = on_health
        self.interval = interval  # pause between cycles; 0 polls back to back
        self.fail_threshold = fail_threshold
        self.backoff_max = backoff_max
        self._tracks = {id(d): _Track() for d in self.devices}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def state(self, device: EventDevice) -> str:
        """unknown (not polled yet) | online | not_responding."""
        return self._tracks[id(device)].state

    def cycle(self) -> list[KeyEvent]:
        """Poll each device once (skipping those waiting out a backoff); returns the events."""
        events: list[KeyEvent] = []
        now = time.monotonic()
        for device in self.devices:
            track = self._tracks[id(device)]
            if track.next_try > now:
                continue
            try:
                new = device.poll()
            except (DeviceNotResponding, DeviceReportedError) as exc:
                self._failed(device, track, exc)
                continue
            self._answered(device, track)
            for event in new:
                events.append(event)
                if self.on_event:
                    self._call(self.on_event, event)
        return events

    def start(self) -> BusPoller:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="bus-poller", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self.cycle()
            # Never spin: with every device in backoff a cycle does no I/O at all.
            self._stop.wait(max(self.interval - (time.monotonic() - started), 0.01))

    def _answered(self, device, track: _Track) -> None:
        track.failures = 0
        track.next_try = 0.0
        self._set_state(device, track, "online")

    def _failed(self, device, track: _Track, exc: Exception) -> None:
        track.failures += 1
        log.debug("poll %r failed (%d in a row): %s", device, track.failures, exc)
        if track.failures >= self.fail_threshold:
            extra = track.failures - self.fail_threshold
            track.next_try = time.monotonic() + min(0.5 * 2**extra, self.backoff_max)
            self._set_state(device, track, "not_responding")

    def _set_state(self, device, track: _Track, state: str) -> None:
        if track.state != state:
            track.state = state
            log.info("%r is %s", device, state)
            if self.on_health:
                self._call(self.on_health, device, state)

    @staticmethod
    def _call(callback, *args) -> None:
        try:
            callback(*args)
        except Exception:  # a failing subscriber must not stop the bus
            log.exception("bus poller callback failed")
