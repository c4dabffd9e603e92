"""The Socket.IO layer through Flask-SocketIO's test client: who may join what, seq, snapshots, privacy."""
from __future__ import annotations

import pytest



@pytest.fixture
def http(app):
    return app.test_client()


@pytest.fixture
def token(http):
    def sign_in(username: str) -> str:
        response = http.post("/api/v1/auth/token", json={"username": username, "password": "demo"})
        assert response.status_code == 200
        return response.get_json()["token"]

    return sign_in


@pytest.fixture
def socket(app, http):
    socketio = app.extensions["counterflow"].realtime.socketio
    clients = []

    def connect(token: str | None = None):
        client = socketio.test_client(app, flask_test_client=http, auth={"token": token} if token else None)
        assert client.is_connected()
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


def join(client, **request) -> dict:
    return client.emit("join", request, callback=True)


def messages(client) -> list[dict]:
    """What the client got, once every event committed so far has been emitted."""
    assert client.app.extensions["counterflow"].realtime.flush()
    received = []
    for packet in client.get_received():
        payload = packet["args"][0]
        received.extend(payload if packet["name"] == "batch" else [payload])
    return received


class Desk:
    """A teller at counter 1, through the HTTP API."""

    def __init__(self, http, token):
        self.http, self.headers = http, {"Authorization": f"Bearer {token}"}
        counters = http.get("/api/v1/branches/demo/counters", headers=self.headers).get_json()["counters"]
        self.counter_id = next(c["id"] for c in counters if c["number"] == 1)

    def post(self, path, json=None):
        return self.http.post(f"/api/v1{path}", json=json, headers=self.headers)

    def issue(self, service="A") -> dict:
        response = self.post("/branches/demo/tickets", {"service": service})
        assert response.status_code == 201
        return response.get_json()

    def act(self, action: str, json=None):
        return self.post(f"/counters/{self.counter_id}/{action}", json)


@pytest.fixture
def desk(http, token):
    return Desk(http, token("teller1"))


# ---------------------------------------------------------------------------- authorisation
def test_without_a_token_only_public_rooms_can_be_joined(socket, desk):
    anonymous = socket()
    for request in ({"audience": "counter", "counter_id": desk.counter_id},
                    {"audience": "supervisor", "branch": "demo"}):
        refused = join(anonymous, **request)
        assert refused == {"ok": False, "error": {"code": "auth_required", "message": refused["error"]["message"]}}
    assert join(anonymous, audience="display", branch="demo")["ok"]
    assert join(anonymous, audience="kiosk", branch="demo")["ok"]

    desk.act("open")
    received = [m["event"] for m in messages(anonymous)]
    assert "counter.opened" in received  # the public rooms it did join
    assert all(set(m) <= {"event", "seq", "branch", "data"} for m in messages(anonymous))


def test_staff_rooms_need_the_right_role_and_a_live_token(socket, token, http, desk, device_token_for):
    teller = token("teller1")
    assert not join(socket(teller), audience="supervisor", branch="demo")["ok"]  # a teller is not a supervisor
    assert join(socket(teller), audience="counter", counter_id=desk.counter_id)["ok"]
    assert join(socket(token("guide")), audience="supervisor", branch="demo")["ok"]
    assert join(socket(token("supervisor")), audience="counter", counter_id=desk.counter_id)["ok"]
    kiosk = device_token_for("kiosk")
    assert join(socket(kiosk), audience="counter", counter_id=desk.counter_id)["error"]["code"] == "forbidden"
    assert join(socket("not-a-token"), audience="counter", counter_id=desk.counter_id)["error"]["code"] == "invalid_token"

    # A token revoked after connecting stops working at the next join.
    client = socket(teller)
    http.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {teller}"})
    assert join(client, audience="counter", counter_id=desk.counter_id)["error"]["code"] == "invalid_token"


@pytest.fixture
def device_token_for(http, token):
    admin = {"Authorization": f"Bearer {token('admin')}"}

    def make(kind: str) -> str:
        response = http.post("/api/v1/device-tokens", json={"name": f"t-{kind}", "kind": kind, "branch": "demo"},
                             headers=admin)
        assert response.status_code == 201
        return response.get_json()["token"]

    return make


def test_bad_join_requests_get_an_error_not_a_crash(socket):
    client = socket()
    assert join(client, audience="nope")["error"]["code"] == "invalid_join"
    assert join(client, audience="display", branch="nowhere")["error"]["code"] == "branch_not_found"
    assert join(client, audience="ticket", token="x" * 500)["error"]["code"] == "ticket_not_found"
    assert client.emit("join", "garbage", callback=True)["error"]["code"] == "invalid_join"


# ---------------------------------------------------------------------------- seq and snapshots
def test_join_answers_with_a_snapshot_stamped_with_the_current_seq(socket, desk, token):
    desk.act("open")
    ticket = desk.issue("A")
    ack = join(socket(), audience="display", branch="demo")
    assert ack["ok"] and ack["stream"] == "full"
    assert ack["seq"] == 4  # counter.opened, queue.changed, ticket.issued, queue.changed
    snapshot = ack["snapshot"]
    assert set(snapshot) == {"branch", "services", "counters", "recent_calls", "message", "star", "emergency",
                             "hall"}
    assert next(s for s in snapshot["services"] if s["service"] == "A")["waiting"] == 1
    assert snapshot["emergency"] == {"active": False} and snapshot["star"] is None  # no service star posted
    staff = join(socket(token("supervisor")), audience="supervisor", branch="demo")
    assert staff["seq"] == ack["seq"] and "alerts" in staff["snapshot"]
    assert staff["snapshot"]["counters"][0]["staff"] == "teller1"  # staff see names; the hall does not
    assert "staff" not in snapshot["counters"][0]
    assert ticket["number"] == "A001"


def test_every_message_carries_the_branch_seq_without_holes(socket, desk, token):
    display = socket()
    supervisor = socket(token("supervisor"))
    start = join(display, audience="display", branch="demo")["seq"]
    join(supervisor, audience="supervisor", branch="demo")

    desk.act("open")
    issued = desk.issue("A")
    desk.act("call-next")
    desk.act("recall")
    desk.act("complete")
    # The customer rates from their ticket page (a teller may not); not public: a tick for the display.
    rated = desk.http.post(f"/api/v1/public/tickets/{issued['tracking_token']}/rating", json={"score": 5})
    assert rated.status_code == 201
    desk.act("pause", {"reason": "break"})

    public, staff = messages(display), messages(supervisor)
    assert [m["seq"] for m in public] == list(range(start + 1, start + 1 + len(public)))
    assert [m["seq"] for m in staff] == [m["seq"] for m in public]
    assert all(m["branch"] == "demo" for m in public + staff)
    ticks = [m for m in public if m["event"] == "tick"]
    assert [t["seq"] for t in ticks] == [m["seq"] for m in staff if m["event"] == "rating.recorded"]
    assert "data" not in ticks[0]
    assert [m["event"] for m in public if m["event"].startswith("ticket.")] == [
        "ticket.issued", "ticket.called", "ticket.recalled", "ticket.completed"]


def test_a_refused_engine_call_emits_nothing(socket, desk):
    display = socket()
    join(display, audience="display", branch="demo")
    desk.act("open")
    messages(display)

    assert desk.act("call-next").status_code == 409  # queue_empty: nothing committed
    assert desk.act("resume").status_code == 409  # not paused
    assert desk.post("/branches/demo/tickets", {"service": "Z"}).status_code == 404

    assert messages(display) == []


# ---------------------------------------------------------------------------- public data only
def test_the_hall_never_sees_tracking_tokens_staff_or_internal_ids(socket, desk):
    display = socket()
    join(display, audience="display", branch="demo")
    desk.act("open")
    issued = desk.issue("A")
    assert "tracking_token" in issued  # the issuer gets it ...
    desk.act("call-next")
    desk.act("pause", {"reason": "doctor appointment"})

    text = repr(messages(display))
    assert issued["tracking_token"] not in text  # ... the hall never does
    for private in ("tracking_token", "public_token", "teller1", "Teller1", "doctor appointment", "'id'",
                    "counter_id", "staff"):
        assert private not in text, private


def test_a_ticket_page_hears_only_its_own_ticket_and_nudges(socket, desk):
    desk.act("open")
    first = desk.issue("A")
    mine = desk.issue("A")
    page = socket()
    ack = join(page, audience="ticket", token=mine["tracking_token"])
    assert ack["ok"] and ack["stream"] == "sparse"
    assert ack["snapshot"]["ticket"]["people_ahead"] == 1
    assert "id" not in ack["snapshot"]["ticket"] and "tracking_token" not in ack["snapshot"]["ticket"]
    assert mine["tracking_token"] not in ack["key"]

    desk.act("call-next")  # calls `first`
    heard = messages(page)
    assert [m["event"] for m in heard] == ["queue.changed"]  # a nudge: fetch your position again
    assert heard[0]["data"] == {}

    desk.act("call-next", {"complete_current": True})  # completes `first`, calls mine
    heard = messages(page)
    called = [m for m in heard if m["event"] == "ticket.called"]
    assert len(called) == 1 and called[0]["data"]["ticket"]["number"] == mine["number"]
    assert all(first["number"] not in repr(m) for m in heard)


def test_leave_stops_the_messages(socket, desk):
    display = socket()
    ack = join(display, audience="display", branch="demo")
    assert display.emit("leave", {"key": ack["key"]}, callback=True) == {"ok": True, "left": True}
    desk.act("open")
    assert messages(display) == []


def test_queue_changed_carries_the_rows_of_the_services_it_touched(socket, desk, token):
    display = socket()
    supervisor = socket(token("supervisor"))
    join(display, audience="display", branch="demo")
    join(supervisor, audience="supervisor", branch="demo")
    desk.issue("B")
    public = [m for m in messages(display) if m["event"] == "queue.changed"]
    staff = [m for m in messages(supervisor) if m["event"] == "queue.changed"]
    assert [row["service"] for row in public[0]["data"]["queue"]] == ["B"]
    assert public[0]["data"]["queue"][0]["waiting"] == 1
    assert set(public[0]["data"]["queue"][0]) == {"service", "name_zh", "name_en", "name_zh_hans", "waiting",
                                                  "estimated_wait_s", "counters_open", "guide_only"}
    assert staff[0]["data"]["queue"][0]["service"] == "B" and "alert_level" in staff[0]["data"]["queue"][0]


# ---------------------------------------------------------------------------- catching up (join with since)
def _age_log_row(app, seq: int, seconds: float) -> None:
    """Make one event-log row look `seconds` older (as if the display had been away that long)."""
    import datetime as dt

    from sqlalchemy import update

    from server.models import EventLogEntry

    with app.extensions["counterflow"].db.write() as s:
        s.execute(update(EventLogEntry).where(EventLogEntry.seq == seq)
                  .values(created_at=EventLogEntry.created_at - dt.timedelta(seconds=seconds)))


def test_a_display_catching_up_gets_the_calls_it_missed_in_order(socket, desk, app):
    display = socket()
    since = join(display, audience="display", branch="demo")["seq"]
    desk.act("open")
    tickets = [desk.issue("A")["number"] for _ in range(3)]
    called = [desk.act("call-next", {"complete_current": True}).get_json()["ticket"]["number"] for _ in range(3)]
    assert called == tickets
    desk.act("recall")

    ack = join(socket(), audience="display", branch="demo", since=since)
    missed = ack["missed_calls"]
    assert [(m["event"], m["data"]["ticket"]["number"]) for m in missed] == [
        ("ticket.called", tickets[0]), ("ticket.called", tickets[1]), ("ticket.called", tickets[2]),
        ("ticket.recalled", tickets[2])]
    seqs = [m["seq"] for m in missed]
    assert seqs == sorted(seqs) and since < seqs[0] and seqs[-1] <= ack["seq"]
    assert all(set(m["data"]["ticket"]) <= set(("number", "service", "service_name_zh", "service_name_en",
                                                  "service_name_zh_hans", "status", "counter", "recall_count",
                                                  "called_at", "channel", "awaiting_check_in")) for m in missed)
    # Only what came after `since`: no overlap with what the display already had.
    assert [m["seq"] for m in join(socket(), audience="display", branch="demo", since=seqs[1])["missed_calls"]] == seqs[2:]
    assert join(socket(), audience="display", branch="demo", since=ack["seq"])["missed_calls"] == []
    assert "missed_calls" not in join(socket(), audience="display", branch="demo")  # a first join: history


def test_a_display_that_missed_more_than_a_minute_announces_only_the_newest_call(socket, desk, app):
    since = join(socket(), audience="display", branch="demo")["seq"]
    desk.act("open")
    for _ in range(3):
        desk.issue("A")
    calls = [desk.act("call-next", {"complete_current": True}).get_json()["ticket"]["number"] for _ in range(3)]
    first = join(socket(), audience="display", branch="demo", since=since)["missed_calls"][0]
    _age_log_row(app, first["seq"], 90)  # the first call of the gap is older than the minute

    missed = join(socket(), audience="display", branch="demo", since=since)["missed_calls"]
    assert [m["data"]["ticket"]["number"] for m in missed] == [calls[-1]]
    # A gap that starts after the old call is all within the minute again: every call of it.
    missed = join(socket(), audience="display", branch="demo", since=first["seq"])["missed_calls"]
    assert [m["data"]["ticket"]["number"] for m in missed] == calls[1:]
