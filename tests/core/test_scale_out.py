"""Past one machine: two hub processes on one database with Redis as the Socket.IO message queue.
A call made through one process reaches a display connected to the other, and the two processes
never hand one ticket to two counters."""
from __future__ import annotations

import shutil
import subprocess
import threading
import time

import pytest
import requests
import socketio

from tests.support.live_hub import LiveHub, free_port

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path):
    if REDIS is None:
        pytest.fail("redis-server is missing: `make test` installs it (scripts/ensure-system-deps.sh)")
    port = free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    import socket

    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def test_an_event_from_one_hub_process_reaches_a_display_on_another(database_url, redis_url, tmp_path):
    env = {"COUNTERFLOW_SOCKETIO_MESSAGE_QUEUE": redis_url}
    with LiveHub(database_url, env=env, log_path=tmp_path / "a.log") as hub_a, \
            LiveHub(database_url, env=env, log_path=tmp_path / "b.log") as hub_b:
        received: list[dict] = []
        got_call = threading.Event()
        client = socketio.Client(reconnection=False)

        def collect(message):
            for m in message if isinstance(message, list) else [message]:
                received.append(m)
                if m.get("event") == "ticket.called":
                    got_call.set()

        client.on("batch", collect)
        client.on("ticket.called", collect)
        client.connect(hub_b.base_url, transports=["websocket"], wait_timeout=10)
        try:
            ack = client.call("join", {"audience": "display", "branch": "demo"}, timeout=10)
            assert ack["ok"], ack
            headers = {"Authorization": f"Bearer {hub_a.token('teller1')}"}
            assert requests.post(f"{hub_a.base_url}/api/v1/branches/demo/tickets", json={"service": "A"},
                                 headers=headers).status_code == 201
            assert requests.post(f"{hub_a.base_url}/api/v1/counters/1/open", headers=headers).status_code == 200
            called = requests.post(f"{hub_a.base_url}/api/v1/counters/1/call-next", headers=headers).json()["ticket"]
            assert got_call.wait(10), f"display on hub B heard: {[m.get('event') for m in received]}"
        finally:
            client.disconnect()
        calls = [m for m in received if m.get("event") == "ticket.called"]
        assert calls[0]["data"]["ticket"]["number"] == called["number"]
        assert calls[0]["seq"] > ack["seq"]


def test_two_hub_processes_never_hand_out_one_ticket_twice(database_url, redis_url, tmp_path):
    env = {"COUNTERFLOW_SOCKETIO_MESSAGE_QUEUE": redis_url}
    with LiveHub(database_url, env=env, log_path=tmp_path / "a.log") as hub_a, \
            LiveHub(database_url, env=env, log_path=tmp_path / "b.log") as hub_b:
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
