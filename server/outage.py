"""Database outages: tell an unreachable database from a bug, and log each outage once.

While the database cannot be reached every request would fail the same way; a traceback per request
says nothing new and fills the disk (docs/deployment.md, "Outages"). So the API answers 503
`database_unavailable` with Retry-After, the first failure logs one warning, later ones only count,
and when a probe reaches the database again one line gives the outage's length and the refusals.
"""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import exc, text

log = logging.getLogger("counterflow.database")

RETRY_AFTER_S = 5

# SQLite raises OperationalError for bugs too ("no such table", syntax): only these mean the file
# cannot be used right now. (A malformed file is not an outage: that stays loud.)
_SQLITE_OUTAGE = ("unable to open database", "disk i/o error", "database is locked", "readonly database",
                  "database or disk is full")
# psycopg's OperationalError also covers deadlocks, serialization failures and cancelled queries
# (SQLSTATE classes 40, 55, 57014): those are not outages. These are: no SQLSTATE (the client could not
# connect or lost the connection), class 08 (connection exception), the server shutting down or
# starting up, too many connections.
_PG_OUTAGE_STATES = ("57P01", "57P02", "57P03", "53300")


def _driver_says_unavailable(orig: BaseException) -> bool:
    module = type(orig).__module__
    if module.startswith("sqlite3"):
        return any(phrase in str(orig).lower() for phrase in _SQLITE_OUTAGE)
    if module.startswith("psycopg"):
        if type(orig).__name__ == "InterfaceError":  # e.g. "the connection is closed"
            return True
        state = getattr(orig, "sqlstate", None)
        return state is None or state.startswith("08") or state in _PG_OUTAGE_STATES
    return False


def is_database_unavailable(err: BaseException | None) -> bool:
    """True when `err` (or what caused it) says the database cannot be reached, not that a query is wrong."""
    seen = 0
    while err is not None and seen < 8:
        if isinstance(err, exc.TimeoutError):  # the pool had no connection to give within pool_timeout
            return True
        if isinstance(err, exc.DBAPIError) and err.connection_invalidated:
            return True
        if isinstance(err, (exc.OperationalError, exc.InterfaceError)):
            return _driver_says_unavailable(getattr(err, "orig", None) or err)
        if type(err).__module__.startswith("psycopg"):  # raised outside SQLAlchemy (e.g. by a pool's connect)
            import psycopg

            if isinstance(err, (psycopg.OperationalError, psycopg.InterfaceError)):
                return _driver_says_unavailable(err)
        err = err.__cause__ or err.__context__
        seen += 1
    return False


def summary(err: BaseException) -> str:
    """The first line of the driver's message, without SQLAlchemy's statement and help link."""
    orig = getattr(err, "orig", None) or err
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return f"{type(orig).__name__}: {first}"[:300]


class OutageTracker:
    """One warning when the database goes away, one line when it answers again.

    Recovery is noticed by a probe (SELECT 1 every PROBE_INTERVAL_S) that runs only during an outage:
    a hook on every statement would cost each statement 7-8 µs for a case that is rare.
    """

    PROBE_INTERVAL_S = 0.5

    def __init__(self, db, clock=time.monotonic):
        self._db = db
        self._clock = clock
        self._lock = threading.Lock()
        self.down = False
        self._since = 0.0
        self._refused = 0
        self.outages = 0

    def refused(self, err: BaseException, where: str = "", request: bool = True) -> None:
        """A request failed because the database is unavailable; a background pass (request=False)
        starts the outage too but is not counted among the refused requests."""
        with self._lock:
            if self.down:
                self._refused += int(request)
                return
            self.down, self._since, self._refused = True, self._clock(), int(request)
            self.outages += 1
        log.warning("database unavailable", extra={"error": summary(err), "where": where})
        threading.Thread(target=self._probe, name="database-probe", daemon=True).start()

    def _probe(self) -> None:
        while True:
            time.sleep(self.PROBE_INTERVAL_S)
            if not self.down:
                return
            try:
                with self._db.read() as session:
                    session.execute(text("SELECT 1"))
            except Exception:  # noqa: BLE001 - still away; the outage was logged once already
                continue
            self.recovered()
            return

    def recovered(self) -> None:
        with self._lock:
            if not self.down:
                return
            self.down = False
            seconds, refused = self._clock() - self._since, self._refused
        log.warning(f"database available again after {seconds:.0f} s, {refused} requests refused",
                    extra={"outage_s": round(seconds, 1), "refused": refused})
