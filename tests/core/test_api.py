"""The REST API: sign-in, roles, the counter workflow, and clear errors for bad input."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from server.models import ApiToken, Ticket


def error_code(response) -> str:
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]["code"]


def test_sign_in_returns_token_and_role(client):
    r = client.post("/api/v1/auth/token", json={"username": "teller1", "password": "demo"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["role"] == "teller" and body["branch"] == "demo" and len(body["token"]) > 30
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["name"] == "teller1"


def test_wrong_password_and_unknown_user_get_the_same_401(client):
    a = client.post("/api/v1/auth/token", json={"username": "teller1", "password": "nope"})
    b = client.post("/api/v1/auth/token", json={"username": "ghost", "password": "demo"})
    assert a.status_code == b.status_code == 401
    assert error_code(a) == error_code(b) == "invalid_credentials"


def test_calls_without_or_with_bad_token_are_401(client):
    assert error_code(client.get("/api/v1/branches/demo/queue")) == "auth_required"
    r = client.get("/api/v1/branches/demo/queue", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and error_code(r) == "invalid_token"


def test_expired_token_is_401(client, app, signed_in):
    api = signed_in("teller1")
    db = app.extensions["counterflow"].db
    with db.write() as s:
        for row in s.execute(select(ApiToken)).scalars():
            row.expires_at = dt.datetime(2000, 1, 1)
    r = api.get("/api/v1/me")
    assert r.status_code == 401 and error_code(r) == "token_expired"


def test_logout_revokes_the_token(signed_in):
    api = signed_in("teller2")
    assert api.post("/api/v1/auth/logout").status_code == 200
    assert api.get("/api/v1/me").status_code == 401


def test_issue_ticket_returns_201_with_position(signed_in):
    api = signed_in("guide")
    r = api.post("/api/v1/branches/demo/tickets", json={"service": "A"})
    assert r.status_code == 201
    body = r.get_json()
    assert {"id", "number", "service", "status", "people_ahead", "estimated_wait_s", "created_at"} <= set(body)
    assert body["number"] == "A001" and body["channel"] == "guide"
    got = api.get(f"/api/v1/tickets/{body['id']}").get_json()
    assert got["number"] == "A001" and got["people_ahead"] == 0


def test_teller_workflow_over_http(signed_in):
    guide, teller = signed_in("guide"), signed_in("teller1")
    guide.post("/api/v1/branches/demo/tickets", json={"service": "A"})
    guide.post("/api/v1/branches/demo/tickets", json={"service": "A"})
    assert teller.post("/api/v1/counters/1/open").get_json()["staff"] == "teller1"
    first = teller.post("/api/v1/counters/1/call-next").get_json()["ticket"]
    assert first["number"] == "A001"
    busy = teller.post("/api/v1/counters/1/call-next")
    assert busy.status_code == 409 and error_code(busy) == "counter_busy"
    nxt = teller.post("/api/v1/counters/1/call-next", json={"complete_current": True}).get_json()
    assert nxt["completed"]["number"] == "A001" and nxt["ticket"]["number"] == "A002"
    assert teller.post("/api/v1/counters/1/recall").get_json()["recall_count"] == 1
    assert teller.post("/api/v1/counters/1/start").get_json()["status"] == "serving"
    assert teller.post("/api/v1/counters/1/transfer", json={"to_service": "B"}).get_json()["follow_up"]["service"] == "B"
    # Counter 1 also serves B, so the transferred customer comes straight back to it.
    again = teller.post("/api/v1/counters/1/call-next").get_json()["ticket"]
    assert (again["number"], again["service"]) == ("A002", "B")
    teller.post("/api/v1/counters/1/complete")
    paused = teller.post("/api/v1/counters/1/pause", json={"reason": "暫停服務"})
    assert paused.get_json()["state"] == "paused"
    assert error_code(teller.post("/api/v1/counters/1/call-next")) == "counter_paused"
    assert teller.post("/api/v1/counters/1/resume").get_json()["state"] == "open"
    counters = teller.get("/api/v1/branches/demo/counters").get_json()["counters"]
    assert [c["state"] for c in counters] == ["open", "closed", "closed", "closed"]


def test_queue_snapshot_per_service(signed_in):
    guide = signed_in("guide")
    for _ in range(3):
        guide.post("/api/v1/branches/demo/tickets", json={"service": "B"})
    rows = {r["service"]: r for r in guide.get("/api/v1/branches/demo/queue").get_json()["services"]}
    assert set(rows) == {"A", "B", "C", "V"}
    assert rows["B"]["waiting"] == 3 and rows["A"]["waiting"] == 0
    assert {"longest_wait_s", "estimated_wait_s", "alert_level"} <= set(rows["B"])
    assert rows["B"]["alert_level"] == "ok"


def test_teller_acts_only_on_the_counter_they_opened(signed_in):
    t1, t2 = signed_in("teller1"), signed_in("teller2")
    t1.post("/api/v1/counters/1/open")
    r = t2.post("/api/v1/counters/1/call-next")
    assert r.status_code == 403 and error_code(r) == "not_your_counter"
    assert error_code(t2.post("/api/v1/counters/1/open")) == "counter_in_use"


def test_supervisor_may_act_on_any_counter_of_the_branch(signed_in):
    t1, sup = signed_in("teller1"), signed_in("supervisor")
    t1.post("/api/v1/counters/1/open")
    r = sup.post("/api/v1/counters/1/pause", json={"reason": "meeting"})
    assert r.status_code == 200 and r.get_json()["state"] == "paused"


def test_only_guides_and_above_issue_priority_tickets(signed_in):
    assert signed_in("teller1").post("/api/v1/branches/demo/tickets",
                                     json={"service": "A", "priority": "vip"}).status_code == 403
    r = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A", "priority": "vip"})
    assert r.status_code == 201 and r.get_json()["priority"] == "vip"


def test_admin_manages_branch_setup_and_device_tokens(signed_in, client):
    admin = signed_in("admin")
    r = admin.post("/api/v1/branches", json={"code": "north", "name_zh": "北區", "name_en": "North"})
    assert r.status_code == 201
    assert admin.post("/api/v1/branches/north/services",
                      json={"code": "A", "name_zh": "個人", "name_en": "Personal"}).status_code == 201
    c = admin.post("/api/v1/branches/north/counters", json={"number": 1, "services": ["A"]})
    assert c.status_code == 201 and c.get_json()["services"] == ["A"]
    assert admin.post("/api/v1/users", json={"username": "nt1", "password": "pass1", "role": "teller",
                                             "branch": "north"}).status_code == 201
    token = admin.post("/api/v1/device-tokens", json={"name": "kiosk-1", "kind": "kiosk", "branch": "north"})
    assert token.status_code == 201
    kiosk = {"Authorization": f"Bearer {token.get_json()['token']}"}
    issued = client.post("/api/v1/branches/north/tickets", json={"service": "A"}, headers=kiosk)
    assert issued.status_code == 201 and issued.get_json()["channel"] == "kiosk"
    # The kiosk token belongs to 'north' only, and may not hand out priority.
    assert client.post("/api/v1/branches/demo/tickets", json={"service": "A"}, headers=kiosk).status_code == 403
    assert client.post("/api/v1/branches/north/tickets", json={"service": "A", "priority": "vip"},
                       headers=kiosk).status_code == 403
    assert client.post("/api/v1/counters/1/open", headers=kiosk).status_code == 403


def test_non_admin_cannot_administer(signed_in):
    r = signed_in("supervisor").post("/api/v1/branches", json={"code": "x", "name_zh": "x", "name_en": "x"})
    assert r.status_code == 403


def test_staff_of_one_branch_cannot_see_another(signed_in, client):
    admin = signed_in("admin")
    admin.post("/api/v1/branches", json={"code": "south", "name_zh": "南", "name_en": "South"})
    assert signed_in("teller1").get("/api/v1/branches/south/queue").status_code == 403


@pytest.mark.parametrize(
    "body, code",
    [
        ({"service": "Z"}, "service_not_found"),
        ({"service": 5}, "invalid_type"),
        ({}, "missing_field"),
        ({"service": "A", "priority": "now"}, "invalid_priority"),
        ({"service": "A", "colour": "red"}, "unknown_field"),
        ([1, 2], "invalid_body"),
    ],
)
def test_bad_ticket_requests_are_clear_4xx_and_write_nothing(signed_in, app, body, code):
    r = signed_in("guide").post("/api/v1/branches/demo/tickets", json=body)
    assert 400 <= r.status_code < 500 and error_code(r) == code
    with app.extensions["counterflow"].db.read() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0


def test_malformed_json_and_oversized_body(signed_in):
    api = signed_in("guide")
    r = api.client.post("/api/v1/branches/demo/tickets", data="{not json", headers={
        **api.headers, "Content-Type": "application/json"})
    assert r.status_code == 400 and error_code(r) == "malformed_json"
    big = api.client.post("/api/v1/branches/demo/tickets", data="x" * (100 * 1024), headers={
        **api.headers, "Content-Type": "application/json"})
    assert big.status_code == 413 and error_code(big) == "body_too_large"


def test_unknown_ids_and_routes_are_404_json(signed_in):
    api = signed_in("supervisor")
    assert error_code(api.get("/api/v1/tickets/424242")) == "ticket_not_found"
    assert error_code(api.post("/api/v1/counters/999/call-next")) == "counter_not_found"
    assert error_code(api.get("/api/v1/branches/nowhere/queue")) == "branch_not_found"
    assert error_code(api.get("/api/v1/no/such/route")) == "not_found"
    r = api.client.delete("/api/v1/me", headers=api.headers)
    assert r.status_code == 405 and error_code(r) == "method_not_allowed"


def test_wrong_types_on_counter_actions(signed_in):
    teller = signed_in("teller1")
    teller.post("/api/v1/counters/1/open")
    assert error_code(teller.post("/api/v1/counters/1/call-next", json={"complete_current": "yes"})) == "invalid_type"
    assert error_code(teller.post("/api/v1/counters/1/pause", json={"reason": 3})) == "invalid_type"
    assert error_code(teller.post("/api/v1/counters/1/pause", json={})) == "missing_field"
    assert error_code(teller.post("/api/v1/counters/1/transfer", json={"to_counter": "2"})) == "invalid_type"


def test_public_ticket_page_data_reveals_only_the_ticket(signed_in, client):
    issued = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    r = client.get(f"/api/v1/public/tickets/{issued['tracking_token']}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["number"] == "A001" and "id" not in body and "tracking_token" not in body
    assert client.get("/api/v1/public/tickets/guess").status_code == 404


def test_openapi_document_matches_the_routes(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        # The API, and the pages that take a form post (the printable reports, the panel's report files),
        # are documented.
        if not rule.rule.startswith("/api/v1") and rule.rule not in (
                "/supervisor/<branch_code>/day-report", "/supervisor/<branch_code>/fault-report",
                "/supervisor/<branch_code>/report-file"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", "{" + arg + "}").replace(f"<{arg}>", "{" + arg + "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method))
    assert documented == served
    assert doc["openapi"].startswith("3.")
    assert client.get("/api/v1/docs").status_code == 200
    # The docs page is HTML and says so; the printable report is documented with its form body.
    assert list(doc["paths"]["/api/v1/docs"]["get"]["responses"]["200"]["content"]) == ["text/html"]
    report = doc["paths"]["/supervisor/{branch_code}/day-report"]["post"]
    assert "application/x-www-form-urlencoded" in report["requestBody"]["content"]
    assert report["x-capability"] == "may_read_reports"
