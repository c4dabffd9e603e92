"""Core hub throughput, latency and CPU cost through HTTP, on SQLite and PostgreSQL.

1. `issue` and `complete+call-next` at 1, 16 and 64 concurrent keep-alive clients: ops/s, p50, p99, and
   the hub's own CPU time per operation (utime+stime of the hub process and its children, from /proc),
   next to the figures of the old Werkzeug hub.
2. call-next (engine, no HTTP) with 100 vs 100,000 tickets waiting: median wall time and CPU per call.
3. History: the same branch with 300 tickets done in the last 3 hours only, and with 250,000 done tickets
   over the previous 365 days as well; issue, GET queue and complete+call-next through the hub.

The hub runs as a real subprocess (tests/support/live_hub.py: `python -m server run`). The client is
http.client on one keep-alive connection per client thread, so that it costs little CPU next to the hub.
PostgreSQL runs when var/test-postgres-url (or COUNTERFLOW_TEST_DATABASE_URL) names a server: each case
gets a throw-away database that is dropped afterwards. PostgreSQL's own CPU (the backends serving the bench
database) is reported separately from the hub's.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import math
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from server import migrate
from server.db import Database
from server.demo import ensure_demo
from server.models import Branch, Counter, DayClose, NumberSequence, Service, Ticket, User
from server.queue import QueueEngine
from server.queue.actors import SYSTEM
from server.queue.clock import business_day
from tests.support.live_hub import LiveHub

ROOT = Path(__file__).resolve().parents[1]
LEVELS = {1: 1000, 16: 3200, 64: 6400}  # clients -> operations per phase (each phase also stops after PHASE_S)
PHASE_S = 15.0
WARMUP_OPS = 20
HISTORY_TICKETS = 250_000
HISTORY_DAYS = 365
RECENT_DONE = 300  # done in the last 3 hours, in both history cases (the wait estimates read them)
HISTORY_OPS = 1000
# The old Werkzeug hub (before this change), as measured then: clients -> (ops/s, p99 ms).
BEFORE = {
    "issue": {1: (54, 27), 16: (53, 379), 64: (52, 1540)},
    "complete+call-next": {1: (54, 26), 16: (49, 452), 64: (58, 1322)},
}
BEFORE_CPU = "13-18"
CLK_TCK = os.sysconf("SC_CLK_TCK")
LOG_DIR = Path(tempfile.gettempdir()) / "counterflow-bench-logs"  # hub logs, kept after the run


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---------------------------------------------------------------------------------------------- CPU time
def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(ppid, CPU seconds including reaped children) of one process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid ... utime stime cutime cstime
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / CLK_TCK


def tree_cpu_s(root: int) -> float:
    """CPU seconds of a process and all its descendants (workers the hub may fork)."""
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _proc_stat(int(name))
            if st is not None:
                stats[int(name)] = st
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo.extend(children.get(pid, ()))
    return total


class PgBackends:
    """CPU of the PostgreSQL backends connected to one database (same machine only)."""

    def __init__(self, admin_url: str | None, database: str | None):
        self.engine = create_engine(admin_url, isolation_level="AUTOCOMMIT") if admin_url else None
        self.database = database

    def snapshot(self) -> dict[int, float] | None:
        if self.engine is None:
            return None
        with self.engine.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
                                {"d": self.database}).scalars().all()
        result = {}
        for pid in pids:
            st = _proc_stat(pid)
            if st is not None:
                result[pid] = st[1]
        return result if result or pids == [] else None  # backends we cannot see: not on this machine

    @staticmethod
    def delta(before: dict[int, float] | None, after: dict[int, float] | None) -> float | None:
        if before is None or after is None:
            return None
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def machine_busy_s() -> float:
    """CPU seconds spent by everything on the machine (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLK_TCK  # minus idle and iowait


def client_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


# ---------------------------------------------------------------------------------------------- databases
def _prepare(url: str) -> str:
    migrate.upgrade(url)
    db = Database(url)
    ensure_demo(db)
    db.dispose()
    return url


def pg_admin_url() -> str | None:
    url = os.environ.get("COUNTERFLOW_TEST_DATABASE_URL")
    path = ROOT / "var" / "test-postgres-url"
    if not url and path.exists():
        url = path.read_text().strip()
    return url or None


@contextlib.contextmanager
def database(kind: str, folder: Path):
    """Yields (url, PgBackends) for a fresh migrated database holding the demo branch."""
    if kind == "sqlite":
        url = _prepare(f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.db'}")
        yield url, PgBackends(None, None)
        return
    admin_url = pg_admin_url()
    name = f"cf_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    backends = PgBackends(admin_url, name)
    try:
        yield _prepare(make_url(admin_url).set(database=name).render_as_string(hide_password=False)), backends
    finally:
        backends.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def kinds() -> list[str]:
    return ["sqlite", "postgresql"] if pg_admin_url() else ["sqlite"]


# ---------------------------------------------------------------------------------------------- HTTP client
class Client:
    """One keep-alive HTTP/1.1 connection; reconnects (and counts it) when the server closes it."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn: http.client.HTTPConnection | None = None
        self.connects = 0

    def connect(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        self.conn.connect()
        self.connects += 1

    def request(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode()
        for attempt in (0, 1):
            if self.conn is None:
                self.connect()
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.will_close:
                    self.close()
                return response.status, payload
            except (http.client.RemoteDisconnected, http.client.CannotSendRequest, ConnectionResetError,
                    BrokenPipeError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def error_code(status: int, payload: bytes) -> str:
    try:
        return json.loads(payload)["error"]["code"]
    except Exception:  # noqa: BLE001 - anything unexpected is reported by its status
        return f"http_{status}"


def run_phase(hub: LiveHub, token: str, n_clients: int, n_ops: int, op, backends: PgBackends,
              limit_s: float = PHASE_S) -> dict:
    """`n_ops` operations split over `n_clients` threads (each on its own connection), at most `limit_s`."""
    shares = [n_ops // n_clients + (1 if i < n_ops % n_clients else 0) for i in range(n_clients)]
    clients = [Client(hub.port, token) for _ in range(n_clients)]
    for c in clients:
        c.connect()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(n_clients + 1)
    stop_at = [0.0]

    def work(index: int) -> None:
        client, mine, bad = clients[index], [], {}
        barrier.wait()
        for i in range(shares[index]):
            if time.perf_counter() > stop_at[0]:
                break
            t0 = time.perf_counter()
            status, payload = op(client, index, i)
            elapsed = time.perf_counter() - t0
            if status < 300:
                mine.append(elapsed)
            else:
                code = error_code(status, payload)
                bad[code] = bad.get(code, 0) + 1
        client.close()
        with lock:
            latencies.extend(mine)
            for code, n in bad.items():
                errors[code] = errors.get(code, 0) + n

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_clients)]
    for t in threads:
        t.start()
    hub_before, client_before, db_before = tree_cpu_s(hub.proc.pid), client_cpu_s(), backends.snapshot()
    busy_before = machine_busy_s()
    start = time.perf_counter()
    stop_at[0] = start + limit_s
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    hub_cpu, client_cpu = tree_cpu_s(hub.proc.pid) - hub_before, client_cpu_s() - client_before
    db_cpu = PgBackends.delta(db_before, backends.snapshot())
    other = machine_busy_s() - busy_before - hub_cpu - client_cpu - (db_cpu or 0.0)
    ops = len(latencies) + sum(errors.values())
    return {
        "ops": ops, "ok": len(latencies), "errors": errors, "elapsed": elapsed, "rate": ops / elapsed,
        "p50": percentile(latencies, 50) * 1000, "p99": percentile(latencies, 99) * 1000,
        "hub_ms": 1000 * hub_cpu / max(1, ops), "client_ms": 1000 * client_cpu / max(1, ops),
        "db_ms": None if db_cpu is None else 1000 * db_cpu / max(1, ops),
        "reconnects": sum(c.connects for c in clients) - n_clients,
        "others": max(0.0, other) / elapsed,  # cores busy with anything else (other sessions' work, noise)
    }


def hub_log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def started_hub(url: str, attempts: int = 3):
    """LiveHub, retried a few times: the hub code may be mid-edit by someone else for a moment."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"hub-{time.strftime('%H%M%S')}-{uuid.uuid4().hex[:4]}.log"
    for attempt in range(attempts):
        hub = LiveHub(url, log_path=log)
        try:
            hub.start(timeout=60)
            break
        except RuntimeError as exc:
            out(f"  (hub did not start: {exc}; log tail:\n{hub_log_tail(log)}\n  retrying in 60 s)")
            if attempt == attempts - 1:
                raise
            time.sleep(60)
    try:
        yield hub
    finally:
        hub.stop()


def idle_cpu_ms_per_s(hub: LiveHub, seconds: float = 3.0) -> float:
    before = tree_cpu_s(hub.proc.pid)
    time.sleep(seconds)
    return 1000 * (tree_cpu_s(hub.proc.pid) - before) / seconds


# ---------------------------------------------------------------------------------------------- 1. levels
def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def http_levels(kind: str, tmp: Path) -> list[tuple]:
    rows = []
    with database(kind, tmp) as (url, backends), started_hub(url) as hub:
        admin = Client(hub.port, hub.token("admin"))
        for number in range(5, 65):
            status, payload = admin.request("POST", "/api/v1/branches/demo/counters",
                                            {"number": number, "services": ["A"]})
            if status != 201:
                raise RuntimeError(f"adding counter {number}: {status} {payload[:200]!r}; hub log "
                                   f"{hub.log_path}:\n{hub_log_tail(hub.log_path, 30)}")
        admin.close()
        token = hub.token("supervisor")
        sup = Client(hub.port, token)
        status, payload = sup.request("GET", "/api/v1/branches/demo/counters")
        counter_ids = [c["id"] for c in json.loads(payload)["counters"]]
        for cid in counter_ids:
            status, payload = sup.request("POST", f"/api/v1/counters/{cid}/open")
            assert status == 200, payload

        def issue(client, index, i):
            return client.request("POST", "/api/v1/branches/demo/tickets", {"service": "A"})

        def complete_and_call(client, index, i):
            return client.request("POST", f"/api/v1/counters/{counter_ids[index % len(counter_ids)]}/call-next",
                                  {"complete_current": True})

        for _ in range(WARMUP_OPS):
            issue(sup, 0, 0)
        for _ in range(WARMUP_OPS):
            complete_and_call(sup, 0, 0)
        idle = idle_cpu_ms_per_s(hub)
        status, payload = sup.request("GET", "/healthz")
        mode = json.loads(payload).get("async_mode", "?") if status == 200 else f"healthz {status}"
        sup.close()
        for clients, ops in LEVELS.items():
            issued = run_phase(hub, token, clients, ops, issue, backends)
            rows.append((kind, "issue", clients, issued))
            # As many call-nexts as tickets were just issued, so the queue does not run dry.
            called = run_phase(hub, token, clients, issued["ok"], complete_and_call, backends)
            rows.append((kind, "complete+call-next", clients, called))
    out(f"  ({kind}: hub async_mode {mode}; idle hub CPU {idle:.1f} ms/s, included in the CPU figures below)")
    return rows


def print_levels(rows: list[tuple]) -> None:
    out(f"{'database':<11}{'operation':<20}{'clients':>7}{'ops':>6}{'ops/s':>7}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'hub CPU':>9}{'PG CPU':>8}{'client':>8}{'others':>7} | {'before: ops/s':>13}{'p99 ms':>8}{'CPU':>7}")
    out(f"{'':<59}{'ms/op':>9}{'ms/op':>8}{'ms/op':>8}{'cores':>7} |")
    notes = []
    for kind, name, clients, r in rows:
        before_rate, before_p99 = BEFORE[name][clients]
        ref = f"{before_rate:>13}{before_p99:>8}{BEFORE_CPU:>7}" if kind == "sqlite" else f"{'':>13}{'':>8}{'':>7}"
        out(f"{kind:<11}{name:<20}{clients:>7}{r['ops']:>6}{r['rate']:>7.0f}{r['p50']:>8.1f}{r['p99']:>8.1f}"
            f"{r['hub_ms']:>9.2f}{fmt_ms(r['db_ms']):>8}{r['client_ms']:>8.2f}{r['others']:>7.2f} | {ref}")
        if r["errors"] or r["reconnects"]:
            notes.append(f"  {kind} {name} x{clients}: errors {r['errors'] or 'none'}, "
                         f"{r['reconnects']} reconnects")
    for note in notes:
        out(note)
    out("  before = old Werkzeug hub, SQLite (figures from the earlier run of this bench; CPU 13-18 ms/op overall)")


# ---------------------------------------------------------------------------------------------- 2. call-next
def call_next_latency(waiting: int, repeats: int = 50) -> tuple[float, float]:
    """Median call-next wall time and mean CPU time (engine, no HTTP) with `waiting` tickets in the queue."""
    with tempfile.TemporaryDirectory() as tmp:
        url = _prepare(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db = Database(url)
        with db.write() as s:
            service = s.execute(select(Service).where(Service.code == "A")).scalar_one()
            counter_id = s.execute(select(Counter.id).where(Counter.number == 1)).scalar_one()
            base = dt.datetime(2026, 1, 5, 1, 0)
            rows = [
                dict(branch_id=service.branch_id, service_id=service.id, business_day=dt.date(2026, 1, 5), seq=i,
                     number=f"A{i:03d}", priority=2, channel="kiosk", status="waiting",
                     public_token=secrets.token_hex(12), created_at=base + dt.timedelta(seconds=i),
                     arrived_at=base + dt.timedelta(seconds=i), recall_count=0, requeue_count=0, transfer_gen=0)
                for i in range(1, waiting + 1)
            ]
            for start in range(0, len(rows), 5000):
                s.execute(insert(Ticket), rows[start:start + 5000])
        engine = QueueEngine(db)
        engine.open_counter(counter_id, SYSTEM, None)
        for _ in range(3):  # warm-up: statement caches, the branch configuration
            engine.call_next(counter_id, SYSTEM, complete_current=True)
        timings = []
        cpu0 = time.process_time()
        for _ in range(repeats):
            t0 = time.perf_counter()
            engine.call_next(counter_id, SYSTEM, complete_current=True)
            timings.append(time.perf_counter() - t0)
        cpu = (time.process_time() - cpu0) / repeats
        db.dispose()
        return statistics.median(timings), cpu


# ---------------------------------------------------------------------------------------------- 3. history
def add_history(url: str, tickets: int) -> float:
    """`tickets` done tickets over the previous HISTORY_DAYS days (plus a day close each), and RECENT_DONE
    done in the last 3 hours; returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(7)
    db = Database(url)
    with db.write() as s:
        branch = s.execute(select(Branch).where(Branch.code == "demo")).scalar_one()
        services = {sv.code: sv for sv in s.execute(select(Service).where(Service.branch_id == branch.id)).scalars()}
        counters = {c.number: c.id for c in s.execute(select(Counter).where(Counter.branch_id == branch.id)).scalars()}
        tellers = s.execute(select(User.id).where(User.role == "teller").order_by(User.username)).scalars().all()
        timezone = branch.timezone
    by_service = {"A": [1, 2, 3, 4], "B": [1, 3], "C": [2, 4], "V": [4]}
    mix = "AAAAAABBCV"
    seqs: dict[tuple[int, dt.date], int] = {}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    today = business_day(now, timezone)

    def row(code: str, arrived: dt.datetime) -> dict:
        service = services[code]
        day = business_day(arrived, timezone)
        seq = seqs[(service.id, day)] = seqs.get((service.id, day), 0) + 1
        number = by_service[code][seq % len(by_service[code])]
        called = arrived + dt.timedelta(seconds=rng.uniform(0, 900))
        started_at = called + dt.timedelta(seconds=rng.uniform(10, 60))
        finished = started_at + dt.timedelta(seconds=min(4 * service.default_service_s,
                                                         rng.expovariate(1 / service.default_service_s) + 30))
        return dict(branch_id=branch.id, service_id=service.id, business_day=day, seq=seq,
                    number=f"{code}{seq:03d}", priority=2, channel="kiosk", status="done",
                    public_token=secrets.token_urlsafe(24), created_at=arrived, arrived_at=arrived, called_at=called,
                    started_at=started_at, finished_at=finished, counter_id=counters[number],
                    staff_id=tellers[(number - 1) % len(tellers)], recall_count=0, requeue_count=0, transfer_gen=0,
                    issued_by="kiosk", printed=True)

    rows = []
    if tickets:
        per_day = math.ceil(tickets / HISTORY_DAYS)
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            opening = dt.datetime.combine(day, dt.time(1, 0))  # 09:00 in Asia/Taipei, stored as naive UTC
            for i in range(min(per_day, tickets - len(rows))):
                rows.append(row(mix[i % len(mix)], opening + dt.timedelta(seconds=i * 23_400 / per_day)))
    closed_days = sorted({r["business_day"] for r in rows})
    for i in range(RECENT_DONE):  # arrived 3 h to 40 min ago; all finished before now
        rows.append(row(mix[i % len(mix)], now - dt.timedelta(hours=3) + dt.timedelta(seconds=i * 28)))
        rows[-1]["finished_at"] = min(rows[-1]["finished_at"], now - dt.timedelta(seconds=30))
    with db.write() as s:
        for start in range(0, len(rows), 10_000):
            s.execute(insert(Ticket), rows[start:start + 10_000])
        s.execute(insert(NumberSequence), [dict(service_id=sid, business_day=day, last=last)
                                           for (sid, day), last in seqs.items()])
        if closed_days:
            s.execute(insert(DayClose), [dict(branch_id=branch.id, business_day=day, closed_by="supervisor",
                                              closed_at=dt.datetime.combine(day, dt.time(8, 0)),
                                              report={"tickets": per_day}) for day in closed_days if day != today])
    if not db.is_sqlite:
        with db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))  # what autovacuum would have done after a year of inserts
    db.dispose()
    return time.perf_counter() - started


def history_case(kind: str, tmp: Path, tickets: int) -> dict:
    with database(kind, tmp) as (url, backends):
        load_s = add_history(url, tickets)
        with started_hub(url) as hub:
            token = hub.token("supervisor")
            sup = Client(hub.port, token)
            status, payload = sup.request("GET", "/api/v1/branches/demo/counters")
            counter_id = next(c["id"] for c in json.loads(payload)["counters"] if c["number"] == 1)
            assert sup.request("POST", f"/api/v1/counters/{counter_id}/open")[0] == 200
            sup.close()

            def issue(client, index, i):
                return client.request("POST", "/api/v1/branches/demo/tickets", {"service": "A"})

            def queue(client, index, i):
                return client.request("GET", "/api/v1/branches/demo/queue")

            def complete_and_call(client, index, i):
                return client.request("POST", f"/api/v1/counters/{counter_id}/call-next", {"complete_current": True})

            result = {"load_s": load_s}
            for name, op in (("issue", issue), ("queue", queue), ("call-next", complete_and_call)):
                run_phase(hub, token, 1, WARMUP_OPS, op, backends)
                result[name] = run_phase(hub, token, 1, HISTORY_OPS, op, backends, limit_s=30)
            return result


def print_history(results: dict) -> None:
    out(f"{'database':<11}{'history':<28}{'issue CPU':>10}{'p50':>7}{'queue CPU':>10}{'p50':>7}"
        f"{'call CPU':>9}{'p50':>7}{'PG CPU issue/queue/call':>25}")
    for (kind, label), r in results.items():
        db_ms = "/".join(fmt_ms(r[n]["db_ms"]) for n in ("issue", "queue", "call-next"))
        out(f"{kind:<11}{label:<28}{r['issue']['hub_ms']:>10.2f}{r['issue']['p50']:>7.1f}"
            f"{r['queue']['hub_ms']:>10.2f}{r['queue']['p50']:>7.1f}{r['call-next']['hub_ms']:>9.2f}"
            f"{r['call-next']['p50']:>7.1f}{db_ms:>25}")
        for name in ("issue", "queue", "call-next"):
            if r[name]["errors"]:
                out(f"  {kind} {label} {name}: errors {r[name]['errors']}")
    out(f"  CPU = hub CPU ms per request, p50 = ms, 1 client, {HISTORY_OPS} requests each ({HISTORY_OPS} tickets "
        "waiting during the GETs); history rows bulk-inserted (load: "
        + ", ".join(f"{k[0]} {r['load_s']:.0f} s" for k, r in results.items() if k[1] != "recent only") + ")")


# ---------------------------------------------------------------------------------------------- main
def main() -> None:
    started = time.perf_counter()
    out(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start; 'others' = cores busy with "
        "anything but the hub, this client and PostgreSQL's bench backends during the phase")
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for kind in kinds():
            rows += http_levels(kind, Path(tmp))
        print_levels(rows)

        small, large = call_next_latency(100), call_next_latency(100_000)
        out(f"\ncall-next (engine, SQLite, complete_current), 50 calls: median {small[0] * 1000:.2f} ms wall, "
            f"{small[1] * 1000:.2f} ms CPU with 100 waiting; {large[0] * 1000:.2f} ms wall, {large[1] * 1000:.2f} ms CPU "
            f"with 100,000 waiting (wall ratio {large[0] / small[0]:.2f})")

        out(f"\nhistory: {RECENT_DONE} tickets done in the last 3 h only, vs those plus {HISTORY_TICKETS:,} done over "
            f"the previous {HISTORY_DAYS} days (and a day close each)")
        results = {}
        for kind in kinds():
            results[(kind, "recent only")] = history_case(kind, Path(tmp), 0)
            results[(kind, f"+{HISTORY_TICKETS:,} over {HISTORY_DAYS} d")] = history_case(kind, Path(tmp),
                                                                                       HISTORY_TICKETS)
        print_history(results)
    out(f"\nbench_core took {time.perf_counter() - started:.0f} s; hub logs in {LOG_DIR}")


if __name__ == "__main__":
    main()
