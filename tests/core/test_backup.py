"""`counterflow backup` while the hub runs and `counterflow restore` after it stopped: the database then
holds exactly the tickets of the backup. On PostgreSQL both commands print the pg_dump/pg_restore line."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import requests
from sqlalchemy import select

from server.db import Database
from server.models import Ticket
from tests.support.live_hub import ROOT, LiveHub


def counterflow(database_url: str, *args: str, port: int = 1) -> subprocess.CompletedProcess:
    env = dict(os.environ, COUNTERFLOW_DATABASE_URL=database_url, COUNTERFLOW_HOST="127.0.0.1",
               COUNTERFLOW_PORT=str(port))
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def tickets(database_url: str) -> list[tuple[int, str]]:
    db = Database(database_url)
    try:
        with db.read() as session:
            return [tuple(row) for row in session.execute(select(Ticket.id, Ticket.number).order_by(Ticket.id))]
    finally:
        db.dispose()


def test_backup_while_the_hub_runs_then_restore_holds_exactly_the_backed_up_tickets(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        backup = counterflow(database_url, "backup", str(tmp_path / "hub.dump"))
        assert backup.returncode == 2, backup.stderr
        assert "pg_dump --format=custom --file=" in backup.stderr
        assert ":counterflow@" not in backup.stderr  # the password is not printed
        restore = counterflow(database_url, "restore", str(tmp_path / "hub.dump"))
        assert restore.returncode == 2 and "pg_restore" in restore.stderr
        assert not (tmp_path / "hub.dump").exists()
        return

    saved = tmp_path / "backups" / "before.db"
    with LiveHub(database_url, log_path=tmp_path / "hub.log") as hub:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {hub.token('supervisor')}"
        issue = f"{hub.base_url}/api/v1/branches/demo/tickets"
        for service in ("A", "B", "A"):
            assert http.post(issue, json={"service": service}, timeout=10).status_code == 201
        backup = counterflow(database_url, "backup", str(saved))
        assert backup.returncode == 0, backup.stderr
        assert "integrity ok" in backup.stdout
        for service in ("A", "C"):
            assert http.post(issue, json={"service": service}, timeout=10).status_code == 201
        refused = counterflow(database_url, "restore", str(saved), port=hub.port)
        assert refused.returncode == 1 and "stop it first" in refused.stderr
        assert len(tickets(database_url)) == 5

    backed_up = tickets(f"sqlite:///{saved}")
    assert [number for _, number in backed_up] == ["A001", "B001", "A002"]
    restore = counterflow(database_url, "restore", str(saved), port=hub.port)
    assert restore.returncode == 0, restore.stderr
    assert tickets(database_url) == backed_up
    db_path = database_url.split("///", 1)[1]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("test.db.before-restore-")]
    assert len(kept) == 1 and str(kept[0]) in restore.stdout
    assert len(tickets(f"sqlite:///{kept[0]}")) == 5

    # The restored database serves again, numbering on from the backup.
    with LiveHub(database_url, log_path=tmp_path / "hub2.log") as hub:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {hub.token('supervisor')}"
        answer = http.post(f"{hub.base_url}/api/v1/branches/demo/tickets", json={"service": "A"}, timeout=10)
        assert answer.status_code == 201 and answer.json()["number"] == "A003"

    # A hub holding its lock file (`counterflow run` takes it) keeps a restore away, whether or not it answers.
    with open(f"{db_path}.hub.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        locked = counterflow(database_url, "restore", str(saved))
        assert locked.returncode == 1 and "hub.lock is locked" in locked.stderr, locked.stderr

    # A damaged backup is refused before anything is replaced.
    damaged = tmp_path / "damaged.db"
    data = bytearray(saved.read_bytes())
    data[4096 * 2: 4096 * 2 + 512] = b"\xff" * 512
    damaged.write_bytes(bytes(data))
    before = tickets(database_url)
    bad = counterflow(database_url, "restore", str(damaged))
    assert bad.returncode == 1
    assert "integrity" in bad.stderr or "not a CounterFlow" in bad.stderr, bad.stderr
    assert tickets(database_url) == before
    assert os.path.exists(db_path)
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("test.db.before-restore-")]) == 1
