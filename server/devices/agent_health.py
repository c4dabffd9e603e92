"""`counterflow agent --health-port N`: GET /healthz on 127.0.0.1 answers the agent's own state.

200 while the hub link is up, 503 while it is down (a monitor or systemd's watchdog script can tell
"the agent runs but cannot reach the hub" from "the agent is gone"); the JSON body says more.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HealthServer:
    def __init__(self, status: Callable[[], dict], *, port: int, host: str = "127.0.0.1"):
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path.split("?")[0] != "/healthz":
                    self.send_error(404)
                    return
                body = outer.status()
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(200 if body.get("connected") else 503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):  # the agent's log is structured; no access lines
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def start(self) -> "HealthServer":
        threading.Thread(target=self.server.serve_forever, name="agent-health", daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
