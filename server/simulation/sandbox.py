"""A throwaway branch database for one simulation: migrated like production, set up like the demo.

The SQLite file lives on /dev/shm when there is one (memory-backed, so commits cost no disk sync)
and is removed afterwards unless the caller asks to keep it.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from .. import migrate
from ..db import Database
from ..models import User
from ..queue import setup
from .scenario import Scenario

log = logging.getLogger(__name__)
BRANCH = "sim"


@dataclass
class Seat:
    """A counter of the simulated branch and the teller signed in at it."""

    counter_id: int
    number: int
    staff_id: int
    username: str


def _scratch_dir() -> str:
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    return tempfile.mkdtemp(prefix="counterflow-sim-", dir=base)


class Sandbox:
    def __init__(self, scenario: Scenario, keep_path: str | None = None):
        self.scenario = scenario
        self.keep_path = keep_path
        self._dir: str | None = None
        if keep_path:
            if Path(keep_path).exists():
                raise FileExistsError(f"{keep_path} exists; the simulation writes a new database")
            path = Path(keep_path).resolve()
        else:
            self._dir = _scratch_dir()
            path = Path(self._dir) / "simulation.db"
        self.url = f"sqlite:///{path}"
        migrate.upgrade(self.url)
        self.db = Database(self.url)
        self.seats = self._set_up()

    def _set_up(self) -> list[Seat]:
        sc = self.scenario
        with self.db.write() as session:
            branch = setup.create_branch(session, BRANCH, "模擬分行", "Simulated branch", sc.timezone)
            for s in sc.services:
                target = max(1, int(s.wait_target_min))
                setup.add_service(session, branch, s.code, s.name or s.code, s.name or s.code,
                                  wait_target_min=target, wait_warning_min=max(1, min(target, round(target * 0.75))),
                                  default_service_s=max(1, round(s.mean_service_min * 60)))
            seats = []
            for c in sc.counters:
                counter = setup.add_counter(session, branch, c.number, c.services, policy=c.policy)
                username = f"sim-teller{c.number}"
                user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
                if user is None:
                    # No password can match "!": simulated tellers cannot sign in anywhere.
                    user = User(username=username, display_name=f"Teller {c.number}", password_hash="!",
                                role="teller", branch_id=branch.id, active=True)
                    session.add(user)
                    session.flush()
                seats.append(Seat(counter.id, c.number, user.id, username))
        return seats

    def close(self) -> None:
        self.db.dispose()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
