"""Delivery from the event log: latency, integrity and the cost of sockets.

    .venv/bin/python -m bench bench_delivery [--stages 1,100,500] [--hold 2000] [--calls 30] [--no-postgres]

1. One hub on SQLite (`counterflow run --demo`, gevent): for 1, 100 and 500 lobby displays, the time
   from each call-next HTTP response until each display has the `ticket.called` message (p50/p99), and
   what every display received checked against the branch's seq: messages missed, duplicated and out of
   order (goal 0/0/0). Threads, open file handles and RSS of the hub process at each stage, per 100
   sockets. Then `--hold` sockets at once (2,000): held, resources, and a few calls.
2. Two hubs on one PostgreSQL database (a throw-away database on the test cluster, from
   COUNTERFLOW_TEST_DATABASE_URL or var/test-postgres-url): displays on both, calls through both; the
   same figures, split by whether the display sits on the hub that served the call or on the other.

Displays are raw websockets speaking Engine.IO 4 / Socket.IO 5 in a few client processes (selector
loops), so a receipt is stamped the moment its frame is read; CLOCK_MONOTONIC is shared by all
processes of the machine. A script that prints numbers, not a test.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import selectors
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_hub import LiveHub  # noqa: E402

JOIN = {"audience": "display", "branch": "demo"}


# ---------------------------------------------------------------------------- one display
class Display:
    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=30, enable_multithread=False,
                                               skip_utf8_validation=True)  # pure-Python check per byte: the bench, not the hub, would be measured
        assert self.ws.recv().startswith("0")
        self.ws.send("40")
        while not (reply := self.ws.recv()).startswith("40"):
            self._control(reply)
        self.ws.send("421" + json.dumps(["join", JOIN]))
        self.early: list[tuple[int, str, str | None, int]] = []
        while not (reply := self.ws.recv()).startswith("431"):
            self._take(reply, self.early)
        ack = json.loads(reply[3:])[0]
        assert ack["ok"], ack
        self.start_seq = ack["seq"]
        self.got = [m for m in self.early if m[0] > self.start_seq]  # (seq, event, number, ns)

    def _control(self, frame: str) -> None:
        if frame == "2":
            self.ws.send("3")

    def _take(self, frame: str, into: list) -> None:
        at = time.monotonic_ns()
        if not frame.startswith("42"):
            self._control(frame)
            return
        name, payload = json.loads(frame[2:])
        if name == "heartbeat":
            return
        for m in payload if name == "batch" else [payload]:
            ticket = (m.get("data") or {}).get("ticket")
            into.append((m["seq"], m["event"], ticket["number"] if ticket else None, at))

    def read(self) -> None:
        self._take(self.ws.recv(), self.got)


def worker(ws_url: str, count: int, ready, results, stop) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    displays = []
    for _ in range(count):
        for attempt in range(8):
            try:
                displays.append(Display(ws_url))
                break
            except (OSError, websocket.WebSocketException):
                time.sleep(0.2 * (attempt + 1))
        else:
            raise SystemExit("could not connect a display")
    selector = selectors.DefaultSelector()
    for index, display in enumerate(displays):
        selector.register(display.ws.sock, selectors.EVENT_READ, index)
    ready.put(len(displays))
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.2):
            displays[key.data].read()
    results.put([(d.start_seq, d.got) for d in displays])
    for display in displays:
        display.ws.close()


class Crowd:
    """N displays on one hub, in `procs` client processes."""

    def __init__(self, base_url: str, count: int, procs: int):
        ws_url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ready, self.results, self.stop = mp.Queue(), mp.Queue(), mp.Event()
        procs = max(1, min(procs, count))
        shares = [count // procs + (1 if i < count % procs else 0) for i in range(procs)]
        self.procs = [mp.Process(target=worker, args=(ws_url, n, self.ready, self.results, self.stop), daemon=True)
                      for n in shares]
        started = time.monotonic()
        for proc in self.procs:
            proc.start()
        self.connected = sum(self.ready.get(timeout=600) for _ in self.procs)
        self.connect_s = time.monotonic() - started

    def finish(self) -> list[tuple[int, list]]:
        self.stop.set()
        clients = [c for _ in self.procs for c in self.results.get(timeout=120)]
        for proc in self.procs:
            proc.join(timeout=10)
        return clients


# ---------------------------------------------------------------------------- measuring
def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_stats(pid: int) -> dict:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"threads": int(status["Threads"]), "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "rss_mb": int(status["VmRSS"].split()[0]) / 1024}


def integrity(clients: list[tuple[int, list]], head: int) -> tuple[int, int, int]:
    """(missed, duplicated, out of order) over every display, against seqs start+1..head."""
    missed = dup = disorder = 0
    for start, got in clients:
        seqs = [seq for seq, *_ in got]
        missed += len(set(range(start + 1, head + 1)) - set(seqs))
        dup += len(seqs) - len(set(seqs))
        disorder += sum(1 for a, b in zip(seqs, seqs[1:]) if b < a)
    return missed, dup, disorder


def head_seq(base_url: str, http: requests.Session) -> int:
    """The branch's seq as a join sees it (a throw-away display over long-polling would cost more)."""
    import socketio

    client = socketio.Client(reconnection=False)
    client.connect(base_url, transports=["websocket"])
    try:
        return client.call("join", JOIN, timeout=10)["seq"]
    finally:
        client.disconnect()


class Desk:
    def __init__(self, hub: LiveHub, username: str, number: int):
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {hub.token(username)}"
        self.api = hub.base_url + "/api/v1"
        self.counter = next(c["id"] for c in self.http.get(f"{self.api}/branches/demo/counters").json()["counters"]
                            if c["number"] == number)
        self.http.post(f"{self.api}/counters/{self.counter}/open").raise_for_status()

    def issue(self, n: int) -> None:
        for _ in range(n):
            self.http.post(f"{self.api}/branches/demo/tickets", json={"service": "A"}).raise_for_status()

    def call(self) -> tuple[str, int, int]:
        t0 = time.monotonic_ns()
        r = self.http.post(f"{self.api}/counters/{self.counter}/call-next", json={"complete_current": True})
        t1 = time.monotonic_ns()
        r.raise_for_status()
        return r.json()["ticket"]["number"], t0, t1


def latencies(clients, sent: dict[str, int]) -> list[float]:
    return [(at - sent[number]) / 1e6 for _, got in clients for seq, event, number, at in got
            if event == "ticket.called" and number in sent]


def row(label: str, values: list[float], extra: str = "") -> str:
    return (f"{label:38s}{percentile(values, 50):9.1f}{percentile(values, 99):9.1f}{max(values or [float('nan')]):9.1f}"
            f"   {extra}")


# ---------------------------------------------------------------------------- the runs
def one_hub(stages: list[int], hold: int, calls: int, procs: int, interval: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="cf-bench-delivery-"))
    hub = LiveHub(f"sqlite:///{tmp / 'bench.db'}", log_path=tmp / "hub.log").start()
    try:
        desk = Desk(hub, "teller1", 1)
        desk.issue(calls * (len(stages) + 1) + 20)
        base = proc_stats(hub.proc.pid)
        print(f"\n== one hub, SQLite, gevent ==  idle hub: {base['threads']} threads, {base['fds']} fds, "
              f"{base['rss_mb']:.0f} MB RSS")
        print(f"{'ms after the call-next response':38s}{'p50':>9s}{'p99':>9s}{'max':>9s}   "
              "missed/dup/disorder, hub resources")
        for count in [c for c in (*stages, hold) if c > 0]:
            crowd = Crowd(hub.base_url, count, procs if count < 1000 else max(procs, 4))
            time.sleep(1.0)
            stats = proc_stats(hub.proc.pid)
            sent: dict[str, int] = {}
            n = calls if count != hold else max(5, calls // 3)
            hub_cpu = cpu_seconds(hub.proc.pid)
            client_cpu = sum(cpu_seconds(p.pid) for p in crowd.procs)
            for _ in range(n):
                number, _, t1 = desk.call()
                sent[number] = t1
                time.sleep(interval)
            time.sleep(1.5)
            hub_cpu = (cpu_seconds(hub.proc.pid) - hub_cpu) / n * 1000
            client_cpu = (sum(cpu_seconds(p.pid) for p in crowd.procs) - client_cpu) / n * 1000
            head = head_seq(hub.base_url, desk.http)
            clients = crowd.finish()
            missed, dup, disorder = integrity(clients, head)
            per100 = 100 / count
            label = f"{crowd.connected} displays ({n} calls)" + (" [held]" if count == hold else "")
            print(row(label, latencies(clients, sent),
                      f"{missed}/{dup}/{disorder}; {stats['threads']} threads, {stats['fds']} fds, "
                      f"{stats['rss_mb']:.0f} MB; per 100 sockets: "
                      f"{(stats['threads'] - base['threads']) * per100:+.1f} threads, "
                      f"{(stats['fds'] - base['fds']) * per100:+.0f} fds, "
                      f"{(stats['rss_mb'] - base['rss_mb']) * per100:+.1f} MB; connected in {crowd.connect_s:.0f} s; "
                      f"CPU per call: hub {hub_cpu:.0f} ms, display clients {client_cpu:.0f} ms"))
            time.sleep(1.0)
    finally:
        hub.stop()


def postgres_url() -> str | None:
    url = os.environ.get("COUNTERFLOW_TEST_DATABASE_URL")
    path = ROOT / "var" / "test-postgres-url"
    return url or (path.read_text().strip() if path.exists() else None)


def two_hubs(per_hub: int, calls: int, procs: int, interval: float, env: dict[str, str]) -> None:
    admin_url = postgres_url()
    if not admin_url:
        print("\n== two hubs: no PostgreSQL (set COUNTERFLOW_TEST_DATABASE_URL) ==")
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"cf_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    tmp = Path(tempfile.mkdtemp(prefix="cf-bench-2hubs-"))
    hubs: list[LiveHub] = []
    try:
        hubs.append(LiveHub(url, env=env, log_path=tmp / "a.log").start())
        hubs.append(LiveHub(url, env={**env, "COUNTERFLOW_DEVICE_MANAGER": "false"}, log_path=tmp / "b.log").start())
        desks = [Desk(hubs[0], "teller1", 1), Desk(hubs[1], "teller2", 2)]
        desks[0].issue(2 * calls + 10)
        crowds = [Crowd(hub.base_url, per_hub, procs) for hub in hubs]
        time.sleep(1.0)
        sent: dict[str, tuple[int, int]] = {}  # number -> (hub index, response ns)
        for i in range(calls):
            for index, desk in enumerate(desks):
                number, _, t1 = desk.call()
                sent[number] = (index, t1)
            time.sleep(interval)
        time.sleep(1.5)
        head = head_seq(hubs[0].base_url, desks[0].http)
        results = [crowd.finish() for crowd in crowds]
        same, other = [], []
        for display_hub, clients in enumerate(results):
            for _, got in clients:
                for seq, event, number, at in got:
                    if event == "ticket.called" and number in sent:
                        call_hub, t1 = sent[number]
                        (same if call_hub == display_hub else other).append((at - t1) / 1e6)
        missed, dup, disorder = integrity([c for clients in results for c in clients], head)
        queue = env.get("COUNTERFLOW_SOCKETIO_MESSAGE_QUEUE")
        print(f"\n== two hubs, one PostgreSQL, {'message queue ' + queue if queue else 'no message queue'}: "
              f"{per_hub} displays on each, {len(sent)} calls through both ==")
        print(f"{'ms after the call-next response':38s}{'p50':>9s}{'p99':>9s}{'max':>9s}")
        print(row("display on the hub that took the call", same))
        print(row("display on the other hub", other))
        print(f"missed/duplicated/out of order over {2 * per_hub} displays: {missed}/{dup}/{disorder}")
    finally:
        for hub in hubs:
            hub.stop()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stages", default="1,100,500")
    parser.add_argument("--hold", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between calls")
    parser.add_argument("--per-hub", type=int, default=100, help="displays on each of the two hubs")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--message-queue", help="COUNTERFLOW_SOCKETIO_MESSAGE_QUEUE for the two hubs (to measure "
                        "a hub version that still used one; this one ignores it)")
    parser.add_argument("--only-postgres", action="store_true")
    args, _ = parser.parse_known_args()  # `python -m bench bench_delivery` leaves the module name in argv
    if not args.only_postgres:
        one_hub([int(s) for s in args.stages.split(",") if s], args.hold, args.calls, args.procs, args.interval)
    if not args.no_postgres:
        env = {"COUNTERFLOW_SOCKETIO_MESSAGE_QUEUE": args.message_queue} if args.message_queue else {}
        two_hubs(args.per_hub, args.calls, args.procs, args.interval, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
