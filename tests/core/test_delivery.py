"""Real-time delivery from the event log, through real hub processes and real Socket.IO clients:
a hub killed between commit and delivery, a database outage, two hubs on one PostgreSQL.

What "never misses a call" means here, checked on every display: the seqs it received on one
connection are consecutive from its join's seq (nothing skipped, nothing twice, nothing out of
order), and a display that comes back after a loss re-joins with `since` and gets, in its ack, the
calls committed in between (docs/ui.md, "Protocol")."""
from __future__ import annotations

import resource
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url

from server.bootstrap import bootstrap
from server.db import Database
from server.models import Branch, Counter, EventLogEntry, User
from server.queue.actors import Actor
from server.settings import Settings
from tests.support.displays import RecordingDisplay
from tests.support.live_hub import LiveHub
from tests.support.tcp_proxy import TcpProxy


def head_seq(url: str) -> int:
    db = Database(url)
    try:
        with db.read() as s:
            return s.execute(select(Branch.event_seq).where(Branch.code == "demo")).scalar_one()
    finally:
        db.dispose()


def logged_calls(url: str, after: int, upto: int) -> list[tuple[int, str]]:
    db = Database(url)
    try:
        with db.read() as s:
            rows = s.execute(select(EventLogEntry.seq, EventLogEntry.data).where(
                EventLogEntry.seq > after, EventLogEntry.seq <= upto,
                EventLogEntry.name.in_(("ticket.called", "ticket.recalled"))).order_by(EventLogEntry.seq))
            return [(seq, data["ticket"]["number"]) for seq, data in rows]
    finally:
        db.dispose()


def consecutive_from(display: RecordingDisplay, start: int) -> list[int]:
    seqs = display.seqs()
    assert seqs == list(range(start + 1, start + 1 + len(seqs))), f"holes, repeats or disorder: {seqs}"
    return seqs


def teller(hub: LiveHub) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {hub.token('teller1')}"
    return session


def counter_id(url: str, number: int = 1) -> int:
    db = Database(url)
    try:
        with db.read() as s:
            return s.execute(select(Counter.id).where(Counter.number == number)).scalars().first()
    finally:
        db.dispose()


def test_a_hub_killed_between_commit_and_delivery_loses_no_call(database_url, tmp_path):
    # A long poll: on SQLite the hub hears of another process's commits only at its poll, so the calls
    # committed below are certainly undelivered when the hub is killed.
    env = {"COUNTERFLOW_REALTIME_POLL_S": "30"}
    # The hub inherits a low soft limit on file handles, as under many service managers (1,024) ...
    soft_before, hard_limit = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard_limit), hard_limit))
    try:
        hub = LiveHub(database_url, env=env, log_path=tmp_path / "hub.log").start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft_before, hard_limit))
    try:
        # ... and, since every socket is a file handle, raised it to the hard limit at start.
        limits = Path(f"/proc/{hub.proc.pid}/limits").read_text()
        soft, hard = next(line for line in limits.splitlines() if line.startswith("Max open files")).split()[3:5]
        assert soft == hard or (hard == "unlimited" and int(soft) >= 65536), (soft, hard)
        first = RecordingDisplay(hub.base_url)
        start = first.join()["seq"]
        http, api = teller(hub), hub.base_url + "/api/v1"
        for _ in range(6):
            assert http.post(f"{api}/branches/demo/tickets", json={"service": "A"}).status_code == 201
        cid = counter_id(database_url)
        assert http.post(f"{api}/counters/{cid}/open").status_code == 200
        for _ in range(2):
            assert http.post(f"{api}/counters/{cid}/call-next", json={"complete_current": True}).status_code == 200
        delivered = head_seq(database_url)
        assert first.wait_for_seq(delivered, 10)

        # Another process commits two calls, then the hub dies before delivering them.
        writer = bootstrap(Settings(database_url=database_url, secret_key="t"))
        with writer.db.read() as s:
            user = s.execute(select(User).where(User.username == "teller1")).scalar_one()
            actor = Actor(kind="user", name="teller1", user_id=user.id, role="teller", branch_id=user.branch_id)
        foreign = [writer.engine.call_next(cid, actor, complete_current=True)["ticket"]["number"] for _ in range(2)]
        writer.db.dispose()
        hub.kill()
        seqs = consecutive_from(first, start)
        first.close()
        committed = head_seq(database_url)
        if database_url.startswith("sqlite"):
            assert seqs[-1] == delivered < committed  # the kill really fell between commit and delivery

        hub.start()
        again = RecordingDisplay(hub.base_url)
        ack = again.join(since=seqs[-1])
        assert ack["seq"] == committed  # the snapshot holds everything committed before the kill
        missed = [(m["seq"], m["data"]["ticket"]["number"]) for m in ack["missed_calls"]]
        assert missed == logged_calls(database_url, seqs[-1], committed)
        if database_url.startswith("sqlite"):
            assert [number for _, number in missed][-len(foreign):] == foreign

        # And the restarted hub delivers what comes next, from the snapshot's seq on.
        assert http.post(f"{api}/counters/{cid}/call-next", json={"complete_current": True}).status_code == 200
        assert again.wait_for_seq(head_seq(database_url), 10)
        consecutive_from(again, ack["seq"])
        again.close()
    finally:
        hub.stop()


def _postgres_only(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("several hub processes need PostgreSQL (one SQLite file serves one hub)")


def test_two_hubs_on_one_postgresql_deliver_every_message_once_in_seq_order(database_url, tmp_path):
    _postgres_only(database_url)
    with LiveHub(database_url, log_path=tmp_path / "a.log") as hub_a, \
            LiveHub(database_url, env={"COUNTERFLOW_DEVICE_MANAGER": "false"}, log_path=tmp_path / "b.log") as hub_b:
        displays = [RecordingDisplay(hub.base_url) for hub in (hub_a, hub_b, hub_a, hub_b)]
        starts = [d.join()["seq"] for d in displays]
        supervisor = {"Authorization": f"Bearer {hub_a.token('supervisor')}"}
        for _ in range(60):
            assert requests.post(f"{hub_a.base_url}/api/v1/branches/demo/tickets", json={"service": "A"},
                                 headers=supervisor).status_code == 201
        counters = [counter_id(database_url, n) for n in (1, 2)]
        for cid in counters:
            assert requests.post(f"{hub_b.base_url}/api/v1/counters/{cid}/open", headers=supervisor).status_code == 200
        called: list[str] = []
        lock = threading.Lock()

        def work(base_url: str, cid: int) -> None:
            session = requests.Session()
            session.headers.update(supervisor)
            while True:
                r = session.post(f"{base_url}/api/v1/counters/{cid}/call-next", json={"complete_current": True})
                if r.status_code == 409 or (r.status_code == 200 and r.json()["ticket"] is None):
                    return  # queue_empty, or the last ticket completed and nobody left to call
                assert r.status_code == 200, r.text
                with lock:
                    called.append(r.json()["ticket"]["number"])

        # Every counter is driven through both hubs at once.
        threads = [threading.Thread(target=work, args=(hub.base_url, cid)) for hub in (hub_a, hub_b) for cid in counters]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert len(called) == 60
        head = head_seq(database_url)
        for display, start in zip(displays, starts):
            assert display.wait_for_seq(head, 10), f"stopped at {display.seqs()[-1:]} of {head}"
            consecutive_from(display, start)
            assert sorted(number for _, number in display.calls()) == sorted(called)
            display.close()


def test_a_database_outage_delays_delivery_but_loses_nothing(database_url, tmp_path):
    """Hub A reaches PostgreSQL through a proxy that is cut for 10 s while hub B keeps committing calls."""
    _postgres_only(database_url)
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with LiveHub(proxied, log_path=tmp_path / "a.log") as hub_a, \
                LiveHub(database_url, env={"COUNTERFLOW_DEVICE_MANAGER": "false"},
                        log_path=tmp_path / "b.log") as hub_b:
            display = RecordingDisplay(hub_a.base_url)
            start = display.join()["seq"]
            http, api = teller(hub_b), hub_b.base_url + "/api/v1"
            for _ in range(12):
                assert http.post(f"{api}/branches/demo/tickets", json={"service": "A"}).status_code == 201
            cid = counter_id(database_url)
            assert http.post(f"{api}/counters/{cid}/open").status_code == 200
            assert display.wait_for_seq(head_seq(database_url), 10)

            proxy.cut()
            cut_at = time.monotonic()
            during: list[str] = []
            while time.monotonic() - cut_at < 10:
                r = http.post(f"{api}/counters/{cid}/call-next", json={"complete_current": True})
                assert r.status_code == 200, r.text
                during.append(r.json()["ticket"]["number"])
                time.sleep(1.0)
            heard_during_outage = len(display.calls())
            proxy.restore()
            head = head_seq(database_url)
            assert display.wait_for_seq(head, 15), "hub A did not resume after the outage"
            consecutive_from(display, start)
            assert [number for _, number in display.calls()] == during
            assert heard_during_outage == 0  # really cut off: everything came after the restore
            display.close()
        assert "realtime delivery failed" in (tmp_path / "a.log").read_text()
    finally:
        proxy.close()
