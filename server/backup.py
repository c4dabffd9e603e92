"""`counterflow backup PATH` and `counterflow restore PATH` (docs/deployment.md, "Backups").

SQLite: the backup goes through SQLite's online backup API, which copies a consistent snapshot page
by page while the hub keeps writing (WAL mode: readers never block the writer). A restore replaces
the database file only when no hub uses it, after checking the backup's integrity and that its schema
revision is one this code knows; the replaced file is kept as `<db>.before-restore-<timestamp>`.

PostgreSQL: `pg_dump` is the tool; these commands print the line to run and exit with 2.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from . import migrate


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why and what to do."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def pg_commands(database_url: str, path: str) -> tuple[str, str]:
    """The pg_dump and pg_restore lines for this database (password left out: use ~/.pgpass or PGPASSWORD)."""
    url = make_url(database_url)
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    libpq = bare.render_as_string(hide_password=False)
    return (f"pg_dump --format=custom --file={path} '{libpq}'",
            f"pg_restore --clean --if-exists --no-owner --dbname='{libpq}' {path}")


def backup(database_url: str, target: str | Path) -> Path:
    source = sqlite_path(database_url)
    if source is None:
        dump, _ = pg_commands(database_url, str(target))
        raise BackupError("PostgreSQL is backed up with pg_dump, not by the hub; run:\n  " + dump, exit_code=2)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    target = Path(target)
    if target.is_dir():
        target = target / f"counterflow-{_stamp()}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)  # read-write handle, only read: a WAL file needs its -shm
    dst = sqlite3.connect(partial)
    try:
        # pages=-1: one step, so the copy is one snapshot even if the hub commits meanwhile.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
    finally:
        dst.close()
        src.close()
    check(partial)
    os.replace(partial, target)
    return target


def check(path: Path) -> str:
    """Integrity check and schema revision of a SQLite file; returns the revision or raises BackupError."""
    if not path.is_file():
        raise BackupError(f"no file at {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} is not a CounterFlow SQLite database ({err})") from None
    if result != ["ok"]:
        raise BackupError(f"{path} failed SQLite's integrity check: {'; '.join(result[:5])}")
    if len(revisions) != 1 or revisions[0] not in migrate.known_revisions():
        raise BackupError(f"{path} is at schema revision {revisions or 'none'}, which this version of CounterFlow "
                          "does not know (a backup from a newer version?)")
    return revisions[0]


def restore(database_url: str, source: str | Path, *, hub_running) -> tuple[Path, Path | None, str]:
    """Replace the database with the backup at `source`. `hub_running()` says whether a hub uses it.
    Returns (database path, where the replaced file was kept or None, the backup's revision)."""
    target = sqlite_path(database_url)
    if target is None:
        _, pg_restore = pg_commands(database_url, str(source))
        raise BackupError("PostgreSQL is restored with pg_restore, with every hub process stopped; run:\n  "
                          + pg_restore, exit_code=2)
    source = Path(source)
    revision = check(source)
    why = hub_running()
    if why:
        raise BackupError(f"a hub is using the database ({why}): stop it first (systemctl stop counterflow)")
    kept = None
    if target.exists():
        # A hub that stopped cleanly leaves nothing in the WAL; one that crashed may. Fold it in before the
        # file is set aside, so the kept copy is whole on its own.
        conn = sqlite3.connect(target)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        kept = target.with_name(f"{target.name}.before-restore-{_stamp()}")
        os.replace(target, kept)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restoring")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)
    return target, kept, revision


def hub_lock_holder(db_path: Path) -> str | None:
    """The hub holds an OS lock on `<db>.hub.lock` while it runs (`counterflow run`); None when free."""
    lock = Path(f"{db_path}.hub.lock")
    if not lock.exists():
        return None
    import fcntl

    # flock() and POSIX (lockf) locks do not see each other on Linux: ask both, whichever the hub takes.
    with open(lock, "a+") as fh:
        for take, release in ((lambda: fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB),
                               lambda: fcntl.flock(fh, fcntl.LOCK_UN)),
                              (lambda: fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB),
                               lambda: fcntl.lockf(fh, fcntl.LOCK_UN))):
            try:
                take()
            except OSError:
                return f"{lock} is locked"
            release()
    return None


def hub_answers(host: str, port: int) -> str | None:
    """A hub answering on the configured address is assumed to use this database."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1" if host in ("0.0.0.0", "::", "") else host, port, timeout=1.5)
    try:
        conn.request("GET", "/healthz")
        if conn.getresponse().status < 600:
            return f"a hub answers on {host}:{port}"
    except OSError:
        return None
    finally:
        conn.close()
    return None


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")
