"""The official socket.io JavaScript client (npm `socket.io-client`, run with node) as a lobby display:
it joins, gets every message in seq order, hears the heartbeat, and after a hub killed with SIGKILL
reconnects by itself and is told, in its join ack, of the call committed while it was away.
`make test` installs the client into var/node (git-ignored)."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time

import pytest
import requests
from sqlalchemy import select

from server.bootstrap import bootstrap
from server.models import User
from server.queue.actors import Actor
from server.settings import Settings
from tests.support.live_hub import ROOT, LiveHub
from tests.support.node_client import SOCKET_IO_CLIENT, require_node_client

SCRIPT = ROOT / "tests" / "support" / "js_display.cjs"


class NodeDisplay:
    def __init__(self, url: str):
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self.proc = subprocess.Popen([shutil.which("node"), str(SCRIPT), url], stdout=subprocess.PIPE,
                                     env=dict(os.environ, NODE_CLIENT_DIR=str(SOCKET_IO_CLIENT)), text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def next(self, kind: str, timeout: float = 10.0, where=lambda line: True) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if line["type"] == kind and where(line):
                return line
        raise AssertionError(f"no {kind} within {timeout} s; saw {[l['type'] for l in self.seen[-20:]]}")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=5)


def test_the_official_javascript_client_as_a_display(template_database, tmp_path):
    require_node_client()
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    shutil.copy(template_database.split("///", 1)[1], tmp_path / "hub.db")
    hub = LiveHub(url, env={"COUNTERFLOW_REALTIME_HEARTBEAT_S": "1"}, log_path=tmp_path / "hub.log").start()
    display = NodeDisplay(hub.base_url)
    try:
        ack = display.next("ack")["ack"]
        assert ack["stream"] == "full" and ack["snapshot"]["branch"]["code"] == "demo"
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {hub.token('teller1')}"
        api = hub.base_url + "/api/v1"
        cid = next(c["id"] for c in http.get(f"{api}/branches/demo/counters").json()["counters"] if c["number"] == 1)
        for _ in range(3):
            assert http.post(f"{api}/branches/demo/tickets", json={"service": "A"}).status_code == 201
        assert http.post(f"{api}/counters/{cid}/open").status_code == 200
        called = http.post(f"{api}/counters/{cid}/call-next").json()["ticket"]["number"]
        message = display.next("message", where=lambda l: l["message"]["event"] == "ticket.called")["message"]
        assert message["data"]["ticket"]["number"] == called and message["branch"] == "demo"
        seqs = [l["message"]["seq"] for l in display.seen if l["type"] == "message"]
        assert seqs == list(range(ack["seq"] + 1, message["seq"] + 1))
        beat = display.next("heartbeat", timeout=5)["message"]
        assert beat["seq"] >= message["seq"]  # the delivered head, which this display has

        # The hub dies; a call is committed while it is down (another process on the database); the
        # restarted hub's join ack tells the display about it.
        hub.kill()
        display.next("disconnect")
        writer = bootstrap(Settings(database_url=url, secret_key="t"))
        with writer.db.read() as s:
            user = s.execute(select(User).where(User.username == "teller1")).scalar_one()
        actor = Actor(kind="user", name="teller1", user_id=user.id, role="teller", branch_id=user.branch_id)
        missed = writer.engine.call_next(cid, actor, complete_current=True)["ticket"]["number"]
        writer.db.dispose()
        hub.start()
        display.next("connect", timeout=15)
        again = display.next("ack")["ack"]
        assert [m["data"]["ticket"]["number"] for m in again["missed_calls"]] == [missed]
        assert again["missed_calls"][0]["seq"] > message["seq"]
    finally:
        display.close()
        hub.stop()
