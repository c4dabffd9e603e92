"""Sends the notices outbox (docs/architecture.md, "Remote queue"), and purges contacts on time.

At most once per ticket and kind: the engine writes one `notices` row per ticket and kind in the
transaction that caused it (server/queue/nudges.py). A pass claims due rows by setting them `sending`
in a committed transaction of its own (on PostgreSQL with SKIP LOCKED, so two hub processes never
claim the same row), then sends, then records `sent`, or a failure: back to `pending` with a backoff
(2, 4, 8 … s, at most 5 minutes) until MAX_ATTEMPTS, then `failed`. A process that dies while sending
leaves the row `sending`, and it is never sent again: a lost notice rather than a repeated one. A
notice whose contact was purged meanwhile is `skipped`.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import select, update

from ..models import Branch, Counter, Notice, RemoteTicket, Ticket
from ..outage import is_database_unavailable
from ..queue import queries
from ..queue.remote import DEFAULT_NOTICE_LOCALE, NOTICE_LOCALES
from .gateway import SendFailed
from .notice_text import branch_name, notice_text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_BACKOFF_S = 300
BATCH = 20
PURGE_EVERY_S = 60.0


def backoff_s(attempts: int) -> float:
    return min(MAX_BACKOFF_S, 2 ** attempts)


class NoticeWorker:
    def __init__(self, db, engine, provider, clock, interval_s: float = 1.0, outage=None):
        self.db, self.engine, self.provider, self.clock = db, engine, provider, clock
        self.interval_s, self.outage = interval_s, outage
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge: dt.datetime | None = None

    # ------------------------------------------------------------------ one pass
    def run_once(self) -> int:
        """Claim and send what is due; returns how many were sent."""
        now = self.clock()
        if self._last_purge is None or (now - self._last_purge).total_seconds() >= PURGE_EVERY_S:
            self.engine.remote.purge_contacts()
            self._last_purge = now
        claimed = self._claim(now)
        sent = 0
        for notice_id, message in claimed:
            sent += self._deliver(notice_id, message)
        return sent

    def _claim(self, now: dt.datetime) -> list[tuple[int, dict | None]]:
        # A read first: an idle hub's pass costs no write transaction (on SQLite, no fsync a second).
        with self.db.read() as s:
            if s.execute(select(Notice.id).where(Notice.status == "pending", Notice.next_attempt_at <= now)
                         .limit(1)).first() is None:
                return []
        with self.db.write() as s:
            due = (select(Notice).where(Notice.status == "pending", Notice.next_attempt_at <= now)
                   .order_by(Notice.next_attempt_at, Notice.id).limit(BATCH).with_for_update(skip_locked=True))
            claimed = []
            for notice in s.execute(due).scalars().all():
                notice.status, notice.attempts = "sending", notice.attempts + 1
                claimed.append((notice.id, self._message(s, notice)))
        return claimed

    @staticmethod
    def _message(s, notice: Notice) -> dict | None:
        row = s.execute(
            select(RemoteTicket.contact, RemoteTicket.locale, Ticket.number, Ticket.counter_id, Branch.code,
                   Branch.name_zh, Branch.name_zh_hans, Branch.name_en)
            .join(Ticket, Ticket.id == RemoteTicket.ticket_id).join(Branch, Branch.id == Ticket.branch_id)
            .where(RemoteTicket.ticket_id == notice.ticket_id)).first()
        if row is None or row.contact is None:
            return None
        counter = s.get(Counter, row.counter_id).number if row.counter_id else None
        ahead = None
        if notice.kind == "near":
            ahead = queries.ticket_position(s, s.get(Ticket, notice.ticket_id)).get("people_ahead")
        # In the language the customer took the ticket in (docs/architecture.md, "Remote queue").
        locale = row.locale if row.locale in NOTICE_LOCALES else DEFAULT_NOTICE_LOCALE
        values = {"branch": branch_name(locale, row.name_zh, row.name_zh_hans, row.name_en), "number": row.number,
                  "counter": counter, "ahead": ahead}
        return {"notice_id": notice.id, "to": row.contact, "kind": notice.kind, "branch": row.code,
                "ticket": row.number, "counter": counter, "people_ahead": ahead, "locale": locale,
                "text": notice_text(notice.kind, locale, **values)}

    def _deliver(self, notice_id: int, message: dict | None) -> int:
        now = self.clock()
        if message is None:
            self._record(notice_id, status="skipped", last_error="no contact (purged or none given)")
            return 0
        try:
            self.provider.send(message)
        except SendFailed as err:
            self._failed(notice_id, str(err), now)
            return 0
        except Exception as err:  # noqa: BLE001 - a provider's bug must not stop the worker
            log.exception("message provider failed")
            self._failed(notice_id, f"{type(err).__name__}: {err}", now)
            return 0
        self._record(notice_id, status="sent", sent_at=now, last_error=None)
        return 1

    def _failed(self, notice_id: int, error: str, now: dt.datetime) -> None:
        with self.db.read() as s:
            attempts = s.get(Notice, notice_id).attempts
        if attempts >= MAX_ATTEMPTS:
            log.warning("notice %s given up after %s attempts: %s", notice_id, attempts, error)
            self._record(notice_id, status="failed", last_error=error[:300])
        else:
            self._record(notice_id, status="pending", last_error=error[:300],
                         next_attempt_at=now + dt.timedelta(seconds=backoff_s(attempts)))

    def _record(self, notice_id: int, **values) -> None:
        with self.db.write() as s:
            s.execute(update(Notice).where(Notice.id == notice_id).values(**values))

    # ------------------------------------------------------------------ the loop
    def wake(self, _events=None) -> None:
        """Subscribed to the event bus: a commit that may have written a notice starts a pass now."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.run_once()
            except Exception as err:  # noqa: BLE001 - keep sending after a transient database error
                if self.outage is not None and is_database_unavailable(err):
                    self.outage.refused(err, "notice worker", request=False)
                else:
                    log.exception("notice worker pass failed")

    def start(self) -> None:
        if self.interval_s <= 0 or self._thread:
            return
        self._thread = threading.Thread(target=self._loop, name="notice-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=5)
