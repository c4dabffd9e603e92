"""Soak benchmark: a busy branch compressed into minutes, against the production server (`counterflow run`,
gevent pywsgi), watching the hub process for growth.

    .venv/bin/python bench/bench_soak.py [--minutes 10] [--displays 50] [--rate 20] [--churn 5]
                                         [--churn-every 30] [--sample-s 60] [--database URL]

Traffic: a teller issues and calls tickets (`--rate` operations a second, each issue or call-next is
one), `--displays` lobby displays listen (raw websockets speaking Engine.IO 4 / Socket.IO 5, like a
browser's socket.io-client) and every `--churn-every` seconds `--churn` of them leave with a proper
close handshake and are replaced. A real branch does about 2 operations a second; the default 20 is
ten hours of a branch per hour of soak.

Every `--sample-s` it prints the hub's RSS, threads and open files, the operations so far and p50/p99
of the operations in that interval; at the end the RSS slope per hour (least squares over the samples
after the first) and per 1,000 operations, how long display closes took, and the error-level lines
in the hub's log. A script that prints numbers, not a test (tests/core/test_soak_memory.py is the
bounded CI version). `--attach URL PID` drives a hub that is already running (e.g. under a profiler).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import selectors
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_hub import LiveHub  # noqa: E402

JOIN = {"audience": "display", "branch": "demo"}
MIB = 1024 * 1024


# ---------------------------------------------------------------------------- the hub process
def process_figures(pid: int) -> dict:
    """RSS (bytes), threads and open files of a process, from /proc (Linux)."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss": int(status["VmRSS"].split()[0]) * 1024, "threads": int(status["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (x, y) points; 0 with fewer than two."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


# ---------------------------------------------------------------------------- displays
class Display:
    """One lobby display over a raw websocket: handshake, join, answer pings, read everything."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=15, skip_utf8_validation=True)
        self.sock = self.ws.sock  # kept: websocket-client drops ws.sock when the connection fails
        assert self.ws.recv().startswith("0")
        self.ws.send("40")
        while not (reply := self.ws.recv()).startswith("40"):
            self.answer(reply)
        self.ws.send("421" + json.dumps(["join", JOIN]))
        while not (reply := self.ws.recv()).startswith("431"):
            self.answer(reply)
        assert json.loads(reply[3:])[0]["ok"], reply

    def answer(self, frame: str) -> None:
        if frame == "2":  # Engine.IO ping
            self.ws.send("3")

    def close(self) -> float:
        """Leave as a browser does: send a close frame and wait for the hub's; seconds it took."""
        started = time.monotonic()
        self.ws.close(timeout=5)
        return time.monotonic() - started


def display_worker(ws_url: str, count: int, churn: int, churn_every: float, stop, results) -> None:
    """Keep `count` displays connected, replacing `churn` of them every `churn_every` seconds."""
    selector = selectors.DefaultSelector()
    displays: list[Display] = []
    closes: list[float] = []
    drops: list[str] = []  # connections lost without a close: a lobby that would miss calls
    messages = 0

    def add() -> None:
        display = Display(ws_url)
        displays.append(display)
        selector.register(display.sock, selectors.EVENT_READ, display)

    def remove(display: Display) -> None:
        selector.unregister(display.sock)
        displays.remove(display)
        closes.append(display.close())

    for _ in range(count):
        add()
    next_churn = time.monotonic() + churn_every
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.2):
            try:
                frame = key.data.ws.recv()
            except (OSError, websocket.WebSocketException) as err:
                drops.append(f"{type(err).__name__}: {err}")
                selector.unregister(key.data.sock)
                displays.remove(key.data)
                add()
                continue
            messages += 1
            key.data.answer(frame)
        if churn and time.monotonic() >= next_churn:
            next_churn += churn_every
            for display in displays[:churn]:  # the oldest leave, new ones take their place
                remove(display)
                add()
    for display in list(displays):
        remove(display)
    results.put({"messages": messages, "closes": closes, "drops": drops})


# ---------------------------------------------------------------------------- traffic
class Teller:
    """Issues and calls tickets at a steady rate; records each operation's latency."""

    def __init__(self, base_url: str, token: str):
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.api = base_url + "/api/v1"
        counters = self.http.get(f"{self.api}/branches/demo/counters", timeout=10).json()["counters"]
        self.counter = next(c["id"] for c in counters if c["number"] == 1)
        self.http.post(f"{self.api}/counters/{self.counter}/open", timeout=10)
        self.ops = 0
        self.latencies: list[float] = []
        self.lock = threading.Lock()

    def operation(self) -> None:
        """An issue or a call-next (with the current ticket completed), alternately."""
        started = time.monotonic()
        if self.ops % 2 == 0:
            r = self.http.post(f"{self.api}/branches/demo/tickets", json={"service": "A"}, timeout=30)
        else:
            r = self.http.post(f"{self.api}/counters/{self.counter}/call-next", json={"complete_current": True},
                               timeout=30)
        r.raise_for_status()
        with self.lock:
            self.latencies.append((time.monotonic() - started) * 1000)
            self.ops += 1

    def take_latencies(self) -> list[float]:
        with self.lock:
            taken, self.latencies = self.latencies, []
        return taken

    def run(self, rate: float, until: float) -> None:
        interval = 1.0 / rate
        next_at = time.monotonic()
        while time.monotonic() < until:
            self.operation()
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))


# ---------------------------------------------------------------------------- the run
def soak(base_url: str, pid: int, token: str, *, minutes: float, displays: int, rate: float, churn: int,
         churn_every: float, sample_s: float, out=print) -> dict:
    """Run the traffic for `minutes`, sampling the hub every `sample_s`; returns the figures."""
    ws_url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    teller = Teller(base_url, token)
    for _ in range(20):  # warm up: the first tickets fill caches and pools that then stay
        teller.operation()
    stop, results = mp.Event(), mp.Queue()
    worker = mp.Process(target=display_worker, args=(ws_url, displays, churn, churn_every, stop, results),
                        daemon=True)
    worker.start()
    time.sleep(2.0 + displays / 50)
    started = time.monotonic()
    end = started + minutes * 60
    traffic = threading.Thread(target=teller.run, args=(rate, end), daemon=True)
    traffic.start()
    samples: list[dict] = []
    out(f"{'min':>5} {'RSS MiB':>8} {'threads':>7} {'fds':>5} {'ops':>8} {'p50 ms':>7} {'p99 ms':>7}")
    teller.take_latencies()
    while True:
        time.sleep(max(0.0, min(sample_s, end - time.monotonic())))
        figures = process_figures(pid)
        latencies = teller.take_latencies()
        sample = {"t": time.monotonic() - started, "ops": teller.ops, **figures,
                  "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}
        samples.append(sample)
        out(f"{sample['t'] / 60:5.1f} {sample['rss'] / MIB:8.1f} {sample['threads']:7d} {sample['fds']:5d} "
            f"{sample['ops']:8d} {sample['p50']:7.1f} {sample['p99']:7.1f}")
        if time.monotonic() >= end - 0.5:
            break
    traffic.join(timeout=60)
    stop.set()
    shown = results.get(timeout=120)
    worker.join(timeout=10)
    steady = samples[1:] if len(samples) > 2 else samples
    per_hour = slope([(s["t"] / 3600, s["rss"] / MIB) for s in steady])
    per_kop = slope([(s["ops"] / 1000, s["rss"] / MIB) for s in steady])
    closes = shown["closes"]
    summary = {"minutes": minutes, "ops": teller.ops, "displays": displays, "messages": shown["messages"],
               "rss_slope_mib_per_hour": round(per_hour, 2), "rss_slope_mib_per_1000_ops": round(per_kop, 3),
               "display_closes": len(closes), "close_p50_s": round(percentile(closes, 50), 3),
               "close_max_s": round(max(closes, default=0.0), 3), "display_drops": len(shown["drops"]),
               "samples": samples}
    out(f"RSS slope: {per_hour:+.2f} MiB/hour, {per_kop:+.3f} MiB per 1,000 operations "
        f"({teller.ops} operations, {shown['messages']} frames to displays)")
    out(f"display closes: {len(closes)}, p50 {summary['close_p50_s']} s, max {summary['close_max_s']} s; "
        f"connections lost (replaced): {len(shown['drops'])}")
    for reason in sorted(set(shown["drops"]))[:5]:
        out(f"  lost: {reason}")
    return summary


def error_lines(log_path: Path) -> list[str]:
    """Lines of the hub's log at warning level or above, and anything that is not JSON (tracebacks)."""
    found = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            level = json.loads(line).get("level")
        except ValueError:
            level = None if line.startswith(" ") or not line.strip() else "raw"
            if line.startswith(("  ", "CounterFlow", "Demo")):
                continue
        if level in ("warning", "error", "critical", "raw"):
            found.append(line)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--displays", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="operations a second (issue or call-next)")
    parser.add_argument("--churn", type=int, default=5, help="displays replaced at each churn")
    parser.add_argument("--churn-every", type=float, default=30.0)
    parser.add_argument("--sample-s", type=float, default=60.0)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--attach", nargs=2, metavar=("URL", "PID"), help="a hub already running")
    args, _ = parser.parse_known_args(sys.argv[1:] if __name__ == "__main__" else [])
    options = dict(minutes=args.minutes, displays=args.displays, rate=args.rate, churn=args.churn,
                   churn_every=args.churn_every, sample_s=args.sample_s)
    if args.attach:
        url, pid = args.attach[0], int(args.attach[1])
        token = requests.post(url + "/api/v1/auth/token", json={"username": "teller1", "password": "demo"},
                              timeout=10).json()["token"]
        soak(url, pid, token, **options)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="cf-soak-"))
    hub = LiveHub(args.database or f"sqlite:///{tmp / 'soak.db'}", log_path=tmp / "hub.log").start()
    try:
        soak(hub.base_url, hub.proc.pid, hub.token("teller1"), **options)
    finally:
        hub.stop()
    errors = error_lines(tmp / "hub.log")
    print(f"hub log: {len(errors)} lines at warning level or above ({tmp / 'hub.log'})")
    for line in errors[:10]:
        print("   ", line[:200])
    return 0


if __name__ == "__main__":
    sys.exit(main())
