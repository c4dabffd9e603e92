"""The remote queue over HTTP (issue 15): the branch page's proof and device cookie, the 429 limits,
check-in at the door, the kiosk and by staff, the rejoin route, settings, contacts only when asked,
and the notice worker sending each notice once through a real HTTP provider on 127.0.0.1."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from server.models import Counter, Notice
from server.remote import proof
from server.remote.gateway import HttpProvider
from server.remote.notice_worker import NoticeWorker

PAGE = "/api/v1/public/branches/demo/remote"
TAKE = "/api/v1/public/branches/demo/remote-tickets"


def take(client, service="A", contact=None, expect=201):
    data = client.get(PAGE).get_json()
    body = {"service": service, "proof": data["proof"]}
    if contact:
        body["contact"] = contact
    response = client.post(TAKE, json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def open_counter(hub, signed_in, number=1):
    with hub.db.read() as s:
        cid = s.execute(select(Counter.id).where(Counter.number == number)).scalar_one()
    signed_in("teller1").post(f"/api/v1/counters/{cid}/open")
    return cid


def test_the_branch_page_data_lists_public_services_and_sets_the_device_cookie(client):
    response = client.get(PAGE)
    body = response.get_json()
    assert response.status_code == 200 and body["enabled"] is True and body["proof"]
    assert "cf_device=" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    codes = {row["service"] for row in body["services"]}
    assert "A" in codes and "V" not in codes  # the staff-only VIP service is not offered
    assert set(body["services"][0]) <= {"service", "name_zh", "name_en", "name_zh_hans", "waiting",
                                        "estimated_wait_s", "counters_open", "guide_only"}
    assert body["book_url"] == "/b/demo/book"


def test_taking_a_ticket_needs_the_pages_proof_for_this_device(client, app):
    bad = client.post(TAKE, json={"service": "A", "proof": "forged"})
    assert bad.status_code == 403 and bad.get_json()["error"]["code"] == "proof_invalid"
    ticket = take(client)
    assert ticket["channel"] == "remote" and ticket["awaiting_check_in"] is True
    assert ticket["ticket_url"].endswith("/t/" + ticket["tracking_token"]) and ticket["nudge_places"] == 3
    other = app.test_client()  # another device cannot reuse this page's proof
    proof_token = client.get(PAGE).get_json()["proof"]
    stolen = other.post(TAKE, json={"service": "A", "proof": proof_token})
    assert stolen.status_code == 403 and stolen.get_json()["error"]["code"] == "proof_invalid"
    with app.app_context():
        old = proof.issue_proof("test", "demo", "x" * 20)
    with pytest.raises(proof.BadProof) as err:
        proof.check_proof("test", old, "demo", "x" * 20, max_age_s=-1)
    assert err.value.code == "proof_expired"
    bad_contact = client.post(TAKE, json={"service": "A", "proof": proof_token, "contact": "call me"})
    assert bad_contact.status_code == 400 and bad_contact.get_json()["error"]["code"] == "invalid_contact"


def test_limits_answer_429_with_retry_after(client, app, signed_in):
    settings = signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings",
                                             json={"device_limit": 2, "contact_limit": 1})
    assert settings.status_code == 200 and settings.get_json()["device_limit"] == 2
    take(client, contact="0912 345 678")
    take(client)
    third = client.get(PAGE).get_json()
    refused = client.post(TAKE, json={"service": "A", "proof": third["proof"]})
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "too_many_device_tickets"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3601
    other = app.test_client()  # a new device, the same phone number (written differently)
    same_phone = take(other, contact="0912-345-678", expect=429)
    assert same_phone["error"]["code"] == "too_many_contact_tickets"


def test_check_in_at_the_door_the_kiosk_and_by_a_guide(client, signed_in, app):
    door = signed_in("supervisor").get("/api/v1/branches/demo/remote/door-poster").get_json()
    assert door["qr"].startswith("data:image/svg+xml;base64,") and "/b/demo/door?k=" in door["url"]
    key = door["url"].split("k=")[1]
    first, second, third = take(client), take(client), take(app.test_client())
    wrong = client.post(f"/api/v1/public/tickets/{first['tracking_token']}/check-in", json={"door_key": "nope"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_door"
    ok = client.post(f"/api/v1/public/tickets/{first['tracking_token']}/check-in", json={"door_key": key})
    assert ok.status_code == 200 and ok.get_json()["awaiting_check_in"] is False
    again = client.post(f"/api/v1/public/tickets/{first['tracking_token']}/check-in", json={"door_key": key})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_checked_in"
    guide = signed_in("guide")
    by_number = guide.post("/api/v1/branches/demo/remote/check-in", json={"number": second["number"].lower()})
    assert by_number.status_code == 200 and by_number.get_json()["awaiting_check_in"] is False
    by_id = guide.post(f"/api/v1/tickets/{third['id']}/check-in")
    assert by_id.status_code == 200
    walk_in = guide.post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    not_remote = guide.post(f"/api/v1/tickets/{walk_in['id']}/check-in")
    assert not_remote.status_code == 409 and not_remote.get_json()["error"]["code"] == "not_remote"
    listed = signed_in("supervisor").get("/api/v1/branches/demo/remote-tickets").get_json()["tickets"]
    assert {t["checked_in_via"] for t in listed} == {"door", "staff"} and "contact" not in listed[0]


def test_contacts_are_listed_only_when_the_supervisor_asks(client, signed_in):
    take(client, contact="Someone@Example.com")
    supervisor = signed_in("supervisor")
    plain = supervisor.get("/api/v1/branches/demo/remote-tickets").get_json()["tickets"]
    assert plain[0]["has_contact"] is True and "contact" not in plain[0]
    asked = supervisor.get("/api/v1/branches/demo/remote-tickets?include_contacts=1").get_json()["tickets"]
    assert asked[0]["contact"] == "someone@example.com"
    assert signed_in("guide").get("/api/v1/branches/demo/remote-tickets").status_code == 403
    # Never in what the public or devices see of a ticket.
    mine = client.get(f"/api/v1/public/tickets/{take(client)['tracking_token']}").get_json()
    assert "contact" not in json.dumps(mine) and "Example" not in json.dumps(mine)


def test_rejoin_route_after_a_no_show(client, hub, signed_in):
    signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings", json={"call_without_check_in": True})
    cid = open_counter(hub, signed_in)
    mine = take(client)
    teller = signed_in("teller1")
    assert teller.post(f"/api/v1/counters/{cid}/call-next").get_json()["ticket"]["id"] == mine["id"]
    teller.post(f"/api/v1/counters/{cid}/no-show")
    new = client.post(f"/api/v1/public/tickets/{mine['tracking_token']}/rejoin", json={})
    assert new.status_code == 201 and new.get_json()["rejoined_from"] == mine["number"]
    twice = client.post(f"/api/v1/public/tickets/{mine['tracking_token']}/rejoin", json={})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_rejoined"


def test_settings_are_checked(signed_in):
    supervisor = signed_in("supervisor")
    for body, code in (({"nudge_places": 0}, "out_of_range"), ({"device_limit": "3"}, "invalid_type"),
                       ({"nudge_places": None}, "invalid_setting"), ({"colour": 1}, "unknown_field")):
        response = supervisor.patch("/api/v1/branches/demo/remote-settings", json=body)
        assert response.status_code == 400, body
    ok = supervisor.patch("/api/v1/branches/demo/remote-settings", json={"contact_keep_hours": None, "nudge_places": 5})
    assert ok.get_json()["nudge_places"] == 5 and ok.get_json()["contact_keep_hours"] is None
    assert signed_in("guide").patch("/api/v1/branches/demo/remote-settings", json={}).status_code == 403


class FakeGateway(BaseHTTPRequestHandler):
    """A message provider on 127.0.0.1: fails the first `fail` requests with 503, records the rest."""

    received: list = []
    fail = 0

    def do_POST(self):  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if FakeGateway.fail > 0:
            FakeGateway.fail -= 1
            self.send_response(503)
        else:
            FakeGateway.received.append((dict(self.headers), body))
            self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    FakeGateway.received, FakeGateway.fail = [], 0
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/send"
    server.shutdown()
    server.server_close()


def test_the_worker_sends_each_notice_once_and_retries_a_failure_with_backoff(client, hub, signed_in, gateway):
    signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings",
                                  json={"call_without_check_in": True, "nudge_places": 1})
    cid = open_counter(hub, signed_in)
    mine = take(client, contact="0911222333")  # nobody ahead: "near" at once
    clock = FakeNow()
    worker = NoticeWorker(hub.db, hub.engine, HttpProvider(gateway, "secret-key"), clock, interval_s=0)
    FakeGateway.fail = 1
    assert worker.run_once() == 0  # 503: kept, retried after 2 s
    with hub.db.read() as s:
        notice = s.execute(select(Notice)).scalar_one()
        assert (notice.status, notice.attempts, notice.last_error) == ("pending", 1, "HTTP 503")
    assert worker.run_once() == 0  # not due yet
    clock.advance(3)
    assert worker.run_once() == 1
    headers, body = FakeGateway.received[0]
    assert headers["Authorization"] == "Bearer secret-key" and headers["Idempotency-Key"] == f"notice-{notice.id}"
    assert body["to"] == "0911222333" and body["kind"] == "near" and body["ticket"] == mine["number"]
    assert mine["number"] in body["text"]
    signed_in("teller1").post(f"/api/v1/counters/{cid}/call-next")
    signed_in("teller1").post(f"/api/v1/counters/{cid}/recall")
    assert worker.run_once() == 1 and worker.run_once() == 0
    assert [b["kind"] for _, b in FakeGateway.received] == ["near", "called"]
    assert FakeGateway.received[1][1]["counter"] == 1
    with hub.db.read() as s:
        assert {n.status for n in s.execute(select(Notice)).scalars()} == {"sent"}


def test_a_notice_being_sent_when_the_process_died_is_never_sent_again(client, hub, signed_in, gateway):
    signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings", json={"nudge_places": 1})
    take(client, contact="0911222444")
    with hub.db.write() as s:  # as a crash between the claim and the answer leaves it
        s.execute(Notice.__table__.update().values(status="sending", attempts=1))
    worker = NoticeWorker(hub.db, hub.engine, HttpProvider(gateway, None), FakeNow(), interval_s=0)
    assert worker.run_once() == 0 and FakeGateway.received == []


class FakeNow:
    def __init__(self):
        from server.queue.clock import utc_now

        self.now = utc_now()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        import datetime as dt

        self.now += dt.timedelta(seconds=seconds)


def test_many_phones_behind_one_address_meet_the_address_limit(app, signed_in):
    signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings", json={"address_limit": 2})
    take(app.test_client())
    take(app.test_client())
    refused = take(app.test_client(), expect=429)
    assert refused["error"]["code"] == "too_many_address_tickets"


def test_the_day_report_counts_remote_tickets_without_contacts(client, hub, signed_in):
    signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings", json={"call_without_check_in": False})
    cid = open_counter(hub, signed_in)
    door_key = signed_in("supervisor").get("/api/v1/branches/demo/remote/door-poster").get_json()["url"].split("k=")[1]
    missed, served, never = take(client, contact="0911333444"), take(client), take(app_client(client))
    client.post(f"/api/v1/public/tickets/{missed['tracking_token']}/check-in", json={"door_key": door_key})
    signed_in("guide").post("/api/v1/branches/demo/remote/check-in", json={"number": served["number"]})
    teller = signed_in("teller1")
    teller.post(f"/api/v1/counters/{cid}/call-next")
    teller.post(f"/api/v1/counters/{cid}/no-show")
    client.post(f"/api/v1/public/tickets/{missed['tracking_token']}/rejoin", json={})
    day = missed["business_day"]
    report = signed_in("supervisor").get(f"/api/v1/branches/demo/reports/day?date={day}")
    assert report.status_code == 200, report.get_json()
    remote = report.get_json()["remote"]
    assert remote == {"issued": 4, "checked_in": 2, "checked_in_door": 1, "checked_in_kiosk": 0,
                      "checked_in_staff": 1, "no_show": 1, "rejoined": 1}
    csv = signed_in("supervisor").get(f"/api/v1/branches/demo/reports/day?date={day}&format=csv&table=remote")
    assert csv.status_code == 200 and csv.data.decode().splitlines()[1] == "4,2,1,0,1,1,1"
    page = signed_in("supervisor").get(f"/api/v1/branches/demo/reports/day?date={day}&format=html&lang=en")
    assert "Tickets taken from a phone" in page.data.decode() and "0911333444" not in page.data.decode()
    assert never["awaiting_check_in"] is True


def app_client(client):
    return client.application.test_client()


def test_a_settings_change_is_audited(signed_in):
    supervisor = signed_in("supervisor")
    supervisor.patch("/api/v1/branches/demo/remote-settings", json={"nudge_places": 4})
    changes = signed_in("admin").get("/api/v1/branches/demo/setup").get_json()["changes"]
    mine = [c for c in changes if c["before"] and "remote.nudge_places" in c["before"]]
    assert mine and mine[0]["before"] == {"remote.nudge_places": 3} and mine[0]["after"] == {"remote.nudge_places": 4}
    assert mine[0]["actor"] == "supervisor"


class Counting:
    """A provider that records what it was asked to send (and takes a moment, as a network call does)."""

    def __init__(self):
        self.sent, self.lock = [], threading.Lock()

    def send(self, message):
        import time

        time.sleep(0.01)
        with self.lock:
            self.sent.append(message["notice_id"])


def test_two_workers_never_send_one_notice_twice(app, hub, signed_in):
    signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings",
                                  json={"nudge_places": 20, "device_limit": 100, "contact_limit": 100})
    for n in range(12):
        take(app.test_client(), contact=f"09110000{n:02d}")
    with hub.db.read() as s:
        expected = set(s.execute(select(Notice.id)).scalars())
    assert len(expected) == 12
    provider = Counting()
    workers = [NoticeWorker(hub.db, hub.engine, provider, FakeNow(), interval_s=0) for _ in range(2)]
    threads = [threading.Thread(target=lambda w=w: [w.run_once() for _ in range(3)]) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(provider.sent) == sorted(expected)  # every notice once, none twice
