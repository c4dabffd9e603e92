"""Hub printing benchmark (run: python bench/bench_devices_hub.py).

From a kiosk's `POST /api/v1/branches/demo/tickets` over real HTTP (a threaded werkzeug server on
127.0.0.1) to the last byte of that ticket at the printer simulator, through everything in between:
authentication, the issue transaction (SQLite), the print hook, the device manager's command
queue, the printer worker (status check + job), TCP. Also the HTTP answer time (the issue waits for
the print result). Compared with how long the printer itself needs to put the ticket on paper
(the simulator's paper length at a stated speed; 250 mm/s is typical for 80 mm thermal printers).
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from server import auth, migrate  # noqa: E402
from server.app import create_app  # noqa: E402
from server.demo import ensure_demo  # noqa: E402
from server.devices.demo_devices import DEMO_KIOSK, ensure_demo_devices  # noqa: E402
from server.queue import queries  # noqa: E402
from server.queue.clock import utc_now  # noqa: E402
from server.settings import Settings  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(tickets: int, speed_mm_s: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        settings = Settings(database_url=url, simulate_devices=True, alert_interval_s=0, secret_key="bench",
                            public_base_url="https://queue.example.test")
        app = create_app(settings)
        hub = app.extensions["counterflow"]
        ensure_demo(hub.db)
        ensure_demo_devices(hub.db)
        with hub.db.write() as session:
            branch = queries.branch_by_code(session, "demo")
            token = auth.create_device_token(session, DEMO_KIOSK, "kiosk", branch.id, utc_now())
        hub.devices.start()
        hub.devices.wait_settled(10)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sim = hub.devices.sims.printer(1)
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        endpoint = f"http://127.0.0.1:{server.server_port}/api/v1/branches/demo/tickets"
        try:
            for _ in range(5):  # warm up: connections, caches
                assert http.post(endpoint, json={"service": "A"}).json()["printed"]
            sim.wait_for_tickets(5)
            to_paper, answered = [], []
            for i in range(tickets):
                start = time.monotonic()
                response = http.post(endpoint, json={"service": "AB"[i % 2]})
                answered.append(time.monotonic() - start)
                body = response.json()
                assert response.status_code == 201 and body["printed"], body
                printed = sim.wait_for_tickets(i + 6)[-1]
                assert printed.big_lines == [body["number"]]
                to_paper.append(printed.last_byte_at - start)
        finally:
            server.shutdown()
            hub.devices.stop()
            hub.db.dispose()
    print_time = printed.paper_mm / speed_mm_s
    p50, p99 = percentile(to_paper, 50) * 1e3, percentile(to_paper, 99) * 1e3
    a50, a99 = percentile(answered, 50) * 1e3, percentile(answered, 99) * 1e3
    print(f"kiosk issue (HTTP) -> last byte at the printer, {tickets} tickets: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(to_paper) * 1e3:.1f} ms, mean {statistics.mean(to_paper) * 1e3:.1f} ms")
    print(f"  HTTP answer (issue + print result): p50 {a50:.1f} ms, p99 {a99:.1f} ms")
    print(f"  the ticket itself: {printed.paper_mm:.0f} mm of paper = {print_time * 1e3:.0f} ms at "
          f"{speed_mm_s:.0f} mm/s; p99 to the last byte is {p99 / (print_time * 1e3) * 100:.1f}% of that")


def main(argv: list[str] | None = None) -> int:
    """`argv` None means all defaults (how `python -m bench` calls every bench_* module)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--speed", type=float, default=250.0, help="printer speed, mm/s")
    args = parser.parse_args(argv or [])
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("server.devices.printing").setLevel(logging.ERROR)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    run(args.tickets, args.speed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
