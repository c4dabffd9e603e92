"""One hub process per SQLite file: an OS lock on `<database>.hub.lock`, held for the process's life.

The write queue, the group commit and the delivery loop's wake-ups live in one process (docs/
architecture.md, "SQLite"), so a second hub on the same file would neither share commits nor hear of
the first one's calls until its poll. The lock is `flock`: the kernel drops it when the process ends,
however it ends (kill -9 included), so a stale lock file never blocks a restart. Only `counterflow run`
takes it; the CLI's one-off commands (db upgrade, users, devices, simulate) may run beside a hub.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

SUFFIX = ".hub.lock"
_held: list[int] = []  # the locked descriptors, kept open until the process exits


class HubAlreadyRunning(SystemExit):
    pass


def lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite database file; None for PostgreSQL and in-memory SQLite."""
    if not database_url.startswith("sqlite") or "///" not in database_url:
        return None
    path = database_url.split("///", 1)[1].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path + SUFFIX)


def acquire(database_url: str) -> Path | None:
    """Take the hub lock of a SQLite database, or raise HubAlreadyRunning with what to do instead."""
    path = lock_path(database_url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise HubAlreadyRunning(
            f"error: another CounterFlow hub (pid {holder}) already runs on {str(path)[:-len(SUFFIX)]}.\n"
            "One SQLite file serves exactly one hub process. To run several hubs, use PostgreSQL "
            "(COUNTERFLOW_DATABASE_URL=postgresql+psycopg://...); see README.md, \"Several hubs\".") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    _held.append(fd)
    return path
