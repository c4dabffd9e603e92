"""Past one machine: two hub processes on one PostgreSQL database, no message queue. A call made
through one process reaches a display connected to the other (each process delivers the event log to
its own sockets), and the two processes never hand one ticket to two counters. On SQLite a second hub
process refuses to start (docs/architecture.md, "SQLite" and "Scaling out")."""
from __future__ import annotations

import threading

import pytest
import requests

from tests.support.displays import RecordingDisplay
from tests.support.live_hub import LiveHub


def _postgres_only(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("several hub processes need PostgreSQL; on SQLite the second one refuses (test below)")


def test_a_second_hub_on_one_sqlite_file_refuses_to_start(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL takes several hubs (tests above)")
    with LiveHub(database_url, log_path=tmp_path / "a.log") as first:
        second = LiveHub(database_url, log_path=tmp_path / "b.log")
        with pytest.raises(RuntimeError, match="exited early with code 1"):
            second.start(timeout=20)
        log = (tmp_path / "b.log").read_text()
        assert "another CounterFlow hub" in log and "PostgreSQL" in log, log
        assert requests.get(first.base_url + "/healthz", timeout=5).status_code == 200
    # The lock goes with the process, even after kill -9: the next hub starts.
    with LiveHub(database_url, log_path=tmp_path / "c.log") as hub:
        hub.kill()
    LiveHub(database_url, log_path=tmp_path / "d.log").start().stop()


def test_an_event_from_one_hub_process_reaches_a_display_on_another(database_url, tmp_path):
    _postgres_only(database_url)
    with LiveHub(database_url, log_path=tmp_path / "a.log") as hub_a, \
            LiveHub(database_url, env={"COUNTERFLOW_DEVICE_MANAGER": "false"}, log_path=tmp_path / "b.log") as hub_b:
        display = RecordingDisplay(hub_b.base_url)
        ack = display.join()
        headers = {"Authorization": f"Bearer {hub_a.token('teller1')}"}
        assert requests.post(f"{hub_a.base_url}/api/v1/branches/demo/tickets", json={"service": "A"},
                             headers=headers).status_code == 201
        assert requests.post(f"{hub_a.base_url}/api/v1/counters/1/open", headers=headers).status_code == 200
        called = requests.post(f"{hub_a.base_url}/api/v1/counters/1/call-next", headers=headers).json()["ticket"]
        deadline_ok = display.wait_for_seq(ack["seq"] + 6, 5)
        calls = display.calls()
        display.close()
        assert deadline_ok, f"display on hub B heard: {display.seqs()}"
        assert calls[0][1] == called["number"] and calls[0][0] > ack["seq"]


def test_two_hub_processes_never_hand_out_one_ticket_twice(database_url, tmp_path):
    _postgres_only(database_url)
    with LiveHub(database_url, log_path=tmp_path / "a.log") as hub_a, \
            LiveHub(database_url, env={"COUNTERFLOW_DEVICE_MANAGER": "false"}, log_path=tmp_path / "b.log") as hub_b:
        token = hub_a.token("supervisor")
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(120):
            assert requests.post(f"{hub_a.base_url}/api/v1/branches/demo/tickets", json={"service": "A"},
                                 headers=headers).status_code == 201
        for cid in (1, 2):
            requests.post(f"{hub_a.base_url}/api/v1/counters/{cid}/open", headers=headers)
        handed: list[int] = []
        lock = threading.Lock()

        def worker(base_url: str, cid: int) -> None:
            session = requests.Session()
            session.headers.update(headers)
            while True:
                r = session.post(f"{base_url}/api/v1/counters/{cid}/call-next", json={"complete_current": True})
                body = r.json()
                if r.status_code == 409 and body["error"]["code"] == "queue_empty" or body.get("ticket") is None:
                    return
                assert r.status_code == 200, body
                with lock:
                    handed.append(body["ticket"]["id"])

        # Each counter is driven through both processes at once.
        threads = [threading.Thread(target=worker, args=(hub.base_url, cid))
                   for hub in (hub_a, hub_b) for cid in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert len(handed) == 120 and len(set(handed)) == 120
