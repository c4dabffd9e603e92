"""Start the real hub (`python -m server run`) in a subprocess on a free loopback port, for tests
that need the real HTTP/WebSocket server: concurrency, restarts, browsers."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveHub:
    def __init__(self, database_url: str, *, demo: bool = True, extra_args: list[str] | None = None,
                 env: dict[str, str] | None = None, log_path: Path | None = None):
        self.database_url = database_url
        self.demo = demo
        self.extra_args = extra_args or []
        self.env = env or {}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> "LiveHub":
        env = dict(os.environ, COUNTERFLOW_DATABASE_URL=self.database_url, COUNTERFLOW_PORT=str(self.port),
                   COUNTERFLOW_HOST="127.0.0.1", COUNTERFLOW_SECRET_KEY="live-test", **self.env)
        args = [sys.executable, "-m", "server", "run", *(["--demo"] if self.demo else []), *self.extra_args]
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited early with code {self.proc.returncode}; see {self.log_path}")
            try:
                if requests.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("hub did not become healthy in time")

    def kill(self) -> None:
        """kill -9: no chance to flush or clean up, like a power cut."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> "LiveHub":
        self.stop()
        return self.start()

    def token(self, username: str, password: str = "demo") -> str:
        r = requests.post(self.base_url + "/api/v1/auth/token", json={"username": username, "password": password},
                          timeout=10)
        r.raise_for_status()
        return r.json()["token"]

    def __enter__(self) -> "LiveHub":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
