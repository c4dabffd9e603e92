"""Group commit for SQLite: concurrent write units share one transaction and one fsync.

`synchronous=FULL` makes every commit wait for the disk (about 2 ms here), which would cap a hub at a
few hundred writes per second. Instead, writers queue for the one connection; each runs its unit in
its own SAVEPOINT (a unit that fails is rolled back alone and its caller gets the error), and the last
unit of a batch - the one that finds nobody queued behind it - commits for all of them. Every caller
returns only after that commit, so an answer still means "on disk" (docs/architecture.md, "SQLite").
"""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator

from sqlalchemy.orm import Session, sessionmaker

MAX_BATCH = 128


def _let_others_queue() -> None:
    """Under gevent, SQLite calls never yield, so greenlets with a request in hand have not reached the
    queue yet: one cooperative yield lets them join this batch. OS threads need nothing: SQLite
    releases the GIL while it works, and they queue meanwhile (a sleep(0) would cost a context switch)."""
    if _gevent_patched():
        time.sleep(0)


def _gevent_patched() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("time"))


class _Batch:
    def __init__(self, session: Session):
        self.session = session
        self.size = 0
        self.done = threading.Event()
        self.error: BaseException | None = None


class GroupCommitter:
    def __init__(self, make_session: sessionmaker, max_batch: int = MAX_BATCH):
        self._make_session = make_session
        self._max_batch = max_batch
        self._lock = threading.Lock()  # held while a unit uses the shared connection
        self._queued = 0  # writers waiting for that lock
        self._queued_lock = threading.Lock()
        self._batch: _Batch | None = None

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        with self._queued_lock:
            self._queued += 1
        self._lock.acquire()
        with self._queued_lock:
            self._queued -= 1
        batch = self._batch
        if batch is None:
            session = self._make_session()
            session.begin()
            batch = self._batch = _Batch(session)
        batch.size += 1
        # The first unit of a batch needs no SAVEPOINT: if it fails, the whole transaction is its own.
        savepoint = None
        try:
            if batch.size > 1:
                savepoint = batch.session.begin_nested()
            yield batch.session
            if savepoint is not None:
                savepoint.commit()
        except BaseException as err:
            if savepoint is None:
                batch.error = err  # rolls back the transaction, which holds only this unit
            else:
                try:
                    if savepoint.is_active:
                        savepoint.rollback()
                except BaseException as rollback_error:  # the connection itself failed: the batch is lost
                    batch.error = rollback_error
            self._leave(batch)
            raise err
        self._leave(batch)
        batch.done.wait()
        if batch.error is not None:
            raise batch.error

    def _leave(self, batch: _Batch) -> None:
        """Called with the lock held, after a unit: hand over to a queued writer, or commit the batch."""
        if batch.error is None and batch.size < self._max_batch:
            if not self._queued:
                _let_others_queue()
            if self._queued:
                self._lock.release()  # the next writer joins this batch; the last one commits
                return
        self._batch = None
        try:
            if batch.error is None:
                batch.session.commit()
            else:
                batch.session.rollback()
        except BaseException as err:  # noqa: BLE001 - every unit of the batch hears of it
            batch.error = err
            with contextlib.suppress(Exception):
                batch.session.rollback()
        finally:
            batch.session.close()
            self._lock.release()
            batch.done.set()
