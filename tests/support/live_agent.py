"""`counterflow agent` in a subprocess next to a LiveHub (tests/support/live_hub.py), and a small
signed-in API caller that survives a hub restart between calls."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import requests

from .live_hub import ROOT, LiveHub, free_port

# Fast polls so a test sees states within a second; the backoff capped so restarts are quick.
AGENT_ENV = {"COUNTERFLOW_DEVICE_POLL_INTERVAL_S": "0.5", "COUNTERFLOW_DEVICE_KEY_POLL_S": "0.05",
             "COUNTERFLOW_DEVICE_BACKOFF_MAX_S": "1", "COUNTERFLOW_LOG_FORMAT": "json"}


class AgentProcess:
    """`python -m server agent` in a subprocess, with its --health-port."""

    def __init__(self, hub_url: str, token: str, log_path: Path):
        self.hub_url, self.token, self.log_path = hub_url, token, log_path
        self.health_port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> "AgentProcess":
        # The token through the environment, as the systemd unit passes it (a token may start with "-").
        env = dict(os.environ, **AGENT_ENV, COUNTERFLOW_AGENT_TOKEN=self.token)
        env.pop("COUNTERFLOW_DATABASE_URL", None)  # a branch PC has no database
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server", "agent", "--hub", self.hub_url,
             "--health-port", str(self.health_port)], cwd=ROOT, env=env,
            stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        return self

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/healthz", timeout=1) as r:
                return json.load(r)
        except urllib.error.HTTPError as err:
            return json.load(err)
        except OSError:
            return None

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Api:
    def __init__(self, hub: LiveHub, username: str):
        self.hub, self.username = hub, username
        self.token = hub.token(username)

    def call(self, method: str, path: str, body=None) -> requests.Response:
        for attempt in range(2):
            try:
                return requests.request(method, self.hub.base_url + "/api/v1" + path, json=body, timeout=10,
                                        headers={"Authorization": f"Bearer {self.token}"})
            except requests.ConnectionError:
                if attempt:
                    raise
                time.sleep(0.5)

    def ok(self, method: str, path: str, body=None) -> dict:
        response = self.call(method, path, body)
        assert response.status_code in (200, 201), (method, path, response.status_code, response.text)
        return response.json()
