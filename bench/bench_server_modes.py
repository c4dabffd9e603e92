"""Which production server `counterflow run` uses (server/serve.py): gevent's pywsgi (monkey-patched,
greenlets) against gunicorn's gthread worker (OS threads), on the real hub with the demo branch.

    .venv/bin/python -m bench bench_server_modes
    .venv/bin/python bench/bench_server_modes.py [--requests 2000] [--clients 300] [--calls 30] [--modes gevent threading]

For each mode (COUNTERFLOW_ASYNC_MODE) it starts the hub as a subprocess on a temporary SQLite file and
reports:
- hub CPU per request (ms) for GET /healthz and GET /api/v1/branches/demo/queue (bearer token), from
  the hub's own /proc CPU time (its process and children: gunicorn's worker) over N keep-alive requests
  sent one after the other on one raw http.client connection;
- OS threads and RSS of the hub (all its processes: gunicorn's arbiter counts) with 0, 100 and 300 connected python-socketio display clients
  (websocket transport, the demo display token, joined to audience "display");
- p50/p99 from the POST /counters/<id>/call-next response to the `ticket.called` message at each of
  the 300 displays (times from CLOCK_MONOTONIC, shared by the processes of the machine).
The display clients run in a few child processes, so their GIL is not the bench's. A script that
prints numbers, not a test.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.live_hub import LiveHub  # noqa: E402

CLIENTS_PER_PROC = 75
MODES = ("gevent", "threading")


# ---------------------------------------------------------------------------- the hub's process tree
def tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn: arbiter and worker)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return pids


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def threads_and_rss(pid: int) -> tuple[int, float]:
    threads, rss_kb = 0, 0
    for p in tree(pid):
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                threads += int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss_kb += int(line.split()[1])
    return threads, rss_kb / 1024


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


# ---------------------------------------------------------------------------- HTTP: CPU per request
def cpu_per_request(hub: LiveHub, path: str, headers: dict, n: int) -> tuple[float, float]:
    """(hub CPU ms per request, wall ms per request) over n keep-alive GETs on one connection."""
    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)

    def get() -> None:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")

    for _ in range(100):  # warm up: connection pools, caches, the first-request imports
        get()
    cpu0, t0 = cpu_seconds(hub.proc.pid), time.perf_counter()
    for _ in range(n):
        get()
    wall, cpu = time.perf_counter() - t0, cpu_seconds(hub.proc.pid) - cpu0
    conn.close()
    return cpu / n * 1000, wall / n * 1000


# ---------------------------------------------------------------------------- display clients
def display_worker(url: str, token: str | None, count: int, ready, results, stop) -> None:
    """Connect `count` python-socketio displays, then note every ticket.called receipt until told to stop."""
    import socketio

    received: list[tuple[str, int]] = []  # (ticket number, receipt ns)
    clients = []

    def on_message(message):
        at = time.monotonic_ns()
        for m in message if isinstance(message, list) else [message]:
            if isinstance(m, dict) and m.get("event") == "ticket.called":
                received.append((m["data"]["ticket"]["number"], at))

    for _ in range(count):
        client = socketio.Client(reconnection=False)
        client.on("ticket.called", on_message)
        client.on("batch", on_message)
        for attempt in range(5):
            try:
                client.connect(url, transports=["websocket"], auth={"token": token} if token else None,
                               wait_timeout=15)
                break
            except socketio.exceptions.ConnectionError:
                time.sleep(0.2 * (attempt + 1))
        else:
            raise SystemExit("could not connect a display client")
        ack = client.call("join", {"audience": "display", "branch": "demo"}, timeout=15)
        assert ack["ok"], ack
        clients.append(client)
    ready.put(len(clients))
    stop.wait()
    results.put(received)
    for client in clients:
        client.disconnect()


class Displays:
    def __init__(self, url: str, token: str | None):
        self.url, self.token = url, token
        self.ctx = mp.get_context("fork")
        self.ready, self.results, self.stop = self.ctx.Queue(), self.ctx.Queue(), self.ctx.Event()
        self.procs: list = []
        self.connected = 0

    def add(self, count: int) -> None:
        shares = [CLIENTS_PER_PROC] * (count // CLIENTS_PER_PROC) + ([count % CLIENTS_PER_PROC] if count % CLIENTS_PER_PROC else [])
        new = [self.ctx.Process(target=display_worker, args=(self.url, self.token, n, self.ready, self.results,
                                                             self.stop), daemon=True) for n in shares]
        for proc in new:
            proc.start()
        self.connected += sum(self.ready.get(timeout=300) for _ in new)
        self.procs += new

    def finish(self) -> list[tuple[str, int]]:
        self.stop.set()
        receipts = [row for _ in self.procs for row in self.results.get(timeout=60)]
        for proc in self.procs:
            proc.join(timeout=20)
            if proc.is_alive():
                proc.kill()
        return receipts


# ---------------------------------------------------------------------------- one mode
def measure(mode: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"cf-bench-{mode}-"))
    db_path = tmp / "bench.db"
    hub = LiveHub(f"sqlite:///{db_path}", env={"COUNTERFLOW_ASYNC_MODE": mode}, log_path=tmp / "hub.log").start()
    result: dict = {"mode": mode}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        health = json.loads(response.read())
        result["server_header"] = response.getheader("Server") or "-"
        conn.close()
        if health.get("async_mode") != mode:
            raise SystemExit(f"hub answered async_mode={health.get('async_mode')!r}, expected {mode!r}")
        token = hub.token("teller1")
        bearer = {"Authorization": f"Bearer {token}"}
        result["healthz"] = cpu_per_request(hub, "/healthz", {}, args.requests)
        result["queue"] = cpu_per_request(hub, "/api/v1/branches/demo/queue", bearer, args.requests)

        display_token = json.loads(db_path.with_name(db_path.name + ".demo-tokens.json").read_text())["display"]
        time.sleep(0.5)
        result["processes"] = len(tree(hub.proc.pid))
        result["at"] = {0: threads_and_rss(hub.proc.pid)}
        displays = Displays(hub.base_url, display_token)
        try:
            for target in (100, args.clients):
                displays.add(target - displays.connected)
                time.sleep(1.5)  # let the connections settle (handshakes, first pings)
                result["at"][target] = threads_and_rss(hub.proc.pid)
            result["latency"] = call_latency(hub, bearer, displays, args)
        finally:
            displays.stop.set()
    finally:
        hub.stop()
    return result


def call_latency(hub: LiveHub, bearer: dict, displays: Displays, args) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=30)
    headers = dict(bearer, **{"Content-Type": "application/json"})

    def post(path: str, body: dict | None = None) -> dict:
        conn.request("POST", "/api/v1" + path, body=json.dumps(body or {}), headers=headers)
        response = conn.getresponse()
        data = json.loads(response.read() or b"{}")
        if response.status >= 300:
            raise RuntimeError(f"POST {path}: {response.status} {data}")
        return data

    conn.request("GET", "/api/v1/branches/demo/counters", headers=bearer)
    counters = json.loads(conn.getresponse().read())["counters"]
    counter = next(c["id"] for c in counters if c["number"] == 1)
    post(f"/counters/{counter}/open")
    for _ in range(args.calls):
        post("/branches/demo/tickets", {"service": "A"})
    time.sleep(1.0)
    sent: dict[str, int] = {}
    cpu0 = cpu_seconds(hub.proc.pid)
    for _ in range(args.calls):
        ticket = post(f"/counters/{counter}/call-next", {"complete_current": True})["ticket"]
        sent[ticket["number"]] = time.monotonic_ns()
        time.sleep(args.interval)
    time.sleep(1.5)
    cpu = cpu_seconds(hub.proc.pid) - cpu0
    conn.close()
    receipts = displays.finish()
    latencies = [(at - sent[number]) / 1e6 for number, at in receipts if number in sent]
    expected = displays.connected * len(sent)
    return {"p50": percentile(latencies, 50) if latencies else float("nan"),
            "p99": percentile(latencies, 99) if latencies else float("nan"),
            "max": max(latencies) if latencies else float("nan"),
            "delivered": len(latencies), "expected": expected, "displays": displays.connected,
            "cpu_per_call_ms": cpu / len(sent) * 1000}


# ---------------------------------------------------------------------------- the table
def render(results: list[dict], args) -> str:
    width = 22
    rows: list[tuple[str, list[str]]] = [
        ("Server header", [r["server_header"] for r in results]),
        ("hub processes", [str(r["processes"]) for r in results]),
        ("CPU ms/req GET /healthz", [f"{r['healthz'][0]:.3f}" for r in results]),
        ("CPU ms/req GET queue", [f"{r['queue'][0]:.3f}" for r in results]),
        ("wall ms/req /healthz", [f"{r['healthz'][1]:.3f}" for r in results]),
        ("wall ms/req queue", [f"{r['queue'][1]:.3f}" for r in results]),
    ]
    for n in sorted(results[0]["at"]):
        rows.append((f"threads, {n} displays", [str(r["at"][n][0]) for r in results]))
    for n in sorted(results[0]["at"]):
        rows.append((f"RSS MB, {n} displays", [f"{r['at'][n][1]:.0f}" for r in results]))
    rows += [
        ("call->display p50 ms", [f"{r['latency']['p50']:.1f}" for r in results]),
        ("call->display p99 ms", [f"{r['latency']['p99']:.1f}" for r in results]),
        ("call->display max ms", [f"{r['latency']['max']:.1f}" for r in results]),
        ("deliveries", [f"{r['latency']['delivered']}/{r['latency']['expected']}" for r in results]),
        ("hub CPU ms per call", [f"{r['latency']['cpu_per_call_ms']:.1f}" for r in results]),
    ]
    lines = [f"{args.requests} keep-alive requests per endpoint; {args.clients} python-socketio displays "
             f"(websocket); {args.calls} calls {args.interval} s apart; {os.cpu_count()} CPUs\n",
             f"{'':{width + 4}s}" + "".join(f"{r['mode']:>14s}" for r in results)]
    lines += [f"{label:{width + 4}s}" + "".join(f"{v:>14s}" for v in values) for label, values in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between two calls")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    # `python -m bench bench_server_modes` leaves its own arguments in sys.argv: take none from there.
    args = parser.parse_args(argv if argv is not None else ([] if __name__ != "__main__" else None))
    modes = list(args.modes)
    if "threading" in modes:
        try:
            import gunicorn  # noqa: F401 - the threading mode's server; not a dependency of the project
        except ImportError:
            print("threading mode skipped: `pip install gunicorn` to measure it")
            modes.remove("threading")
    results = [measure(mode, args) for mode in modes]
    print(render(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
