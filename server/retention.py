"""Retention of the records that grow with every sign-in (docs/architecture.md, "Security"): the audit
rows of `auth_events` and the staff sign-in tokens (`api_tokens` with a user) that expired or were
revoked, each once older than `auth_records_keep_days` (0 keeps them for ever). Device tokens are set-up
records and stay until an administrator removes them.

A background pass runs every hour in each hub process; deleting in small batches leaves room for the
hub's own writes, and several processes deleting the same old rows do no harm."""
from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import delete, or_, select

from .models import ApiToken, AuthEvent
from .queue.clock import utc_now

log = logging.getLogger(__name__)

EVERY_S = 3600.0
BATCH = 500


def prune(db, now: dt.datetime, keep_days: int, batch: int = BATCH) -> dict[str, int]:
    """Delete what is older than `keep_days`; returns the rows removed per table."""
    removed = {"auth_events": 0, "api_tokens": 0}
    if keep_days <= 0:
        return removed
    cutoff = now - dt.timedelta(days=keep_days)
    old_events = select(AuthEvent.id).where(AuthEvent.at < cutoff)
    old_tokens = select(ApiToken.id).where(
        ApiToken.user_id.is_not(None),
        or_(ApiToken.expires_at < cutoff, ApiToken.revoked_at < cutoff))
    for table, model, query in (("auth_events", AuthEvent, old_events), ("api_tokens", ApiToken, old_tokens)):
        while True:
            with db.write() as session:
                ids = list(session.execute(query.limit(batch)).scalars())
                if ids:
                    session.execute(delete(model).where(model.id.in_(ids)))
            removed[table] += len(ids)
            if len(ids) < batch:
                break
    return removed


class Retention:
    """The hourly pass, on a thread of its own (a greenlet under gevent)."""

    def __init__(self, db, keep_days: int, every_s: float = EVERY_S, clock=utc_now):
        self.db, self.keep_days, self.every_s, self.clock = db, keep_days, every_s, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        removed = prune(self.db, self.clock(), self.keep_days)
        if any(removed.values()):
            log.info("old sign-in records removed", extra={"removed": removed, "keep_days": self.keep_days})
        return removed

    def _loop(self) -> None:
        wait = min(60.0, self.every_s)  # soon after start too: a hub restarted nightly still prunes
        while not self._stop.wait(wait):
            wait = self.every_s
            try:
                self.run_once()
            except Exception as err:  # noqa: BLE001 - the next pass tries again; nothing is lost by waiting
                log.warning("sign-in records retention failed", extra={"error": repr(err)[:300]})

    def start(self) -> None:
        if self.keep_days <= 0 or self._thread:
            return
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
