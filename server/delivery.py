"""The delivery loop: reads the event log in seq order and hands each hub process's sockets what is new.

Every process runs its own loop and delivers to its own sockets only (docs/architecture.md,
"Real-time" and "Scaling out"). It remembers, per branch, the last seq it delivered, and advances it
only after a page of events was shaped and emitted: a failed database read (outage, enrichment) is
retried with backoff from the same place, so nothing committed is skipped and nothing goes out twice.

Wake-ups: this process's own commits (the bus, after commit), PostgreSQL NOTIFY from any process (a
listener connection), and a poll every `poll_s` as the safety net. A started loop also sends each
branch a heartbeat with the last seq it delivered, and prunes the log by age.

Unstarted (tests, scripts that build the app), the loop is a thread started by the first wake-up that
exits when idle, with no poll, heartbeat, listener or pruning.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import make_url

from .outage import is_database_unavailable
from .queue import event_log
from .queue.clock import utc_now
from .queue.uow import DomainEvent

log = logging.getLogger(__name__)

PAGE = 500  # events read and emitted at once, per branch
IDLE_S = 30.0  # an unstarted loop's thread exits after this long without a wake-up
BACKOFF_MAX_S = 2.0  # a database outage is retried at least this often
LAZY_MAX_FAILURES = 30  # an unstarted loop (tests, scripts) gives up after this many failed passes
PRUNE_EVERY_S = 60.0
PRUNE_BATCH = 500


class DeliveryLoop:
    def __init__(self, db, emit: Callable[[list[DomainEvent]], None],
                 heartbeat: Callable[[int, str, int], None] | None = None, *, poll_s: float = 1.0,
                 heartbeat_s: float = 5.0, keep_hours: float = 24.0, outage=None):
        self.db = db
        self.outage = outage  # server.outage.OutageTracker: counts the refusals, logs the outage once
        self._emit = emit
        self._heartbeat = heartbeat
        self.poll_s, self.heartbeat_s, self.keep_hours = poll_s, heartbeat_s, keep_hours
        self._last: dict[int, int] | None = None  # branch id -> last seq delivered by this process
        self._codes: dict[int, str] = {}
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self._started = False
        self._stopping = threading.Event()
        self.failures = 0  # consecutive failed passes (exposed for tests and logs)
        try:
            self._begin_at_head()
        except Exception:  # noqa: BLE001 - the first successful pass starts from the head instead
            log.warning("realtime delivery: database unreachable at start; starting at the head once it answers")

    # ------------------------------------------------------------------ control
    def wake(self, *_args) -> None:
        self._wake.set()
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stopping.is_set():
                    self._thread = threading.Thread(target=self._run, name="realtime-delivery", daemon=True)
                    self._thread.start()

    def start(self) -> None:
        """Deliver for the life of the process: poll, heartbeat, prune, and LISTEN on PostgreSQL."""
        self._started = True
        self._last = None  # a hub starts at the current head: a joining client gets a snapshot
        if not self.db.is_sqlite and self._listener is None:
            self._listener = threading.Thread(target=self._listen, name="realtime-listen", daemon=True)
            self._listener.start()
        with self._lock:
            if self._thread is not None and not self._thread.is_alive():
                self._thread = None  # started in a parent process before a fork (gunicorn's preload)
        self.wake()

    def stop(self, timeout: float = 2.0) -> None:
        try:
            self.flush(timeout)
        except Exception:  # noqa: BLE001 - stopping with the database gone: nothing more can be sent
            log.warning("realtime delivery stopped before everything committed was sent", exc_info=True)
        self._stopping.set()
        self._wake.set()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every event committed so far has been delivered (tests; orderly shutdown)."""
        deadline = time.monotonic() + timeout
        with self.db.read() as session:
            target = {branch_id: head for branch_id, (_, head) in event_log.heads(session).items()}
        self.wake()
        while time.monotonic() < deadline:
            last = self._last
            if last is not None and all(last.get(b, 0) >= seq for b, seq in target.items()):
                return True
            time.sleep(0.002)
        return False

    def last_delivered(self, branch_id: int) -> int | None:
        return None if self._last is None else self._last.get(branch_id)

    def backlog(self, session, now: dt.datetime) -> tuple[int, float] | None:
        """(events committed but not yet sent by this process, seconds the oldest of them has waited),
        for /metrics; None before the loop has taken its starting point."""
        positions = self._last
        if positions is None:
            return None
        pending, lag = 0, 0.0
        for branch_id, (_, head) in event_log.heads(session).items():
            last = positions.get(branch_id, 0)
            if head > last:
                pending += head - last
                created = event_log.created_at(session, branch_id, last + 1)
                if created is not None:
                    lag = max(lag, (now - created).total_seconds())
        return pending, max(0.0, lag)

    # ------------------------------------------------------------------ the loop
    def _run(self) -> None:
        next_beat = next_prune = time.monotonic()
        while not self._stopping.is_set():
            woken = self._wake.wait(timeout=self.poll_s if self._started else IDLE_S)
            self._wake.clear()
            if not woken and not self._started:
                with self._lock:  # wake() holds this lock while it decides: no wake-up is stranded
                    if not self._wake.is_set():
                        self._thread = None
                        return
                continue
            self._pass()
            if not self._started and self.failures >= LAZY_MAX_FAILURES:
                # An app without `counterflow run` whose database went away (a test's): stop trying.
                log.warning("realtime delivery gave up: database unreachable", extra={"attempts": self.failures})
                with self._lock:
                    self._thread = None
                    self.failures = 0
                return
            if self._started and self.failures == 0:
                now = time.monotonic()
                if now >= next_beat:
                    next_beat = now + self.heartbeat_s
                    self._beat()
                if now >= next_prune:
                    next_prune = now + PRUNE_EVERY_S
                    self._prune()

    def _pass(self) -> None:
        """Deliver everything committed so far; on failure, back off and leave a wake-up to try again."""
        try:
            while self.deliver_pending():
                pass
        except Exception as err:  # noqa: BLE001 - an outage must not end the loop: retry from the same seq
            self.failures += 1
            delay = min(BACKOFF_MAX_S, 0.1 * 2 ** min(self.failures, 5))
            unavailable = is_database_unavailable(err)
            if unavailable and self.outage is not None:
                self.outage.refused(err, "realtime delivery", request=False)
            # One line per outage, not one per retry; any other error stays loud.
            level = logging.WARNING if self.failures == 1 or not unavailable else logging.DEBUG
            log.log(level, "realtime delivery failed; retrying from the last delivered seq",
                    extra={"attempt": self.failures, "retry_in_s": delay, "error": repr(err)[:300]})
            self._stopping.wait(delay)
            self._wake.set()
            return
        if self.failures:
            log.warning("realtime delivery resumed", extra={"after_attempts": self.failures})
        self.failures = 0

    def _begin_at_head(self) -> None:
        with self.db.read() as session:
            heads = event_log.heads(session)
        self._codes = {branch_id: code for branch_id, (code, _) in heads.items()}
        self._last = {branch_id: head for branch_id, (_, head) in heads.items()}

    def deliver_pending(self) -> bool:
        """One page per branch: read after the last delivered seq, emit, advance. True if more may wait."""
        if self._last is None:
            self._begin_at_head()
            return False
        positions = self._last
        pages: list[tuple[int, int, list[DomainEvent]]] = []
        more = False
        with self.db.read() as session:
            # On SQLite one read transaction sees the heads and the rows at one point; on PostgreSQL the
            # rows are read after the heads, so they are at least as new.
            for branch_id, (code, head) in event_log.heads(session).items():
                self._codes[branch_id] = code
                last = positions.setdefault(branch_id, 0)  # a branch made after start: from its first event
                if head <= last:
                    continue
                rows = event_log.read_after(session, branch_id, last, PAGE)
                if not rows or rows[0].seq != last + 1:
                    # Only pruning makes a hole (a loop that fell a whole retention period behind).
                    resume = rows[0].seq - 1 if rows else head
                    log.warning("realtime delivery: events no longer in the log; clients resync on the heartbeat",
                                extra={"branch": code, "from_seq": last + 1, "to_seq": resume})
                    last = positions[branch_id] = resume
                events = []
                for row in rows:
                    if row.seq != last + len(events) + 1:
                        break  # never deliver past a hole
                    events.append(DomainEvent(row.name, branch_id, row.data, seq=row.seq, branch_code=code))
                if events:
                    pages.append((branch_id, events[-1].seq, events))
                    more = more or len(rows) == PAGE
        for branch_id, upto, events in pages:
            self._emit(events)  # raises on a failed enrichment read: the page is tried again
            positions[branch_id] = upto
        return more

    def _beat(self) -> None:
        if self._heartbeat is None or self._last is None:
            return
        for branch_id, seq in list(self._last.items()):
            try:
                self._heartbeat(branch_id, self._codes.get(branch_id, ""), seq)
            except Exception:  # noqa: BLE001 - a heartbeat is advisory; the next one comes in seconds
                log.warning("realtime heartbeat failed", exc_info=True)

    def _prune(self) -> None:
        cutoff = utc_now() - dt.timedelta(hours=self.keep_hours)
        try:
            while not self._stopping.is_set():
                with self.db.write() as session:
                    removed = event_log.prune(session, cutoff, PRUNE_BATCH)
                if removed < PRUNE_BATCH:
                    return
                time.sleep(0.05)  # small batches, with room for the hub's own writes in between
        except Exception as err:  # noqa: BLE001 - pruning waits for the next round
            log.warning("event log pruning failed", extra={"error": repr(err)[:300]})

    # ------------------------------------------------------------------ PostgreSQL wake-ups
    def _listen(self) -> None:
        """LISTEN on a connection of its own; every NOTIFY (sent at commit by any process) wakes the loop.
        Only a wake-up: the poll still delivers if this connection is down."""
        import psycopg

        conninfo = make_url(self.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        delay = 0.2
        while not self._stopping.is_set():
            conn = None
            try:
                conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
                conn.execute(f"LISTEN {event_log.NOTIFY_CHANNEL}")
                delay = 0.2
                self.wake()  # anything committed while we were not listening
                while not self._stopping.is_set():
                    heard = False
                    for _ in conn.notifies(timeout=5.0, stop_after=1):
                        heard = True
                        self.wake()
                    if not heard:
                        conn.execute("SELECT 1")  # notices a dead connection that sends nothing
            except Exception as err:  # noqa: BLE001 - reconnect with backoff; the poll covers meanwhile
                if not self._stopping.is_set():
                    log.warning("realtime LISTEN connection lost; reconnecting",
                                extra={"retry_in_s": delay, "error": repr(err)[:300]})
                self._stopping.wait(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)
            finally:
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001
                        pass
