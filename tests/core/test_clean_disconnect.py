"""A display leaving, under the production server (`counterflow run`, gevent pywsgi): the close handshake
completes (the hub answers the client's close frame), the hub frees the socket at once, and nothing is
logged at warning level or above (docs/architecture.md, "Clean disconnects").

Checked with the clients displays really use: a raw websocket (what a browser sends), the python-socketio
client, and the official socket.io JavaScript client under node.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
import requests
import socketio
import websocket

from tests.support.live_hub import LiveHub
from tests.support.node_client import NODE_PREFIX, require_node_client

CLOSE = websocket.ABNF.OPCODE_CLOSE


@pytest.fixture
def hub(tmp_path):
    with LiveHub(f"sqlite:///{tmp_path / 'hub.db'}", log_path=tmp_path / "hub.log") as live:
        yield live


def open_sockets(hub: LiveHub) -> int:
    """Socket.IO connections the hub holds, from its /metrics (loopback may read it)."""
    for line in requests.get(hub.base_url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("counterflow_socket_connections "):
            return int(float(line.split()[1]))
    raise AssertionError("no counterflow_socket_connections in /metrics")


def wait_for_sockets(hub: LiveHub, expected: int, timeout: float = 2.0) -> float:
    """Seconds until the hub holds `expected` sockets; fails after `timeout`."""
    started = time.monotonic()
    while (count := open_sockets(hub)) != expected:
        assert time.monotonic() - started < timeout, f"{count} sockets open, expected {expected}"
        time.sleep(0.02)
    return time.monotonic() - started


def loud_log_lines(hub: LiveHub) -> list[str]:
    """Log lines at warning level or above, and any line that is not the hub's JSON (tracebacks, pywsgi's
    own 'Invalid HTTP method' or 'Bad request syntax' complaints); the start-up banner aside."""
    loud = []
    for line in hub.log_path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            if line.strip() and not line.startswith(("  ", "CounterFlow hub on")):
                loud.append(line)
            continue
        if record.get("level") not in ("debug", "info"):
            loud.append(line)
    return loud


def raw_display(hub: LiveHub) -> websocket.WebSocket:
    ws = websocket.create_connection(hub.base_url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
                                     timeout=5)
    assert ws.recv().startswith("0")
    ws.send("40")
    assert ws.recv().startswith("40")
    ws.send('421["join",{"audience":"display","branch":"demo"}]')
    assert json.loads(ws.recv()[3:])[0]["ok"]
    return ws


def test_the_hub_answers_a_websocket_close_frame_and_frees_the_socket_at_once(hub):
    displays = [raw_display(hub) for _ in range(5)]
    wait_for_sockets(hub, 5)
    for ws in displays:
        started = time.monotonic()
        ws.send_close(websocket.STATUS_NORMAL, b"")
        frame = ws.recv_data_frame(control_frame=True)[1]
        while frame.opcode != CLOSE:  # a message or ping already on its way comes first
            frame = ws.recv_data_frame(control_frame=True)[1]
        assert time.monotonic() - started < 1.0  # answered, not timed out
        assert int.from_bytes(frame.data[:2], "big") == websocket.STATUS_NORMAL
        assert ws.sock.recv(1) == b""  # and the hub hung up its side: nothing more is read as a request
        ws.shutdown()
    assert wait_for_sockets(hub, 0) < 1.0
    assert loud_log_lines(hub) == []


def test_python_socketio_displays_leave_quietly_over_websocket_and_after_an_upgrade(hub):
    clients = []
    for transports in (["websocket"], None, ["websocket"], None):  # None: polling first, then the upgrade
        client = socketio.Client(reconnection=False)
        client.connect(hub.base_url, transports=transports, wait_timeout=10)
        assert client.call("join", {"audience": "display", "branch": "demo"}, timeout=10)["ok"]
        clients.append(client)
    wait_for_sockets(hub, 4)
    for client in clients:
        started = time.monotonic()
        client.disconnect()
        assert time.monotonic() - started < 1.0
    assert wait_for_sockets(hub, 0) < 1.0
    assert loud_log_lines(hub) == []


def test_the_javascript_client_leaves_quietly(hub):
    node = require_node_client()
    script = (
        "const { createRequire } = require('module');"
        f"const {{ io }} = createRequire({json.dumps(str(NODE_PREFIX / 'package.json'))})('socket.io-client');"
        f"const s = io({json.dumps(hub.base_url)}, {{ transports: ['websocket'], reconnection: false }});"
        "s.on('connect', () => s.timeout(5000).emit('join', {audience: 'display', branch: 'demo'}, (err, ack) => {"
        "  if (err || !ack.ok) process.exit(2);"
        "  const t = Date.now(); s.disconnect(); console.log(JSON.stringify({closed_ms: Date.now() - t}));"
        "}));"
        "s.on('connect_error', () => process.exit(3));"
    )
    before = time.monotonic()
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, NODE_PATH=str(NODE_PREFIX / "node_modules")))
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - before < 10.0  # node exits once its socket is closed, not after a timeout
    assert wait_for_sockets(hub, 0) < 1.0
    assert loud_log_lines(hub) == []
