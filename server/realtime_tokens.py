"""Sockets that joined staff rooms with a token lose them when the token stops being valid.

docs/architecture.md, "Security": a token is checked at every join, again every
`socket_token_check_s` while any socket holds a staff room (revoked in another process, expired,
account disabled), and at once on sign-out in this process (Realtime.drop_token). A dropped socket
leaves its staff rooms, gets `session.ended` {code}, and keeps its public rooms (display, ticket page).
"""
from __future__ import annotations

import logging
import threading

from .auth import Unauthorized, authenticate
from .queue.clock import utc_now

log = logging.getLogger(__name__)

STAFF_KEYS = ("supervisor:", "counter:")  # join keys (audiences.Joined.key) of rooms only a token opens
ENDED = "session.ended"


class TokenWatch:
    """One thread while staff sockets exist; it stops when none is left, and the next staff join
    starts it again (tests and short-lived apps leave no thread behind)."""

    def __init__(self, realtime, db, interval_s: float):
        self.realtime, self.db, self.interval_s = realtime, db, interval_s
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def ensure_running(self) -> None:
        if self.interval_s <= 0:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="realtime-tokens", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                if not self.check_once():
                    with self._lock:
                        # A join that registers after this check calls ensure_running, which waits
                        # for this lock and then starts a new thread.
                        if not self.realtime.staff_sockets():
                            self._thread = None
                            return
            except Exception:  # noqa: BLE001 - a database hiccup must not end the watch
                log.exception("socket token check failed")

    def check_once(self) -> int:
        """Check every token that holds a staff room; drop the sockets of the invalid ones.
        Returns how many tokens were checked."""
        by_token = self.realtime.staff_sockets()
        now = utc_now()
        with self.db.read() as session:
            for token, sids in by_token.items():
                try:
                    authenticate(session, token, now)
                except Unauthorized as err:
                    self.realtime.drop_sids(sids, err.code)
        return len(by_token)
