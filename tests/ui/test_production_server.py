"""The real hub (`python -m server run`) serves through the production server of its async mode
(server/serve.py): no version in a Server header, the mode it was asked for, and python-socketio
clients over websocket and long-polling alike."""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
import requests
import socketio

EXPECTED_MODE = os.environ.get("COUNTERFLOW_ASYNC_MODE", "gevent")  # the default, unless the run asks otherwise


def _threads(pid: int) -> int:
    return int(re.search(r"^Threads:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M).group(1))


def test_no_server_version_goes_out(hub):
    checked = 0
    for path in ("/healthz", "/", "/api/v1/docs", "/no-such-page", "/socket.io/?EIO=4&transport=polling"):
        response = requests.get(hub.base_url + path, timeout=10, allow_redirects=False)
        server = response.headers.get("Server")
        assert server in (None, "CounterFlow"), f"{path}: Server: {server}"
        assert not re.search(r"werkzeug|python|gevent|gunicorn|\d", str(server), re.I)
        checked += 1
    assert checked == 5


def test_the_hub_runs_the_async_mode_it_was_given(hub):
    body = requests.get(hub.base_url + "/healthz", timeout=10).json()
    assert body == {"status": "ok", "async_mode": EXPECTED_MODE}


@pytest.mark.parametrize("transport, counter", [("websocket", 1), ("polling", 2)])
def test_python_socketio_display_hears_a_call(hub, staff, teller_at, transport, counter):
    teller, cid = teller_at(counter)
    heard: list[dict] = []
    got_call = threading.Event()

    def collect(message):
        for m in message if isinstance(message, list) else [message]:
            heard.append(m)
            if m.get("event") == "ticket.called":
                got_call.set()

    client = socketio.Client(reconnection=False)
    client.on("ticket.called", collect)
    client.on("batch", collect)
    client.connect(hub.base_url, transports=[transport], wait_timeout=10)
    try:
        assert client.transport() == transport
        ack = client.call("join", {"audience": "display", "branch": "demo"}, timeout=10)
        assert ack["ok"], ack
        staff("guide").post("/branches/demo/tickets", {"service": "A"})
        called = teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]
        assert got_call.wait(10), f"heard only {[m.get('event') for m in heard]}"
    finally:
        client.disconnect()
    numbers = [m["data"]["ticket"]["number"] for m in heard if m.get("event") == "ticket.called"]
    assert called["number"] in numbers


@pytest.mark.skipif(EXPECTED_MODE != "gevent", reason="threads per socket is what gevent mode is for")
def test_connected_sockets_cost_no_threads_under_gevent(hub):
    before = _threads(hub.proc.pid)
    clients = []
    try:
        for _ in range(20):
            client = socketio.Client(reconnection=False)
            client.connect(hub.base_url, transports=["websocket"], wait_timeout=10)
            assert client.call("join", {"audience": "display", "branch": "demo"}, timeout=10)["ok"]
            clients.append(client)
        during = _threads(hub.proc.pid)
    finally:
        for client in clients:
            client.disconnect()
    # The Werkzeug dev server or gunicorn threads would hold two OS threads per websocket (40 here).
    assert during - before < 5, (before, during)
