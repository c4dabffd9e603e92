"""The kiosk's one check-in (docs/architecture.md, "Kiosk check-in"): POST /branches/<code>/check-in
takes an appointment code or a remote ticket's number and answers which it was; other input gets one
clear error, and the errors of each domain operation (already checked in, too early) pass through."""
from __future__ import annotations

from sqlalchemy import select

from server.models import Appointment, TicketEvent
from tests.core.test_remote_api import take

CHECK_IN = "/api/v1/branches/demo/check-in"
ALL_DAY = {str(d): ["00:00", "23:59"] for d in range(7)}


def book_soon(client, signed_in) -> dict:
    """An appointment in the first free slot of today, inside its call window at once (early 120 min)."""
    signed_in("admin").patch("/api/v1/branches/demo/hall-settings", json={"opening_hours": ALL_DAY})
    supervisor = signed_in("supervisor")
    assert supervisor.put("/api/v1/branches/demo/appointment-settings/services/A",
                          json={"counters": 1, "slot_min": 30}).status_code == 200
    assert supervisor.patch("/api/v1/branches/demo/appointment-settings", json={"early_min": 120}).status_code == 200
    base = "/api/v1/public/branches/demo/appointments"
    day = client.get(base).get_json()["days"][0]
    free = [s for s in client.get(f"{base}/slots?service=A&day={day}").get_json()["slots"] if s["free"]]
    made = client.post(base, json={"service": "A", "day": day, "time": free[0]["time"], "name": "Lin",
                                   "phone": "0912345678"})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_one_check_in_takes_a_remote_tickets_number(client, signed_in, hub):
    remote = take(client, service="B")
    guide = signed_in("guide")
    done = guide.post(CHECK_IN, json={"code": f" {remote['number'].lower()} "})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["kind"] == "remote" and done.get_json()["ticket"]["awaiting_check_in"] is False
    again = guide.post(CHECK_IN, json={"code": remote["number"]})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_checked_in")
    with hub.db.read() as s:
        actions = s.execute(select(TicketEvent.action, TicketEvent.detail).where(
            TicketEvent.ticket_id == remote["id"]).order_by(TicketEvent.id)).all()
    assert [(a, d.get("via")) for a, d in actions] == [("issue", None), ("check_in", "staff")]


def test_one_check_in_takes_an_appointment_code(client, signed_in, hub):
    booked = book_soon(client, signed_in)
    done = signed_in("guide").post(CHECK_IN, json={"code": booked["code"].lower()})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["kind"] == "appointment" and body["ticket"]["number"].startswith("PA")
    assert body["ticket"]["channel"] == "appointment" and body["tracking_token"]
    with hub.db.read() as s:
        assert s.get(Appointment, booked["id"]).status == "arrived"


def test_anything_else_is_one_clear_not_found_and_bad_input_is_400(client, signed_in):
    guide = signed_in("guide")
    walk_in = guide.post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    for typed in ("ZZZZZZ", "Z999", walk_in["number"]):  # no such code or number; a walk-in needs none
        answer = guide.post(CHECK_IN, json={"code": typed})
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (404, "nothing_to_check_in"), typed
    assert guide.post(CHECK_IN, json={"code": ""}).status_code == 400
    assert guide.post(CHECK_IN, json={}).status_code == 400
    assert client.post(CHECK_IN, json={"code": "A001"}).status_code == 401  # a kiosk or staff only
