"""A lobby display as a python-socketio client that records every message, for delivery tests:
what it received, in what order, and whether its seq stream had holes, repeats or went backwards."""
from __future__ import annotations

import threading
import time

import socketio


class RecordingDisplay:
    def __init__(self, base_url: str, branch: str = "demo"):
        self.branch = branch
        self.messages: list[dict] = []  # every message in arrival order (batches unpacked)
        self.heartbeats: list[dict] = []
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._on_any)
        self.client.connect(base_url, transports=["websocket"], wait_timeout=10)
        self.ack: dict = {}

    def _on_any(self, name, payload):
        with self._lock:
            if name == "heartbeat":
                self.heartbeats.append(payload)
            elif name == "batch":
                self.messages.extend(payload)
            else:
                self.messages.append(payload)

    def join(self, since: int | None = None) -> dict:
        request = {"audience": "display", "branch": self.branch}
        if since is not None:
            request["since"] = since
        self.ack = self.client.call("join", request, timeout=10)
        assert self.ack["ok"], self.ack
        return self.ack

    def seqs(self) -> list[int]:
        with self._lock:
            return [m["seq"] for m in self.messages]

    def calls(self) -> list[tuple[int, str]]:
        with self._lock:
            return [(m["seq"], m["data"]["ticket"]["number"]) for m in self.messages if m["event"] == "ticket.called"]

    def wait_for_seq(self, seq: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seqs = self.seqs()
            if seqs and seqs[-1] >= seq:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        try:
            self.client.disconnect()
        except Exception:  # noqa: BLE001 - the hub may be gone already
            pass
