"""The database goes away and comes back: 503 database_unavailable with Retry-After meanwhile, one log
line when it goes and one when it is back, no traceback per request, nothing issued in between.

On PostgreSQL a real hub reaches the database through a loopback proxy that the test cuts (the shared
server keeps running for everybody else). On SQLite the hub's data directory disappears, as when the
disk holding it is unmounted."""
from __future__ import annotations

import json
import logging
import re
import shutil
import time

import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from server.app import create_app
from server.db import Database
from server.models import Ticket
from server.settings import Settings
from tests.core.conftest import Api
from tests.support.live_hub import LiveHub
from tests.support.tcp_proxy import TcpProxy

CUT_S = 3.0


def test_database_outage_answers_503_logs_once_and_recovers(database_url, tmp_path, caplog):
    if database_url.startswith("sqlite"):
        _sqlite_outage(database_url, tmp_path, caplog)
    else:
        _postgres_outage(database_url, tmp_path)


def _assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text if hasattr(response, "text") else response.data
    assert response.headers["Retry-After"] == "5"
    body = response.json() if callable(getattr(response, "json", None)) else response.get_json()
    assert body["error"]["code"] == "database_unavailable"


def _postgres_outage(database_url: str, tmp_path) -> None:
    url = make_url(database_url)
    log_path = tmp_path / "hub.log"
    with TcpProxy(url.host, url.port or 5432) as proxy:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with LiveHub(through_proxy, log_path=log_path) as hub:
            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {hub.token('supervisor')}"
            issue = f"{hub.base_url}/api/v1/branches/demo/tickets"
            assert http.post(issue, json={"service": "A"}, timeout=10).status_code == 201
            assert http.get(f"{hub.base_url}/readyz", timeout=10).status_code == 200

            proxy.cut()
            refused = 0
            deadline = time.monotonic() + CUT_S
            while time.monotonic() < deadline:
                _assert_unavailable(http.post(issue, json={"service": "A"}, timeout=10))
                _assert_unavailable(http.get(f"{hub.base_url}/api/v1/branches/demo/queue", timeout=10))
                refused += 2
                time.sleep(0.05)
            ready = http.get(f"{hub.base_url}/readyz", timeout=10)
            assert ready.status_code == 503
            assert "database" in ready.json()["failed"]
            metrics = http.get(f"{hub.base_url}/metrics", timeout=10)
            assert metrics.status_code == 200  # monitoring still sees the hub, and that the database is down
            up = {s.name: s.value for f in text_string_to_metric_families(metrics.text) for s in f.samples}
            assert up["counterflow_database_up"] == 0

            proxy.restore()
            deadline = time.monotonic() + 15
            while True:
                response = http.post(issue, json={"service": "A"}, timeout=10)
                if response.status_code == 201 or time.monotonic() > deadline:
                    break
                _assert_unavailable(response)  # the pool may need a moment; never a 500 meanwhile
                time.sleep(0.2)
            assert response.status_code == 201, response.text
            assert http.get(f"{hub.base_url}/readyz", timeout=10).status_code == 200
            deadline = time.monotonic() + 5  # the hub's probe notices within half a second
            while "database available again" not in log_path.read_text() and time.monotonic() < deadline:
                time.sleep(0.05)
        assert proxy.refused > 0  # the hub really tried to reach the database during the cut

    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    down = [e for e in entries if e["msg"] == "database unavailable"]
    back = [e for e in entries if e["msg"].startswith("database available again after")]
    assert len(down) == 1, down
    assert len(back) == 1, back
    assert back[0]["refused"] >= refused
    assert not [e for e in entries if "exc" in e], "a traceback was logged during the outage"

    db = Database(database_url)
    try:
        with db.read() as session:  # the one before the cut and the one after: nothing half-issued
            assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 2
    finally:
        db.dispose()


def _sqlite_outage(database_url: str, tmp_path, caplog) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(database_url.split("///", 1)[1], data / "hub.db")
    app = create_app(Settings(database_url=f"sqlite:///{data / 'hub.db'}", alert_interval_s=0, secret_key="t"))
    hub = app.extensions["counterflow"]
    client = app.test_client()
    try:
        supervisor = Api(client, "supervisor")
        assert supervisor.post("/api/v1/branches/demo/tickets", json={"service": "A"}).status_code == 201
        caplog.set_level(logging.INFO)
        caplog.clear()
        away = tmp_path / "unmounted"
        data.rename(away)
        hub.db.dispose()  # open connections would keep the file; a restarted pool must open it again
        for _ in range(3):
            _assert_unavailable(supervisor.post("/api/v1/branches/demo/tickets", json={"service": "A"}))
            _assert_unavailable(supervisor.get("/api/v1/branches/demo/queue"))
        page = client.get("/kiosk/demo", headers={"Accept": "text/html"})  # a browser loading a page
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert page.content_type.startswith("text/html")
        assert '<meta http-equiv="refresh" content="5">' in page.get_data(as_text=True)
        away.rename(data)
        assert supervisor.post("/api/v1/branches/demo/tickets", json={"service": "A"}).status_code == 201
        assert supervisor.get("/api/v1/branches/demo/queue").status_code == 200
        deadline = time.monotonic() + 5  # the probe notices within PROBE_INTERVAL_S
        while hub.outage.down and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        hub.db.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name == "counterflow.database"]
    assert len(messages) == 2 and messages[0] == "database unavailable", messages
    assert re.fullmatch(r"database available again after \d+ s, 7 requests refused", messages[1]), messages
    down = next(r for r in caplog.records if r.getMessage() == "database unavailable")
    assert "unable to open database file" in down.error
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged during the outage"
    with Database(f"sqlite:///{data / 'hub.db'}").read() as session:
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 2


def test_only_errors_that_mean_the_database_is_away_count_as_an_outage(tmp_path):
    import sqlite3

    import psycopg
    from psycopg import errors as pg
    from sqlalchemy import exc

    from server.outage import is_database_unavailable

    def wrapped(orig):
        return exc.OperationalError("SELECT 1", {}, orig)

    try:
        sqlite3.connect(tmp_path / "gone" / "hub.db")
    except sqlite3.OperationalError as err:
        cannot_open = err
    away = [wrapped(cannot_open), wrapped(sqlite3.OperationalError("disk I/O error")),
            wrapped(psycopg.OperationalError("connection failed: server closed the connection unexpectedly")),
            wrapped(pg.AdminShutdown("terminating connection due to administrator command")),
            wrapped(pg.TooManyConnections("sorry, too many clients already")),
            exc.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed")),
            exc.TimeoutError("QueuePool limit of size 20 overflow 80 reached")]
    bugs = [wrapped(sqlite3.OperationalError("no such table: tickets")),
            exc.DatabaseError("SELECT 1", {}, sqlite3.DatabaseError("database disk image is malformed")),
            wrapped(pg.DeadlockDetected("deadlock detected")), wrapped(pg.SerializationFailure("could not serialize")),
            wrapped(pg.QueryCanceled("canceling statement due to statement timeout")),
            exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")), ValueError("x")]
    assert [is_database_unavailable(e) for e in away] == [True] * len(away)
    assert [is_database_unavailable(e) for e in bugs] == [False] * len(bugs)
    try:  # what a handler sees: the driver's error as the cause of another
        try:
            raise pg.AdminShutdown("terminating connection")
        except pg.AdminShutdown as cause:
            raise RuntimeError("group commit failed") from cause
    except RuntimeError as err:
        assert is_database_unavailable(err)
