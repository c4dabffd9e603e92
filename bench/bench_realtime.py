"""Real-time fan-out benchmark: N lobby-display clients on one hub; how long from a teller's call-next
until every display has the `ticket.called` message.

    .venv/bin/python bench/bench_realtime.py [--clients 500] [--calls 40] [--procs 2] [--interval 0.5]

Starts its own hub (`counterflow run --demo` via tests/support/live_hub.py) on a temporary SQLite
database. The clients are raw websockets speaking Engine.IO 4 / Socket.IO 5 (what a browser's
socket.io-client sends), driven by a selector loop in a few processes, so a receipt is timestamped
the moment its frame is read and the bench itself adds no thread hand-offs. Times come from
CLOCK_MONOTONIC, which all processes of the machine share. A script that prints numbers, not a test.
"""
from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import selectors
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_hub import LiveHub  # noqa: E402

log = logging.getLogger("bench_realtime")
JOIN = {"audience": "display", "branch": "demo"}


# ---------------------------------------------------------------------------- one display client
class Display:
    """One Socket.IO client over a raw websocket: handshake, join the display room, answer pings."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=15, enable_multithread=False,
                                              skip_utf8_validation=True)  # its pure-Python check costs more than the hub
        opened = self.ws.recv()  # 0{"sid":..., "pingInterval":...}
        assert opened.startswith("0"), opened
        self.ws.send("40")  # connect to namespace "/" (no token: public data)
        while not (reply := self.ws.recv()).startswith("40"):
            self._control(reply)
        self.ws.send("421" + json.dumps(["join", JOIN]))  # emit with ack id 1
        while not (reply := self.ws.recv()).startswith("431"):
            self._control(reply)
        ack = json.loads(reply[3:])[0]
        assert ack["ok"], ack

    def _control(self, frame: str) -> None:
        if frame == "2":  # Engine.IO ping from the server
            self.ws.send("3")

    def read(self) -> tuple[int, str] | None:
        """(receipt time, ticket number) for a ticket.called message; None for anything else."""
        frame = self.ws.recv()
        at = time.monotonic_ns()
        if frame.startswith('42["ticket.called"'):
            return at, json.loads(frame[2:])[1]["data"]["ticket"]["number"]
        if frame.startswith('42["batch"') and '"ticket.called"' in frame:  # several events at once
            messages = json.loads(frame[2:])[1]
            return at, next(m["data"]["ticket"]["number"] for m in messages if m["event"] == "ticket.called")
        self._control(frame)
        return None


def worker(ws_url: str, count: int, ready, results, stop) -> None:
    """Connect `count` displays, then record every ticket.called receipt until told to stop."""
    displays = []
    for _ in range(count):
        for attempt in range(5):
            try:
                displays.append(Display(ws_url))
                break
            except (OSError, websocket.WebSocketException):
                time.sleep(0.2 * (attempt + 1))
        else:
            raise SystemExit("could not connect a display client")
    selector = selectors.DefaultSelector()
    for index, display in enumerate(displays):
        selector.register(display.ws.sock, selectors.EVENT_READ, index)
    received: list[tuple[int, str, int]] = []  # (client index, number, receipt ns)
    ready.put(len(displays))
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.2):
            got = displays[key.data].read()
            if got:
                received.append((key.data, got[1], got[0]))
    results.put(received)
    for display in displays:
        display.ws.close()


# ---------------------------------------------------------------------------- the run
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell a slow hub from a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between two calls")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    tmp = Path(tempfile.mkdtemp(prefix="cf-bench-"))
    hub = LiveHub(f"sqlite:///{tmp / 'bench.db'}", log_path=tmp / "hub.log").start()
    try:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {hub.token('teller1')}"
        api = hub.base_url + "/api/v1"
        counter = next(c["id"] for c in http.get(f"{api}/branches/demo/counters").json()["counters"]
                       if c["number"] == 1)
        http.post(f"{api}/counters/{counter}/open").raise_for_status()
        for _ in range(args.calls):
            http.post(f"{api}/branches/demo/tickets", json={"service": "A"}).raise_for_status()

        ws_url = hub.base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        ready, results, stop = mp.Queue(), mp.Queue(), mp.Event()
        shares = [args.clients // args.procs + (1 if i < args.clients % args.procs else 0) for i in range(args.procs)]
        started = time.monotonic()
        procs = [mp.Process(target=worker, args=(ws_url, n, ready, results, stop), daemon=True) for n in shares]
        for proc in procs:
            proc.start()
        connected = sum(ready.get(timeout=300) for _ in procs)
        log.info("%d display clients connected and joined in %.1f s", connected, time.monotonic() - started)
        time.sleep(1.0)

        sent: dict[str, tuple[int, int]] = {}  # number -> (request sent ns, response received ns)
        hub_cpu = cpu_seconds(hub.proc.pid)
        if os.environ.get("BENCH_PID_FILE"):  # lets a profiler attach to the hub for the calls
            Path(os.environ["BENCH_PID_FILE"]).write_text(str(hub.proc.pid))
            time.sleep(1.0)
        clients_cpu = sum(cpu_seconds(p.pid) for p in procs)
        load_before = os.getloadavg()[0]
        for _ in range(args.calls):
            t_request = time.monotonic_ns()
            response = http.post(f"{api}/counters/{counter}/call-next", json={"complete_current": True})
            t_response = time.monotonic_ns()
            response.raise_for_status()
            sent[response.json()["ticket"]["number"]] = (t_request, t_response)
            time.sleep(args.interval)
        time.sleep(1.5)
        hub_cpu = cpu_seconds(hub.proc.pid) - hub_cpu
        clients_cpu = sum(cpu_seconds(p.pid) for p in procs) - clients_cpu
        stop.set()
        receipts = [row for _ in procs for row in results.get(timeout=60)]
        for proc in procs:
            proc.join(timeout=10)
    finally:
        hub.stop()

    from_response = [(at - sent[number][1]) / 1e6 for _, number, at in receipts if number in sent]
    from_request = [(at - sent[number][0]) / 1e6 for _, number, at in receipts if number in sent]
    http_ms = [(resp - req) / 1e6 for req, resp in sent.values()]
    expected = connected * len(sent)
    rows = [
        ("call-next HTTP round trip", http_ms),
        ("receipt after the HTTP response", from_response),
        ("receipt after the HTTP request", from_request),
    ]
    print(f"\n{connected} display clients, {len(sent)} calls, {len(from_response)}/{expected} deliveries "
          f"({expected - len(from_response)} missing)\n")
    print(f"{'latency (ms)':34s}{'p50':>9s}{'p90':>9s}{'p99':>9s}{'max':>9s}")
    for label, values in rows:
        if values:
            print(f"{label:34s}" + "".join(f"{percentile(values, p):9.1f}" for p in (50, 90, 99, 100)))
    worst_per_call = [max(v for (_, n, at), v in zip(receipts, from_response) if n == number)
                      for number in sent if any(n == number for _, n, _ in receipts)]
    if worst_per_call:
        print(f"{'last client per call (from resp.)':34s}" + "".join(
            f"{percentile(worst_per_call, p):9.1f}" for p in (50, 90, 99, 100)))
    print(f"\nmean {statistics.mean(from_response):.1f} ms after the response. CPU per call: hub "
          f"{hub_cpu / len(sent) * 1000:.1f} ms, display clients {clients_cpu / len(sent) * 1000:.1f} ms; "
          f"machine load average {load_before:.1f} on {os.cpu_count()} CPUs before the calls.")
    return 0 if len(from_response) == expected else 1


if __name__ == "__main__":
    sys.exit(main())
