"""Sign-in throttling per username and per client address (docs/architecture.md, "Security").

After `signin_free_failures` failures, each further attempt must wait a delay that doubles with every
failure (signin_delay_s up to signin_delay_max_s); after `signin_lockout_failures` the key is locked
for signin_lockout_s. Attempts that arrive too early are refused without checking the password, so a
guesser gains nothing by sending them. State lives in this process: with several hub processes each
keeps its own count, which still bounds the guessing rate by the number of processes.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

MAX_KEYS = 100_000  # memory bound under a flood of distinct names or addresses


@dataclass
class _Entry:
    failures: int = 0
    blocked_until: float = 0.0
    last_failure: float = 0.0


class SignInThrottle:
    def __init__(self, settings, clock=time.monotonic):
        self.s, self.clock = settings, clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(username: str, address: str | None) -> list[str]:
        return [f"user:{username.lower()}", f"addr:{address or '-'}"]

    def wait_s(self, username: str, address: str | None) -> float:
        """Seconds until an attempt for this username from this address is heard again; 0 = now."""
        now = self.clock()
        with self._lock:
            waits = [self._entries[k].blocked_until - now for k in self.keys(username, address) if k in self._entries]
        return max([0.0, *waits])

    def failed(self, username: str, address: str | None) -> bool:
        """Count one failure; True when it has just locked the username or the address out."""
        now, locked = self.clock(), False
        with self._lock:
            if len(self._entries) >= MAX_KEYS:
                self._forget_idle(now)
            for key in self.keys(username, address):
                entry = self._entries.setdefault(key, _Entry())
                if now - entry.last_failure > self.s.signin_lockout_s and entry.blocked_until <= now:
                    entry.failures = 0  # an old run of failures is forgotten
                entry.failures += 1
                entry.last_failure = now
                over = entry.failures - self.s.signin_free_failures
                if entry.failures >= self.s.signin_lockout_failures:
                    locked |= entry.failures == self.s.signin_lockout_failures
                    entry.blocked_until = now + self.s.signin_lockout_s
                elif over > 0:
                    entry.blocked_until = now + min(self.s.signin_delay_s * 2 ** (over - 1), self.s.signin_delay_max_s)
        return locked

    def succeeded(self, username: str) -> None:
        """A right password clears the username's count; the address keeps its own (one address
        guessing many accounts is still slowed down)."""
        with self._lock:
            self._entries.pop(self.keys(username, None)[0], None)

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, e in self._entries.items() if e.blocked_until <= now]
        for key in idle or list(self._entries)[: MAX_KEYS // 2]:
            self._entries.pop(key, None)


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
