"""Through the real HTTP server: concurrent call-next never hands one ticket to two counters, and a
hub killed with SIGKILL under load loses no ticket that was confirmed with a 201."""
from __future__ import annotations

import collections
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from server.db import Database
from server.models import Ticket, TicketEvent
from tests.support.live_hub import LiveHub

TICKETS = 2000
COUNTERS = 8
CLIENTS = 16


def _session(token: str) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=4)
    s.mount("http://", adapter)
    return s


def test_concurrent_call_next_serves_each_ticket_exactly_once(database_url, tmp_path):
    with LiveHub(database_url, log_path=tmp_path / "hub.log") as hub:
        admin = _session(hub.token("admin"))
        for number in range(5, COUNTERS + 1):
            r = admin.post(f"{hub.base_url}/api/v1/branches/demo/counters",
                           json={"number": number, "services": ["A", "B"]})
            assert r.status_code == 201, r.text
        supervisor_token = hub.token("supervisor")
        supervisor = _session(supervisor_token)
        counter_ids = [c["id"] for c in supervisor.get(f"{hub.base_url}/api/v1/branches/demo/counters").json()["counters"]]
        assert len(counter_ids) == COUNTERS
        for cid in counter_ids:
            assert supervisor.post(f"{hub.base_url}/api/v1/counters/{cid}/open").status_code == 200

        def issue(i: int) -> str:
            r = supervisor.post(f"{hub.base_url}/api/v1/branches/demo/tickets", json={"service": "AB"[i % 2]})
            assert r.status_code == 201, r.text
            return r.json()["number"]

        with ThreadPoolExecutor(8) as pool:
            numbers = list(pool.map(issue, range(TICKETS)))
        assert len(set(numbers)) == TICKETS

        handed: list[int] = []
        handed_lock = threading.Lock()
        errors: list[str] = []

        def worker(index: int) -> None:
            session = _session(supervisor_token)
            cid = counter_ids[index % COUNTERS]  # two clients share each counter
            while True:
                r = session.post(f"{hub.base_url}/api/v1/counters/{cid}/call-next", json={"complete_current": True})
                if r.status_code == 200:
                    ticket = r.json()["ticket"]
                    if ticket is None:
                        return
                    with handed_lock:
                        handed.append(ticket["id"])
                elif r.status_code == 409 and r.json()["error"]["code"] == "queue_empty":
                    return
                else:
                    errors.append(f"{r.status_code} {r.text}")
                    return

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors
        for cid in counter_ids:
            supervisor.post(f"{hub.base_url}/api/v1/counters/{cid}/complete")

    duplicates = [tid for tid, n in collections.Counter(handed).items() if n > 1]
    assert duplicates == []
    assert len(handed) == TICKETS
    db = Database(database_url)
    try:
        with db.read() as s:
            statuses = dict(s.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all())
            calls_per_ticket = s.execute(
                select(TicketEvent.ticket_id, func.count()).where(TicketEvent.action == "call")
                .group_by(TicketEvent.ticket_id)
            ).all()
    finally:
        db.dispose()
    assert statuses == {"done": TICKETS}
    assert len(calls_per_ticket) == TICKETS and all(n == 1 for _, n in calls_per_ticket)


def test_kill_9_under_load_loses_no_confirmed_ticket(database_url, tmp_path):
    hub = LiveHub(database_url, log_path=tmp_path / "hub.log").start()
    try:
        token = hub.token("guide")
        confirmed: list[dict] = []
        lock = threading.Lock()
        stop = threading.Event()

        def issuer(service: str) -> None:
            session = _session(token)
            while not stop.is_set():
                try:
                    r = session.post(f"{hub.base_url}/api/v1/branches/demo/tickets", json={"service": service},
                                     timeout=5)
                except requests.RequestException:
                    return  # the hub died mid-request: that ticket was never confirmed
                if r.status_code == 201:
                    with lock:
                        confirmed.append(r.json())

        threads = [threading.Thread(target=issuer, args=(s,)) for s in "AABBC"]
        for t in threads:
            t.start()
        while len(confirmed) < 150:
            threading.Event().wait(0.02)
        hub.kill()
        stop.set()
        for t in threads:
            t.join(timeout=10)

        hub.start()
        session = _session(hub.token("guide"))
        for ticket in confirmed:
            r = session.get(f"{hub.base_url}/api/v1/tickets/{ticket['id']}")
            assert r.status_code == 200, f"confirmed ticket {ticket['number']} lost"
            assert r.json()["number"] == ticket["number"]
        after = [session.post(f"{hub.base_url}/api/v1/branches/demo/tickets", json={"service": s}).json()
                 for s in "ABC"]
    finally:
        hub.stop()

    db = Database(database_url)
    try:
        with db.read() as s:
            rows = s.execute(select(Ticket.service_id, Ticket.business_day, Ticket.number)).all()
    finally:
        db.dispose()
    assert len(rows) == len(set(rows)), "a number was handed out twice"
    for ticket in after:
        same_service = sorted(int(n[1:]) for _, _, n in rows if n[0] == ticket["number"][0])
        assert int(ticket["number"][1:]) == same_service[-1]  # numbering continues from the highest
