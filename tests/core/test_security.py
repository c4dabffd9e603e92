"""Issue 10's audit findings, one test (or a few) each: forged ratings, sign-in, tokens, device scopes,
public fields over REST, bad input, hardening. The role x route matrix is test_permission_matrix.py."""
from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from server.app import create_app
from server.models import ApiToken, AuthEvent, Rating, User
from server.settings import Settings

from tests.core.conftest import Api
from tests.core.test_api import error_code

BIG = 1937048625272547815880392704  # beyond 64 bits


def make_app(database_url, **overrides):
    values = dict(database_url=database_url, alert_interval_s=0, secret_key="test")
    values.update(overrides)
    return create_app(Settings(**values))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def device_token(admin, kind: str, name: str, **extra) -> str:
    r = admin.post("/api/v1/device-tokens", json={"name": name, "kind": kind, "branch": "demo", **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["token"]


def add_device(admin, kind: str, name: str, counter: int, unit: int, **extra) -> dict:
    r = admin.post("/api/v1/devices", json={"branch": "demo", "kind": kind, "name": name, "counter": counter,
                                            "url": f"serial:///dev/ttyUSB0?baud=9600&unit={unit}", **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def served_ticket(signed_in) -> dict:
    """A ticket issued, called and completed at counter 1 by teller1."""
    ticket = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    teller = signed_in("teller1")
    teller.post("/api/v1/counters/1/open")
    teller.post("/api/v1/counters/1/call-next")
    assert teller.post("/api/v1/counters/1/complete").status_code == 200
    return ticket


# ---------------------------------------------------------------------------- finding 1: ratings
def test_only_the_bound_pad_rates_at_a_counter(signed_in, client, app):
    served_ticket(signed_in)
    admin = signed_in("admin")
    add_device(admin, "pad", "pad-1", counter=1, unit=3)
    pad = device_token(admin, "pad", "pad-1")
    stray_pad = device_token(admin, "pad", "pad-elsewhere")
    refused = {
        "display": device_token(admin, "display", "wall"),
        "kiosk": device_token(admin, "kiosk", "kiosk-x"),
        "pad not bound here": stray_pad,
        "the served teller": signed_in("teller1").token,
        "a colleague": signed_in("teller2").token,
        "supervisor": signed_in("supervisor").token,
    }
    for who, token in refused.items():
        r = client.post("/api/v1/counters/1/rating", json={"score": 5}, headers=bearer(token))
        assert r.status_code == 403, who
    ok = client.post("/api/v1/counters/1/rating", json={"score": 4}, headers=bearer(pad))
    assert ok.status_code == 201 and ok.get_json()["score"] == 4
    with app.extensions["counterflow"].db.read() as s:
        assert [r.source for r in s.execute(select(Rating)).scalars()] == ["pad:pad-1"]


def test_the_ticket_page_rates_its_own_ticket_once(signed_in, client, app):
    waiting = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "B"}).get_json()
    r = client.post(f"/api/v1/public/tickets/{waiting['tracking_token']}/rating", json={"score": 5})
    assert r.status_code == 409 and error_code(r) == "not_served_yet"

    ticket = served_ticket(signed_in)
    path = f"/api/v1/public/tickets/{ticket['tracking_token']}/rating"
    assert error_code(client.post(path, json={"score": 0})) == "invalid_value"
    first = client.post(path, json={"score": 5})
    assert first.status_code == 201 and first.get_json() == {"number": ticket["number"], "score": 5}
    again = client.post(path, json={"score": 1})
    assert again.status_code == 409 and error_code(again) == "already_rated"
    assert client.post("/api/v1/public/tickets/guess/rating", json={"score": 5}).status_code == 404
    with app.extensions["counterflow"].db.read() as s:
        assert [r.source for r in s.execute(select(Rating)).scalars()] == ["ticket_page"]


def test_the_ticket_page_cannot_rate_after_the_window(database_url):
    app = make_app(database_url, rating_window_s=0)
    try:


        client = app.test_client()
        ticket = Api(client, "guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
        teller = Api(client, "teller1")
        teller.post("/api/v1/counters/1/open")
        teller.post("/api/v1/counters/1/call-next")
        teller.post("/api/v1/counters/1/complete")
        time.sleep(0.01)
        r = client.post(f"/api/v1/public/tickets/{ticket['tracking_token']}/rating", json={"score": 5})
        assert r.status_code == 409 and error_code(r) == "rating_closed"
    finally:
        app.extensions["counterflow"].db.dispose()


# ---------------------------------------------------------------------------- finding 2: sign-in
@pytest.fixture
def strict_app(database_url):
    app = make_app(database_url, signin_free_failures=2, signin_delay_s=30, signin_lockout_failures=4,
                   signin_lockout_s=600)
    yield app
    app.extensions["counterflow"].db.dispose()


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_wrong_passwords_are_throttled_then_locked_out_and_audited(strict_app):
    client = strict_app.test_client()
    assert [sign_in(client, "supervisor", "nope").status_code for _ in range(3)] == [401, 401, 401]
    throttled = sign_in(client, "supervisor", "demo")  # even the right password waits its turn
    assert throttled.status_code == 429 and error_code(throttled) == "too_many_attempts"
    assert 1 <= int(throttled.headers["Retry-After"]) <= 30
    # The delay grows with each failure; past signin_lockout_failures the name is locked out.
    throttle = strict_app.extensions["counterflow"].signin_throttle
    throttle.clock = lambda: time.monotonic() + 31
    assert sign_in(client, "supervisor", "nope", "10.0.0.2").status_code == 401  # 4th failure: lockout
    assert throttle.wait_s("supervisor", "10.0.0.3") > 500
    with strict_app.extensions["counterflow"].db.read() as s:
        kinds = [e.kind for e in s.execute(select(AuthEvent).order_by(AuthEvent.id)).scalars()]
    assert kinds == ["sign_in_failed"] * 4 + ["sign_in_locked"]


def test_one_address_guessing_many_names_is_throttled_too(strict_app):
    client = strict_app.test_client()
    for name in ("teller1", "teller2", "teller3"):
        assert sign_in(client, name, "wrong", "10.9.9.9").status_code == 401
    assert sign_in(client, "teller4", "demo", "10.9.9.9").status_code == 429
    assert sign_in(client, "teller4", "demo", "10.9.9.8").status_code == 200


def test_a_success_is_audited_and_clears_the_name(strict_app):
    client = strict_app.test_client()
    sign_in(client, "guide", "nope")
    assert sign_in(client, "guide", "demo").status_code == 200
    with strict_app.extensions["counterflow"].db.read() as s:
        event = s.execute(select(AuthEvent).where(AuthEvent.kind == "sign_in")).scalar_one()
    assert event.username == "guide" and event.address == "10.0.0.1"


def test_unknown_and_known_users_take_the_same_time(client):
    def median_ms(username):
        times = []
        for i in range(5):
            start = time.perf_counter()
            r = sign_in(client, username, "wrong-password", f"10.1.0.{i}")  # fresh addresses: no throttle
            times.append(time.perf_counter() - start)
            assert r.status_code in (401, 429)
        return sorted(times)[2] * 1000

    known, unknown = median_ms("teller3"), median_ms("nobody-here")
    assert unknown > 0.5 * known and known > 0.5 * unknown, (known, unknown)


def test_passwords_are_argon2_and_old_pbkdf2_hashes_upgrade_at_sign_in(app, client):
    db = app.extensions["counterflow"].db
    with db.write() as s:
        user = s.execute(select(User).where(User.username == "teller4")).scalar_one()
        assert user.password_hash.startswith("$argon2id$")
        user.password_hash = generate_password_hash("old-secret", method="pbkdf2:sha256:200000")
    assert sign_in(client, "teller4", "old-secret").status_code == 200
    with db.read() as s:
        assert s.execute(select(User.password_hash).where(User.username == "teller4")).scalar_one().startswith(
            "$argon2id$")
    assert sign_in(client, "teller4", "old-secret", "10.0.0.7").status_code == 200


# ---------------------------------------------------------------------------- findings 3, 5: tokens
def _socket(app, http, token):
    client = app.extensions["counterflow"].realtime.socketio.test_client(app, flask_test_client=http,
                                                                         auth={"token": token})
    assert client.emit("join", {"audience": "supervisor", "branch": "demo"}, callback=True)["ok"]
    client.get_received()
    return client


def _staff_events(app, client) -> list[str]:
    assert app.extensions["counterflow"].realtime.flush()
    names = []
    for packet in client.get_received():
        payloads = packet["args"][0] if packet["name"] == "batch" else [packet["args"][0]]
        names += [packet["name"]] if packet["name"] == "session.ended" else [p["event"] for p in payloads]
    return names


def test_sign_out_drops_the_sockets_of_the_token_from_staff_rooms(app, signed_in):
    supervisor = signed_in("supervisor")
    socket = _socket(app, supervisor.client, supervisor.token)
    assert supervisor.post("/api/v1/auth/logout").status_code == 200
    assert _staff_events(app, socket) == ["session.ended"]
    signed_in("teller1").post("/api/v1/counters/1/pause", json={"reason": "secret reason"})
    signed_in("teller1").post("/api/v1/counters/1/open")
    assert _staff_events(app, socket) == []  # nothing more: no staff names, no pause reasons
    socket.disconnect()


def test_an_expired_or_revoked_token_loses_its_staff_rooms_at_the_next_check(database_url):
    app = make_app(database_url, socket_token_check_s=0)  # no background check: this test runs it
    try:
        client = app.test_client()
        supervisor, guide, teller = Api(client, "supervisor"), Api(client, "guide"), Api(client, "teller1")
        sockets = _socket(app, client, supervisor.token), _socket(app, client, guide.token)
        db = app.extensions["counterflow"].db
        with db.write() as s:  # one expires, the other is revoked by another hub process
            rows = {r.user_id: r for r in s.execute(select(ApiToken).where(ApiToken.user_id.is_not(None))).scalars()}
            users = dict(s.execute(select(User.username, User.id)).all())
            rows[users["supervisor"]].expires_at = dt.datetime(2000, 1, 1)
            rows[users["guide"]].revoked_at = dt.datetime(2000, 1, 1)
        watch = app.extensions["counterflow"].realtime.token_watch
        assert watch.check_once() == 2
        teller.post("/api/v1/counters/1/open")
        for socket in sockets:
            assert _staff_events(app, socket) == ["session.ended"]
            socket.disconnect()
        assert watch.check_once() == 0
    finally:
        app.extensions["counterflow"].db.dispose()


def test_the_realtime_layer_checks_tokens_by_itself(database_url):
    app = make_app(database_url, socket_token_check_s=0.2)
    try:
        client = app.test_client()
        supervisor = Api(client, "supervisor")
        socket = _socket(app, client, supervisor.token)
        with app.extensions["counterflow"].db.write() as s:  # revoked elsewhere: no sign-out in this process
            row = s.execute(select(ApiToken).where(ApiToken.user_id.is_not(None))).scalar_one()
            row.revoked_at = dt.datetime(2000, 1, 1)
        deadline = time.monotonic() + 5
        events = []
        while "session.ended" not in events and time.monotonic() < deadline:
            time.sleep(0.1)
            events += _staff_events(app, socket)
        assert events == ["session.ended"]
        socket.disconnect()
    finally:
        app.extensions["counterflow"].db.dispose()


def test_device_tokens_are_listed_revoked_rotated_and_may_expire(signed_in, client):
    admin = signed_in("admin")
    kiosk = device_token(admin, "kiosk", "kiosk-9")
    short = admin.post("/api/v1/device-tokens", json={"name": "display-9", "kind": "display", "branch": "demo",
                                                      "expires_in_days": 7}).get_json()
    listed = {t["name"]: t for t in admin.get("/api/v1/device-tokens?branch=demo").get_json()["tokens"]}
    assert listed["kiosk-9"]["active"] and listed["kiosk-9"]["expires_at"] is None
    assert listed["display-9"]["expires_at"] is not None and "token" not in listed["display-9"]

    rotated = admin.post(f"/api/v1/device-tokens/{listed['kiosk-9']['id']}/rotate", json={}).get_json()
    assert client.get("/api/v1/me", headers=bearer(kiosk)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(rotated["token"])).get_json()["name"] == "kiosk-9"

    assert admin.post(f"/api/v1/device-tokens/{short['id']}/revoke").status_code == 200
    assert client.get("/api/v1/me", headers=bearer(short["token"])).status_code == 401
    assert signed_in("supervisor").get("/api/v1/device-tokens").status_code == 403


def test_an_expired_device_token_is_refused(signed_in, client, app):
    token = device_token(signed_in("admin"), "display", "old-display", expires_in_days=1)
    with app.extensions["counterflow"].db.write() as s:
        s.execute(select(ApiToken).where(ApiToken.device_name == "old-display")).scalar_one().expires_at = \
            dt.datetime(2000, 1, 1)
    r = client.get("/api/v1/branches/demo/queue", headers=bearer(token))
    assert r.status_code == 401 and error_code(r) == "token_expired"


def test_device_tokens_from_the_command_line(database_url, monkeypatch, capsys):
    from server.cli import main

    monkeypatch.setenv("COUNTERFLOW_DATABASE_URL", database_url)
    assert main(["device-tokens", "create", "kiosk-cli", "--kind", "kiosk", "--branch", "demo",
                 "--expires-in-days", "30"]) == 0
    created = capsys.readouterr().out
    token_id = int(created.split("token ")[1].split()[0])
    assert main(["device-tokens", "rotate", str(token_id)]) == 0
    assert "new token" in capsys.readouterr().out
    assert main(["device-tokens", "list", "--branch", "demo"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "kiosk-cli" in line]
    assert [("revoked" in line, "active" in line) for line in lines] == [(True, False), (False, True)]
    assert main(["device-tokens", "revoke", str(token_id + 1)]) == 0


# ---------------------------------------------------------------------------- findings 4, 6: scopes, fields
def test_devices_read_only_the_public_fields_over_rest(signed_in, client):
    teller = signed_in("teller1")
    teller.post("/api/v1/counters/1/open")
    teller.post("/api/v1/counters/1/pause", json={"reason": "doctor's appointment"})
    issued = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    admin = signed_in("admin")
    for kind in ("kiosk", "display"):
        headers = bearer(device_token(admin, kind, f"{kind}-fields"))
        counters = client.get("/api/v1/branches/demo/counters", headers=headers).get_json()["counters"]
        one = client.get("/api/v1/counters/1", headers=headers).get_json()
        text = str(counters) + str(one)
        assert "teller1" not in text and "Teller1" not in text and "doctor" not in text
        assert set(one) == {"number", "name", "state", "services", "current"}
        ticket = client.get(f"/api/v1/tickets/{issued['id']}", headers=headers).get_json()
        assert "tracking_token" not in ticket and "issued_by" not in ticket and "id" not in ticket
        for path in ("/api/v1/branches/demo/alerts", "/api/v1/branches/demo/alerts?all=1",
                     "/api/v1/branches/demo/opening", "/api/v1/faults"):
            assert client.get(path, headers=headers).status_code == 403, (kind, path)
        queue = client.get("/api/v1/branches/demo/queue", headers=headers).get_json()["services"]
        public = {"service", "name_zh", "name_en", "name_zh_hans", "waiting", "estimated_wait_s"}
        assert all(set(row) == public for row in queue)


def test_an_agent_operates_only_the_counters_of_its_devices(signed_in, client):
    admin = signed_in("admin")
    add_device(admin, "keypad", "keypad-1", counter=1, unit=7, settings={"agent": "agent-1"})
    agent = bearer(device_token(admin, "agent", "agent-1"))
    signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"})
    assert client.post("/api/v1/counters/1/open", headers=agent).status_code == 200
    assert client.post("/api/v1/counters/1/call-next", headers=agent).status_code == 200
    for action in ("open", "call-next", "recall", "pause", "close"):
        body = {"reason": "x"} if action == "pause" else None
        r = client.post(f"/api/v1/counters/2/{action}", headers=agent, json=body)
        assert r.status_code == 403 and error_code(r) == "not_your_counter", action
    assert client.post("/api/v1/branches/demo/tickets", json={"service": "A"}, headers=agent).status_code == 403


def test_a_kiosk_labels_its_tickets_kiosk(signed_in, client):
    kiosk = bearer(device_token(signed_in("admin"), "kiosk", "kiosk-ch"))
    r = client.post("/api/v1/branches/demo/tickets", json={"service": "A", "channel": "guide"}, headers=kiosk)
    assert r.status_code == 403 and error_code(r) == "channel_not_allowed"
    assert client.post("/api/v1/branches/demo/tickets", json={"service": "A"}, headers=kiosk).get_json()[
        "channel"] == "kiosk"
    assert error_code(signed_in("teller1").post("/api/v1/branches/demo/tickets",
                                                json={"service": "A", "channel": "guide"})) == "channel_not_allowed"


# ---------------------------------------------------------------------------- finding 7: bad input, 4xx
def test_lone_surrogates_and_nul_are_refused(signed_in):
    supervisor = signed_in("supervisor")
    for raw in (b'{"message": "\\ud800"}', b'{"message": "a\\u0000b"}'):
        r = supervisor.client.put("/api/v1/branches/demo/display-message", data=raw,
                                  headers={**supervisor.headers, "Content-Type": "application/json"})
        assert r.status_code == 400 and error_code(r) == "invalid_text"
    assert supervisor.get("/api/v1/faults?branch=%00").status_code == 400


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dates_out_of_range_are_400(signed_in, day):
    supervisor = signed_in("supervisor")
    for response in (supervisor.get(f"/api/v1/branches/demo/reports/day?date={day}"),
                     supervisor.get(f"/api/v1/branches/demo/reports/day/{day}/print"),
                     supervisor.post("/api/v1/branches/demo/day-close", json={"date": day}),
                     supervisor.get(f"/api/v1/branches/demo/charts/hourly?from={day}"),
                     supervisor.client.post("/supervisor/demo/day-report", data={"token": supervisor.token,
                                                                                 "date": day})):
        assert response.status_code == 400 and error_code(response) == "date_out_of_range"


def test_integers_beyond_64_bits_are_4xx(signed_in, app):
    admin = signed_in("admin")
    r = admin.patch("/api/v1/branches/demo/services/A", json={"wait_target_min": BIG})
    assert r.status_code == 400 and error_code(r) == "invalid_value"
    for path in (f"/api/v1/counters/{BIG}/open", "/api/v1/tickets/99999999999999999999"):
        r = admin.post(path) if path.endswith("open") else admin.get(path)
        assert r.status_code == 404 and error_code(r) == "not_found"
    socket = app.extensions["counterflow"].realtime.socketio.test_client(app, auth={"token": admin.token})
    ack = socket.emit("join", {"audience": "counter", "counter_id": BIG}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid_join"
    socket.disconnect()


def test_default_service_time_is_bounded(signed_in):
    admin = signed_in("admin")
    r = admin.post("/api/v1/branches/demo/services", json={"code": "Q", "name_zh": "q", "name_en": "q",
                                                           "default_service_s": 10**18})
    assert r.status_code == 400 and error_code(r) == "invalid_value"
    r = admin.patch("/api/v1/branches/demo/services/A", json={"default_service_s": 0})
    assert r.status_code == 400


def test_bodies_must_be_json_objects_without_duplicate_keys(signed_in):
    guide = signed_in("guide")
    plain = guide.client.post("/api/v1/branches/demo/tickets", data='{"service": "A"}',
                              headers={**guide.headers, "Content-Type": "text/plain"})
    assert plain.status_code == 415 and error_code(plain) == "unsupported_media_type"
    twice = guide.client.post("/api/v1/branches/demo/tickets", data='{"service": "A", "service": "Z"}',
                              headers={**guide.headers, "Content-Type": "application/json"})
    assert twice.status_code == 400 and error_code(twice) == "duplicate_key"


@pytest.mark.parametrize("url", ["serial:///etc/passwd", "serial:///dev/../etc/passwd?unit=3",
                                 "tcp://169.254.169.254:80", "tcp://127.0.0.1:9100", "tcp://localhost",
                                 "tcp://[::1]:9100"])
def test_device_urls_are_limited_to_real_device_places(signed_in, url):
    kind = "printer" if url.startswith("tcp") or "passwd" in url and "unit" not in url else "pad"
    r = signed_in("admin").post("/api/v1/devices", json={"branch": "demo", "kind": kind, "name": "x", "url": url})
    assert r.status_code == 400 and error_code(r) == "invalid_url", r.get_json()


def test_loopback_printers_are_allowed_in_demo_mode(database_url):
    app = make_app(database_url, demo=True)
    try:


        admin = Api(app.test_client(), "admin")
        r = admin.post("/api/v1/devices", json={"branch": "demo", "kind": "printer", "name": "p",
                                                "url": "tcp://127.0.0.1:9100"})
        assert r.status_code == 201
    finally:
        app.extensions["counterflow"].db.dispose()


def test_exports_neutralise_spreadsheet_formulas(signed_in):
    from openpyxl import load_workbook

    teller = signed_in("teller1")
    teller.post("/api/v1/counters/1/open")
    teller.post("/api/v1/counters/1/pause", json={"reason": "=HYPERLINK(\"http://x\",\"y\")"})
    teller.post("/api/v1/counters/1/resume")
    supervisor = signed_in("supervisor")
    csv_text = supervisor.get("/api/v1/branches/demo/reports/day?format=csv&table=pauses").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    xlsx = supervisor.get("/api/v1/branches/demo/reports/day?format=xlsx").get_data()
    sheet = load_workbook(io.BytesIO(xlsx))["pauses"]
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.startswith("'=") for c in cells)


# ---------------------------------------------------------------------------- finding 8: hardening
def test_every_answer_carries_the_security_headers(signed_in, client):
    supervisor = signed_in("supervisor")
    answers = {
        "api json": supervisor.get("/api/v1/branches/demo/queue"),
        "api error": client.get("/api/v1/branches/demo/queue"),
        "api 404": client.get("/api/v1/nothing"),
        "openapi": client.get("/api/v1/openapi.json"),
        "docs": client.get("/api/v1/docs"),
        "html report": supervisor.get("/api/v1/branches/demo/reports/day?format=html"),
        "printable report": supervisor.get("/api/v1/branches/demo/reports/day/2026-03-02/print"),
        "csv": supervisor.get("/api/v1/branches/demo/reports/day?format=csv"),
        "health": client.get("/healthz"),
    }
    for name, r in answers.items():
        assert r.headers.get("X-Content-Type-Options") == "nosniff", name
        assert r.headers.get("Referrer-Policy") == "no-referrer", name
        assert r.headers.get("X-Frame-Options") == "DENY", name
        assert "frame-ancestors 'none'" in r.headers.get("Content-Security-Policy", ""), name
        assert "Server" not in r.headers, name
    assert answers["docs"].mimetype == "text/html"


def test_405_says_which_methods_are_allowed(signed_in):
    r = signed_in("guide").client.delete("/api/v1/me")
    assert r.status_code == 405 and r.headers["Allow"] and "GET" in r.headers["Allow"]


def test_openapi_names_capabilities_and_the_constraints_the_hub_enforces(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    ops = [op for methods in doc["paths"].values() for op in methods.values()]
    assert all(op["x-capability"] for op in ops)
    rating = doc["paths"]["/api/v1/counters/{counter_id}/rating"]["post"]
    assert rating["x-capability"] == "may_rate" and rating["x-allowed"]["device_tokens"] == ["pad"]
    score = rating["requestBody"]["content"]["application/json"]["schema"]["properties"]["score"]
    assert (score["minimum"], score["maximum"]) == (1, 5)
    issue = doc["paths"]["/api/v1/branches/{code}/tickets"]["post"]["requestBody"]["content"]["application/json"]
    assert issue["schema"]["properties"]["service"]["minLength"] == 1
    assert issue["schema"]["properties"]["priority"]["enum"] == ["normal", "priority", "vip"]
    assert doc["paths"]["/api/v1/counters/{counter_id}/open"]["post"]["parameters"][0]["schema"]["maximum"] == 2**31 - 1


def test_numbers_too_large_for_a_float_are_400(signed_in):
    from server.api.core import ApiError, check_text

    with pytest.raises(ApiError) as raised:
        check_text({"value": float("inf")}, "the body")
    assert raised.value.status == 400 and raised.value.code == "invalid_value"
    guide = signed_in("guide")
    r = guide.client.post("/api/v1/branches/demo/tickets", data='{"service": "A", "x": 1e400}',
                          headers={**guide.headers, "Content-Type": "application/json"})
    assert r.status_code == 400 and error_code(r) == "invalid_value"


def test_a_cached_device_token_stops_at_its_expiry(signed_in, client, app):
    token = device_token(signed_in("admin"), "display", "soon-expired", expires_in_days=1)
    assert client.get("/api/v1/branches/demo/queue", headers=bearer(token)).status_code == 200  # now cached
    hub = app.extensions["counterflow"]
    principal = hub.principals.get(token, dt.datetime.utcnow())
    assert principal is not None and hub.principals.get(token, dt.datetime.utcnow() + dt.timedelta(days=2)) is None
