"""The role x route matrix: every registered route, called by every kind of caller, answers as the
tables below say. The tables are the specification (docs/architecture.md, "Security"); the registry
and server/permissions.py must agree with them.

A route added without a row in ROUTE_CAPABILITY, or with another capability than the row says, fails
`test_every_route_is_in_the_table`. Callers send a body with an unknown field, so an allowed call
ends in 400 unknown_field (or another non-auth answer) and changes nothing; refused calls must be
401 (no valid token) or 403 (404 for another branch's records addressed by id, once the caller's
kind is admitted: their ids are not confirmed to outsiders).
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from server.api.core import ROUTES
from server.models import Alert, ApiToken, Ticket
from tests.core.conftest import Api

# ---------------------------------------------------------------------------- the tables
NO_TOKEN, EXPIRED, REVOKED = "no token", "expired", "revoked"
KIOSK, DISPLAY, AGENT, PAD = "kiosk", "display", "agent at counter 1", "pad at counter 1"
TELLER_HERE, TELLER_ELSEWHERE = "teller of counter 1", "teller of counter 2"
GUIDE, SUPERVISOR, ADMIN, OTHER_BRANCH = "guide", "supervisor", "admin", "supervisor of another branch"

CALLERS = [NO_TOKEN, EXPIRED, REVOKED, KIOSK, DISPLAY, AGENT, PAD, TELLER_HERE, TELLER_ELSEWHERE, GUIDE,
           SUPERVISOR, OTHER_BRANCH, ADMIN]  # the admin last: an allowed DELETE really deletes
VALID = set(CALLERS) - {NO_TOKEN, EXPIRED, REVOKED}
STAFF = {TELLER_HERE, TELLER_ELSEWHERE, GUIDE, SUPERVISOR, ADMIN}

# Who holds each capability, in the demo branch (the other branch's supervisor: see `allowed`).
ALLOWED = {
    "public":              set(CALLERS),
    "signed_in":           VALID,
    "may_watch_branch":    STAFF | {KIOSK, DISPLAY, AGENT, PAD},
    "may_read_staff_data": STAFF,
    "may_issue_ticket":    STAFF | {KIOSK},
    "may_operate_counter": {TELLER_HERE, SUPERVISOR, ADMIN, AGENT},
    "may_rate":            {PAD},
    "may_guide":           {GUIDE, SUPERVISOR, ADMIN},
    "may_check_devices":   {GUIDE, SUPERVISOR, ADMIN},
    "may_report_fault":    STAFF,
    "may_supervise":       {SUPERVISOR, ADMIN},
    "may_read_reports":    {SUPERVISOR, ADMIN},
    "may_close_day":       {SUPERVISOR, ADMIN},
    "may_administer":      {ADMIN},
}
# A teller may sign in at any free counter of the branch (the engine then answers 409 if it is busy).
EXTRA = {("POST", "/api/v1/counters/<int:counter_id>/open"): {TELLER_ELSEWHERE}}

ROUTE_CAPABILITY = {
    ('POST', '/api/v1/alerts/<int:alert_id>/ack'): 'may_guide',
    ('POST', '/api/v1/auth/logout'): 'signed_in',
    ('POST', '/api/v1/auth/token'): 'public',
    ('POST', '/api/v1/branches'): 'may_administer',
    ('PATCH', '/api/v1/branches/<code>'): 'may_administer',
    ('GET', '/api/v1/branches/<code>/wall-star'): 'may_read_reports',
    ('PUT', '/api/v1/branches/<code>/wall-star'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/comments'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/ticket-logo'): 'may_supervise',
    ('PUT', '/api/v1/branches/<code>/ticket-logo'): 'may_administer',
    ('DELETE', '/api/v1/branches/<code>/ticket-logo'): 'may_administer',
    ('GET', '/api/v1/branches/<code>/surveys'): 'may_supervise',
    ('POST', '/api/v1/branches/<code>/surveys'): 'may_supervise',
    ('POST', '/api/v1/branches/<code>/surveys/<int:survey_id>/close'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/surveys/<int:survey_id>/results.csv'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/surveys/pending'): 'may_read_staff_data',
    ('POST', '/api/v1/branches/<code>/surveys/<int:survey_id>/answers'): 'may_read_staff_data',
    ('POST', '/api/v1/branches/<code>/comments'): 'may_read_staff_data',
    ('POST', '/api/v1/branches/<code>/comments/<int:comment_id>/archive'): 'may_supervise',
    ('POST', '/api/v1/branches/<code>/comments/<int:comment_id>/handled'): 'may_supervise',
    ('POST', '/api/v1/branches/<code>/comments/<int:comment_id>/reply'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/roster'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/roster/mine'): 'may_read_staff_data',
    ('GET', '/api/v1/branches/<code>/roster/actual'): 'may_read_reports',
    ('POST', '/api/v1/branches/<code>/roster/shifts'): 'may_supervise',
    ('PUT', '/api/v1/branches/<code>/roster/shifts/<int:shift_id>'): 'may_supervise',
    ('DELETE', '/api/v1/branches/<code>/roster/shifts/<int:shift_id>'): 'may_supervise',
    ('POST', '/api/v1/branches/<code>/roster/copy-week'): 'may_supervise',
    ('GET', '/api/v1/branches'): 'signed_in',
    ('GET', '/api/v1/branches/<code>/alerts'): 'may_read_staff_data',
    ('GET', '/api/v1/branches/<code>/charts/hourly'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/charts/satisfaction'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/charts/wait-distribution'): 'may_read_reports',
    ('POST', '/api/v1/branches/<code>/counters'): 'may_administer',
    ('PATCH', '/api/v1/branches/<code>'): 'may_administer',
    ('GET', '/api/v1/branches/<code>/setup'): 'may_supervise',
    ('PATCH', '/api/v1/users/<username>'): 'may_administer',
    ('POST', '/api/v1/users/<username>/password'): 'may_administer',
    ('POST', '/api/v1/device-tokens/setup-link'): 'may_administer',
    ('GET', '/api/v1/branches/<code>/counters'): 'may_watch_branch',
    ('POST', '/api/v1/branches/<code>/day-close'): 'may_close_day',
    ('PUT', '/api/v1/branches/<code>/display-message'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/emergency'): 'may_read_staff_data',
    ('POST', '/api/v1/branches/<code>/emergency/end'): 'may_supervise',
    ('POST', '/api/v1/branches/<code>/emergency/start'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/hall'): 'public',
    ('GET', '/api/v1/branches/<code>/hall-settings'): 'may_read_staff_data',
    ('PATCH', '/api/v1/branches/<code>/hall-settings'): 'may_administer',
    ('POST', '/api/v1/branches/<code>/open'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/opening'): 'may_read_staff_data',
    ('GET', '/api/v1/branches/<code>/agents'): 'may_read_staff_data',
    ('POST', '/api/v1/branches/<code>/opening-check'): 'may_check_devices',
    ('GET', '/api/v1/branches/<code>/opening-record'): 'may_read_staff_data',
    ('GET', '/api/v1/branches/<code>/round-sheets/<kind>'): 'may_read_staff_data',
    ('PUT', '/api/v1/branches/<code>/round-sheets/<kind>'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/rounds'): 'may_read_staff_data',
    ('POST', '/api/v1/branches/<code>/rounds'): 'may_check_devices',
    ('POST', '/api/v1/branches/<code>/rounds/<int:round_id>/tasks/<key>/done'): 'may_check_devices',
    ('PATCH', '/api/v1/branches/<code>/round-settings'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/closing-status'): 'may_check_devices',
    ('POST', '/api/v1/branches/<code>/devices/idle'): 'may_check_devices',
    ('GET', '/api/v1/branches/<code>/reports/round-problems'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/queue'): 'may_watch_branch',
    ('GET', '/api/v1/branches/<code>/waiting'): 'may_read_staff_data',
    ('GET', '/api/v1/branches/<code>/reports/day'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/reports/faults'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/reports/day/<day>/print'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/reports/ranking'): 'may_read_reports',
    ('GET', '/api/v1/branches/<code>/reports/staff'): 'may_read_reports',
    ('POST', '/api/v1/branches/<code>/services'): 'may_administer',
    ('GET', '/api/v1/branches/<code>/services'): 'may_watch_branch',
    ('PATCH', '/api/v1/branches/<code>/services/<service_code>'): 'may_administer',
    ('GET', '/api/v1/branches/<code>/staffing'): 'may_read_reports',
    ('POST', '/api/v1/branches/<code>/tickets'): 'may_issue_ticket',
    ('PATCH', '/api/v1/counters/<int:counter_id>'): 'may_administer',
    ('GET', '/api/v1/counters/<int:counter_id>'): 'may_watch_branch',
    ('POST', '/api/v1/counters/<int:counter_id>/call-next'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/close'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/complete'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/no-show'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/open'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/pause'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/rating'): 'may_rate',
    ('POST', '/api/v1/counters/<int:counter_id>/recall'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/resume'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/start'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/transfer'): 'may_operate_counter',
    ('GET', '/api/v1/counters/<int:counter_id>/transfer-targets'): 'may_operate_counter',
    ('GET', '/api/v1/counters/<int:counter_id>/callable'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/call-ticket'): 'may_operate_counter',
    ('POST', '/api/v1/counters/<int:counter_id>/supervisor-close'): 'may_supervise',
    ('GET', '/api/v1/device-tokens'): 'may_administer',
    ('POST', '/api/v1/device-tokens'): 'may_administer',
    ('POST', '/api/v1/device-tokens/<int:token_id>/revoke'): 'may_administer',
    ('POST', '/api/v1/device-tokens/<int:token_id>/rotate'): 'may_administer',
    ('POST', '/api/v1/devices'): 'may_administer',
    ('GET', '/api/v1/devices'): 'may_check_devices',
    ('DELETE', '/api/v1/devices/<int:device_id>'): 'may_administer',
    ('PATCH', '/api/v1/devices/<int:device_id>'): 'may_administer',
    ('GET', '/api/v1/devices/<int:device_id>'): 'may_check_devices',
    ('POST', '/api/v1/devices/<int:device_id>/test'): 'may_check_devices',
    ('GET', '/api/v1/docs'): 'public',
    ('GET', '/api/v1/faults'): 'may_read_staff_data',
    ('POST', '/api/v1/faults'): 'may_report_fault',
    ('GET', '/api/v1/faults/<int:fault_id>'): 'may_read_staff_data',
    ('POST', '/api/v1/faults/<int:fault_id>/ack'): 'may_supervise',
    ('POST', '/api/v1/faults/<int:fault_id>/resolve'): 'may_supervise',
    ('POST', '/api/v1/faults/<int:fault_id>/investigation'): 'may_supervise',
    ('GET', '/api/v1/me'): 'signed_in',
    ('GET', '/api/v1/openapi.json'): 'public',
    ('GET', '/api/v1/public/tickets/<token>'): 'public',
    ('GET', '/api/v1/public/branches/<code>/appointments'): 'public',
    ('POST', '/api/v1/public/branches/<code>/appointments'): 'public',
    ('GET', '/api/v1/public/branches/<code>/appointments/slots'): 'public',
    ('GET', '/api/v1/public/appointments/<token>'): 'public',
    ('POST', '/api/v1/public/appointments/<token>/cancel'): 'public',
    ('POST', '/api/v1/public/appointments/<token>/check-in'): 'public',
    ('POST', '/api/v1/branches/<code>/appointments/check-in'): 'may_issue_ticket',
    ('GET', '/api/v1/branches/<code>/appointments'): 'may_read_staff_data',
    ('GET', '/api/v1/branches/<code>/appointment-settings'): 'may_read_staff_data',
    ('PATCH', '/api/v1/branches/<code>/appointment-settings'): 'may_supervise',
    ('PUT', '/api/v1/branches/<code>/appointment-settings/services/<service_code>'): 'may_supervise',
    # The remote queue (server/api/remote_routes.py).
    ('GET', '/api/v1/public/branches/<code>/remote'): 'public',
    ('POST', '/api/v1/public/branches/<code>/remote-tickets'): 'public',
    ('POST', '/api/v1/public/tickets/<token>/check-in'): 'public',
    ('POST', '/api/v1/public/tickets/<token>/rejoin'): 'public',
    ('POST', '/api/v1/branches/<code>/remote/check-in'): 'may_issue_ticket',
    ('POST', '/api/v1/branches/<code>/check-in'): 'may_issue_ticket',
    ('POST', '/api/v1/tickets/<int:ticket_id>/check-in'): 'may_guide',
    ('GET', '/api/v1/branches/<code>/remote-settings'): 'may_read_staff_data',
    ('PATCH', '/api/v1/branches/<code>/remote-settings'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/remote/door-poster'): 'may_supervise',
    ('GET', '/api/v1/branches/<code>/remote-tickets'): 'may_read_reports',
    ('POST', '/api/v1/public/tickets/<token>/rating'): 'public',
    ('GET', '/api/v1/sim'): 'may_administer',
    ('POST', '/api/v1/sim/bus/<int:number>/fault'): 'may_administer',
    ('POST', '/api/v1/sim/bus/<int:number>/press'): 'may_administer',
    ('POST', '/api/v1/sim/printer/<int:number>/fault'): 'may_administer',
    ('GET', '/api/v1/tickets/<int:ticket_id>'): 'may_watch_branch',
    ('POST', '/api/v1/tickets/<int:ticket_id>/cancel'): 'may_guide',
    ('POST', '/api/v1/tickets/<int:ticket_id>/move'): 'may_supervise',
    ('POST', '/api/v1/tickets/<int:ticket_id>/priority'): 'may_supervise',
    ('GET', '/api/v1/users'): 'may_administer',
    ('POST', '/api/v1/users'): 'may_administer',
    ('POST', '/supervisor/<branch_code>/day-report'): 'may_read_reports',
    ('POST', '/supervisor/<branch_code>/fault-report'): 'may_read_reports',
    ('POST', '/supervisor/<branch_code>/report-file'): 'may_read_reports',
}

# Socket.IO joins: audience -> who may join (server/audiences.py).
JOIN_ALLOWED = {
    "display":    set(CALLERS),
    "kiosk":      set(CALLERS),
    "ticket":     set(CALLERS),
    "supervisor": {GUIDE, SUPERVISOR, ADMIN},
    "counter":    {TELLER_HERE, TELLER_ELSEWHERE, SUPERVISOR, ADMIN, AGENT},
}

BRANCH_SCOPED = re.compile(r"<(code|branch_code|int:counter_id|int:ticket_id|int:alert_id|int:fault_id|int:device_id)>")
BY_ID = re.compile(r"<int:(ticket_id|alert_id|fault_id|device_id)>")


def allowed(method: str, rule: str, caller: str) -> bool:
    cap = ROUTE_CAPABILITY[(method, rule)]
    if caller == OTHER_BRANCH:  # a supervisor, but not of the branch the path names
        return cap == "public" or (not BRANCH_SCOPED.search(rule) and SUPERVISOR in ALLOWED[cap])
    return caller in ALLOWED[cap] | EXTRA.get((method, rule), set())


def refusal(method: str, rule: str, caller: str) -> int:
    if caller in (NO_TOKEN, EXPIRED, REVOKED):
        return 401
    # The caller's kind is checked first (403); a record of another branch then answers as missing.
    if caller == OTHER_BRANCH and BY_ID.search(rule) and SUPERVISOR in ALLOWED[ROUTE_CAPABILITY[(method, rule)]]:
        return 404
    return 403


# ---------------------------------------------------------------------------- the world
@pytest.fixture
def world(app, client, signed_in):
    """The demo branch with one of each thing a path can name, and a token for every caller."""
    admin = signed_in("admin")
    hub = app.extensions["counterflow"]
    north = {"code": "north", "name_zh": "北", "name_en": "North"}
    assert admin.post("/api/v1/branches", json=north).status_code == 201
    admin.post("/api/v1/users", json={"username": "north-sup", "password": "demo", "role": "supervisor",
                                      "branch": "north"})
    for kind, name, unit, settings in (("pad", "pad-1", 3, {}), ("keypad", "keypad-1", 4, {"agent": "agent-1"})):
        assert admin.post("/api/v1/devices", json={"branch": "demo", "kind": kind, "name": name, "counter": 1,
                                                   "url": f"serial:///dev/ttyUSB0?baud=9600&unit={unit}",
                                                   "settings": settings}).status_code == 201
    device = {}
    for kind, name in (("kiosk", "kiosk-1"), ("display", "display-1"), ("agent", "agent-1"), ("pad", "pad-1")):
        body = {"name": name, "kind": kind, "branch": "demo"}
        device[kind] = admin.post("/api/v1/device-tokens", json=body).get_json()
    teller1, teller2 = signed_in("teller1"), signed_in("teller2")
    assert teller1.post("/api/v1/counters/1/open").status_code == 200
    assert teller2.post("/api/v1/counters/2/open").status_code == 200
    ticket = signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    fault = signed_in("supervisor").post("/api/v1/faults", json={"message": "kiosk screen dead"}).get_json()
    expired, revoked = Api(client, "teller3"), Api(client, "teller4")
    with hub.db.write() as s:
        s.execute(select(ApiToken).where(ApiToken.token_hash == _hash(expired.token))).scalar_one().expires_at = \
            dt.datetime(2000, 1, 1)
    revoked.post("/api/v1/auth/logout")
    with hub.db.read() as s:
        alert_id = s.execute(select(Alert.id)).scalars().first()
        ticket_id = s.execute(select(Ticket.id)).scalars().first()
    tokens = {NO_TOKEN: None, EXPIRED: expired.token, REVOKED: revoked.token, KIOSK: device["kiosk"]["token"],
              DISPLAY: device["display"]["token"], AGENT: device["agent"]["token"], PAD: device["pad"]["token"],
              TELLER_HERE: teller1.token, TELLER_ELSEWHERE: teller2.token, GUIDE: signed_in("guide").token,
              SUPERVISOR: signed_in("supervisor").token, ADMIN: admin.token,
              OTHER_BRANCH: Api(client, "north-sup").token}
    values = {"code": "demo", "branch_code": "demo", "counter_id": 1, "ticket_id": ticket_id, "alert_id": alert_id,
              "fault_id": fault["id"], "device_id": admin.get("/api/v1/devices").get_json()["devices"][0]["id"],
              "token_id": device["kiosk"]["id"], "service_code": "A", "day": "2026-03-02",
              "token": ticket["tracking_token"], "number": 1, "comment_id": 1, "survey_id": 1, "shift_id": 1, "username": "teller4",
              "kind": "opening", "round_id": 1, "key": "signs"}
    return tokens, values


def _hash(token):
    from server.auth import hash_token

    return hash_token(token)


def _path(rule: str, values: dict) -> str:
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


# Routes whose branch/counter check runs inside the engine's transaction (route(scope_in_engine=True))
# read their body first: a refused caller sends a valid one, so the refusal is the engine's guard's.
VALID_BODY = {
    "/branches/<code>/tickets": {"service": "A"},
    "/counters/<int:counter_id>/transfer": {"to_service": "B"},
    "/counters/<int:counter_id>/pause": {"reason": "lunch"},
    "/counters/<int:counter_id>/call-ticket": {"ticket_id": "<ticket_id>"},
}
SCOPE_IN_ENGINE = {(m, doc.prefix + doc.rule) for doc in ROUTES if doc.scope_in_engine for m in doc.methods}


def _call(client, method: str, rule: str, path: str, token: str | None, values: dict, refused: bool):
    if rule.startswith("/supervisor/"):  # the printable report: the token travels in the form
        return client.post(path, data={"token": token or "", "date": "not-a-date"})
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method in ("POST", "PUT", "PATCH"):
        body = {"__matrix__": 1}
        if refused and (method, rule) in SCOPE_IN_ENGINE:
            valid = VALID_BODY.get(rule.removeprefix("/api/v1"), {})
            body = {k: values["ticket_id"] if v == "<ticket_id>" else v for k, v in valid.items()}
        return client.open(path, method=method, json=body, headers=headers)
    return client.open(path, method=method, headers=headers)


# ---------------------------------------------------------------------------- the tests
def test_every_route_is_in_the_table(app):
    registered = {(method, doc.prefix + doc.rule): doc.capability for doc in ROUTES for method in doc.methods}
    assert registered == ROUTE_CAPABILITY
    assert set(ROUTE_CAPABILITY.values()) <= set(ALLOWED)
    served = {(m, r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")
              for m in r.methods - {"HEAD", "OPTIONS"}}
    assert served <= set(ROUTE_CAPABILITY)  # nothing under /api/v1 bypasses the registry


def test_the_hot_path_routes_checked_in_the_engine_are_the_counter_actions_and_issue():
    """Skipping the registry's read is only for handlers that pass the engine a guard (queue_routes.py)."""
    assert {rule for _, rule in SCOPE_IN_ENGINE} == {"/api/v1/branches/<code>/tickets"} | {
        f"/api/v1/counters/<int:counter_id>/{action}" for action in (
            "call-next", "recall", "no-show", "start", "complete", "transfer", "pause", "resume", "open", "close",
            "call-ticket")}


def test_role_by_route_matrix(world, client):
    tokens, values = world
    order = sorted(ROUTE_CAPABILITY, key=lambda mr: mr[0] == "DELETE")  # deletes last
    wrong = []
    for method, rule in order:
        path = _path(rule, values)
        for caller in CALLERS:
            refused = not allowed(method, rule, caller)
            status = _call(client, method, rule, path, tokens[caller], values, refused).status_code
            if not refused:
                ok = status not in (401, 403) and status < 500
            else:
                ok = status == refusal(method, rule, caller)
            if not ok:
                wrong.append(f"{method} {rule} as {caller}: {status}")
    assert wrong == []


def test_socket_join_matrix(world, app):
    tokens, values = world
    socketio = app.extensions["counterflow"].realtime.socketio
    requests = {"display": {"branch": "demo"}, "kiosk": {"branch": "demo"}, "ticket": {"token": values["token"]},
                "supervisor": {"branch": "demo"}, "counter": {"counter_id": 1}}
    wrong = []
    for caller in CALLERS:
        client = socketio.test_client(app, auth={"token": tokens[caller]} if tokens[caller] else None)
        for audience, request in requests.items():
            ack = client.emit("join", {"audience": audience, **request}, callback=True)
            if ack["ok"] != (caller in JOIN_ALLOWED[audience]):
                wrong.append(f"{audience} as {caller}: {ack.get('error')}")
        client.disconnect()
    assert wrong == []
