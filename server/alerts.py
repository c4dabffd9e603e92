"""Background wait-time monitor: evaluates every branch's wait alerts on a fixed interval."""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select

from .models import Branch
from .outage import is_database_unavailable

log = logging.getLogger(__name__)

APPOINTMENT_SWEEP_S = 60  # no-shows past their window and contact purges (docs/architecture.md, "Appointments")


class WaitMonitor:
    def __init__(self, db, engine, interval_s: float, outage=None):
        self.db, self.engine, self.interval_s = db, engine, interval_s
        self.outage = outage  # server.outage.OutageTracker: an outage is logged once, not every pass
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_sweep = 0.0

    def run_once(self) -> int:
        with self.db.read() as session:
            codes = list(session.execute(select(Branch.code)).scalars())
        changed = 0
        for code in codes:
            changed += len(self.engine.check_wait_times(code))
        if time.monotonic() - self._last_sweep >= APPOINTMENT_SWEEP_S:
            self._last_sweep = time.monotonic()
            for code in codes:
                self.engine.appointments.sweep(code)
        return changed

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.run_once()
            except Exception as err:  # noqa: BLE001 - keep monitoring after a transient database error
                if self.outage is not None and is_database_unavailable(err):
                    self.outage.refused(err, "wait monitor", request=False)
                else:
                    log.exception("wait monitor pass failed")

    def start(self) -> None:
        if self.interval_s <= 0 or self._thread:
            return
        self._thread = threading.Thread(target=self._loop, name="wait-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
