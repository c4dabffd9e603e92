"""The real server (`counterflow run`, gevent pywsgi): socket counts on /metrics, /readyz, and quiet logs
when Socket.IO clients come and go."""
from __future__ import annotations

import json
import time

import requests
import socketio
from prometheus_client.parser import text_string_to_metric_families

from tests.support.live_hub import LiveHub


def _samples(text: str) -> dict[str, float]:
    return {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples if not s.labels}


def test_live_hub_counts_sockets_and_logs_nothing_when_they_disconnect(database_url, tmp_path):
    log_path = tmp_path / "hub.log"
    with LiveHub(database_url, log_path=log_path) as hub:
        ready = requests.get(f"{hub.base_url}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["device_manager"]["state"] == "running"
        clients = []
        for transports in (["websocket"], ["polling"], ["polling", "websocket"]):
            client = socketio.Client(reconnection=False)
            client.connect(hub.base_url, transports=transports, wait_timeout=10)
            ack = client.call("join", {"audience": "display", "branch": "demo"}, timeout=10)
            assert ack["ok"], ack
            clients.append(client)
        samples = _samples(requests.get(f"{hub.base_url}/metrics", timeout=10).text)
        assert samples["counterflow_socket_connections"] == 3
        for client in clients:
            client.disconnect()
        deadline = time.monotonic() + 10
        while _samples(requests.get(f"{hub.base_url}/metrics", timeout=10).text)["counterflow_socket_connections"]:
            assert time.monotonic() < deadline, "sockets still counted after the clients left"
            time.sleep(0.1)
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    noisy = [e for e in entries if e["level"] in ("warning", "error", "critical")]
    assert not noisy, noisy
