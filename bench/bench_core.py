"""Core hub throughput and latency through HTTP (SQLite): issue, and complete-and-call-next, at 1, 16
and 64 concurrent clients; and call-next latency with 100 vs 100,000 tickets waiting."""
from __future__ import annotations

import datetime as dt
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import insert, select

from server import migrate
from server.db import Database
from server.demo import ensure_demo
from server.models import Counter, Service, Ticket
from server.queue import QueueEngine
from server.queue.actors import SYSTEM
from tests.support.live_hub import LiveHub

OPS_PER_LEVEL = {1: 400, 16: 2000, 64: 3000}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def fresh_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    db = Database(url)
    ensure_demo(db)
    db.dispose()
    return url


def run_clients(n_clients: int, total_ops: int, op) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = total_ops // n_clients

    def client(index: int) -> None:
        session = requests.Session()
        mine = []
        for i in range(per_client):
            t0 = time.perf_counter()
            op(session, index, i)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n_clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies


def http_levels() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(Path(tmp))
        with LiveHub(url, log_path=Path(tmp) / "hub.log") as hub:
            admin = requests.Session()
            admin.headers["Authorization"] = f"Bearer {hub.token('admin')}"
            for number in range(5, 65):
                admin.post(f"{hub.base_url}/api/v1/branches/demo/counters", json={"number": number, "services": ["A"]})
            token = hub.token("supervisor")
            headers = {"Authorization": f"Bearer {token}"}
            counters = requests.get(f"{hub.base_url}/api/v1/branches/demo/counters", headers=headers).json()["counters"]
            counter_ids = [c["id"] for c in counters]
            for cid in counter_ids:
                requests.post(f"{hub.base_url}/api/v1/counters/{cid}/open", headers=headers)

            def issue(session, index, i):
                r = session.post(f"{hub.base_url}/api/v1/branches/demo/tickets", json={"service": "A"}, headers=headers)
                assert r.status_code == 201, r.text

            def complete_and_call(session, index, i):
                cid = counter_ids[index % len(counter_ids)]
                r = session.post(f"{hub.base_url}/api/v1/counters/{cid}/call-next", json={"complete_current": True},
                                 headers=headers)
                assert r.status_code == 200 or r.json()["error"]["code"] == "queue_empty", r.text

            rows = []
            for clients, ops in OPS_PER_LEVEL.items():
                for name, op in (("issue", issue), ("complete+call-next", complete_and_call)):
                    elapsed, lat = run_clients(clients, ops, op)
                    rows.append((name, clients, len(lat) / elapsed, percentile(lat, 50) * 1000,
                                 percentile(lat, 99) * 1000))
    sys.stdout.write(f"{'operation':<20}{'clients':>8}{'ops/s':>10}{'p50 ms':>10}{'p99 ms':>10}\n")
    for name, clients, rate, p50, p99 in rows:
        sys.stdout.write(f"{name:<20}{clients:>8}{rate:>10.0f}{p50:>10.1f}{p99:>10.1f}\n")


def call_next_latency(waiting: int, repeats: int = 50) -> float:
    """Median call-next time (engine, no HTTP) with `waiting` tickets in the queue."""
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(Path(tmp))
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
        timings = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            engine.call_next(counter_id, SYSTEM, complete_current=True)
            timings.append(time.perf_counter() - t0)
        db.dispose()
        return statistics.median(timings)


def main() -> None:
    http_levels()
    small, large = call_next_latency(100), call_next_latency(100_000)
    sys.stdout.write(f"\ncall-next (engine, complete_current) median: {small * 1000:.2f} ms with 100 waiting, "
                     f"{large * 1000:.2f} ms with 100,000 waiting (ratio {large / small:.2f})\n")


if __name__ == "__main__":
    main()
