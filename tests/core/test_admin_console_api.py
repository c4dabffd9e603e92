"""The admin console's API: a branch's whole set-up in one read (admins; its supervisors read-only),
every set-up change audited with who, when and before -> after in the change's own transaction, staff
accounts changed and signed out, the device-token set-up link and QR code, and `counterflow branches`."""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from server.cli import main as cli_main
from server.demo import ensure_demo
from server.models import Branch, SetupChange


@pytest.fixture
def hub(app):
    hub = app.extensions["counterflow"]
    ensure_demo(hub.db)
    return hub


@pytest.fixture
def clock_at(hub):
    """Moves the engine's clock to a Taipei local time ("2026-03-02 09:10")."""
    def set_to(local: str) -> None:
        at = dt.datetime.fromisoformat(local) - dt.timedelta(hours=8)
        hub.engine.clock = lambda: at
    return set_to


def _changes(admin, code="demo"):
    return admin.get(f"/api/v1/branches/{code}/setup").get_json()["changes"]


def test_a_new_branch_is_set_up_through_the_api_and_every_step_is_audited(hub, signed_in):
    admin = signed_in("admin")
    assert admin.post("/api/v1/branches", json={"code": "east", "name_zh": "東區", "name_en": "East"}).status_code == 201
    assert admin.post("/api/v1/branches/east/services", json={"code": "A", "name_zh": "存款", "name_en": "Deposits",
                                                              "default_service_s": 240}).status_code == 201
    assert admin.post("/api/v1/branches/east/counters", json={"number": 1, "services": ["A"]}).status_code == 201
    r = admin.patch("/api/v1/branches/east", json={"name_en": "East Side", "timezone": "Asia/Hong_Kong"})
    assert r.status_code == 200 and r.get_json()["timezone"] == "Asia/Hong_Kong"
    assert admin.patch("/api/v1/branches/east/services/A", json={"wait_target_min": 25}).status_code == 200

    setup = admin.get("/api/v1/branches/east/setup").get_json()
    assert setup["editable"] is True
    assert setup["branch"]["name_en"] == "East Side"
    assert setup["services"][0]["default_service_s"] == 240 and setup["services"][0]["wait_target_min"] == 25
    assert setup["counters"] == [{"id": setup["counters"][0]["id"], "number": 1, "name": "1", "policy": "strict",
                                  "state": "closed", "services": ["A"]}]
    newest_first = [(c["entity"], c["key"], c["action"], c["actor"]) for c in setup["changes"]]
    assert newest_first == [("service", "A", "changed", "admin"), ("branch", "east", "changed", "admin"),
                            ("counter", "1", "created", "admin"), ("service", "A", "created", "admin"),
                            ("branch", "east", "created", "admin")]
    # A change keeps only the fields that moved, before and after.
    assert setup["changes"][0]["before"] == {"wait_target_min": 20}
    assert setup["changes"][0]["after"] == {"wait_target_min": 25}
    assert setup["changes"][1]["before"] == {"name_en": "East", "timezone": "Asia/Taipei"}


def test_a_refused_change_leaves_no_audit_record(hub, signed_in):
    admin = signed_in("admin")
    with hub.db.read() as s:
        before = s.execute(select(func.count()).select_from(SetupChange)).scalar_one()
    r = admin.patch("/api/v1/branches/demo/services/A", json={"wait_warning_min": 500, "wait_target_min": 10})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_wait_target"
    r = admin.patch("/api/v1/branches/demo", json={"timezone": "Mars/Olympus"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_timezone"
    with hub.db.read() as s:
        assert s.execute(select(func.count()).select_from(SetupChange)).scalar_one() == before
        assert s.execute(select(Branch.timezone).where(Branch.code == "demo")).scalar_one() == "Asia/Taipei"


def test_a_supervisor_reads_their_branch_setup_but_changes_nothing(hub, signed_in):
    sup = signed_in("supervisor")
    r = sup.get("/api/v1/branches/demo/setup")
    assert r.status_code == 200 and r.get_json()["editable"] is False
    assert {u["username"] for u in r.get_json()["users"]} >= {"teller1", "supervisor"}
    assert sup.patch("/api/v1/branches/demo", json={"name_en": "Mine"}).status_code == 403
    assert sup.patch("/api/v1/users/teller1", json={"active": False}).status_code == 403
    assert signed_in("teller1").get("/api/v1/branches/demo/setup").status_code == 403


def test_deactivating_an_account_signs_it_out_and_is_audited(hub, signed_in, client):
    admin, teller = signed_in("admin"), signed_in("teller2")
    assert teller.get("/api/v1/me").status_code == 200
    r = admin.patch("/api/v1/users/teller2", json={"active": False, "display_name": "Ex teller"})
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert teller.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "teller2", "password": "demo"}).status_code == 401
    change = _changes(admin)[0]
    assert (change["entity"], change["key"], change["before"]["active"], change["after"]["active"]) == \
        ("user", "teller2", True, False)


def test_a_password_reset_takes_the_new_password_and_never_logs_it(hub, signed_in, client):
    admin = signed_in("admin")
    assert admin.post("/api/v1/users/teller3/password", json={"password": "n3w-secret"}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"username": "teller3", "password": "demo"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "teller3", "password": "n3w-secret"}).status_code == 200
    change = _changes(admin)[0]
    assert change["action"] == "password_reset" and "n3w-secret" not in str(change)
    r = admin.patch("/api/v1/users/teller3", json={"role": "teller", "branch": None})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "branch_required"
    assert admin.patch("/api/v1/users/nobody", json={"active": False}).status_code == 404


def test_a_kiosk_token_gives_a_setup_link_and_a_qr_code_that_opens_the_kiosk(hub, signed_in, client):
    admin = signed_in("admin")
    created = admin.post("/api/v1/device-tokens", json={"name": "kiosk-9", "kind": "kiosk", "branch": "demo"})
    token = created.get_json()["token"]
    link = admin.post("/api/v1/device-tokens/setup-link", json={"token": token}).get_json()
    assert link["url"] == f"http://localhost/kiosk/demo?token={token}"
    assert link["qr"].startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(link["qr"].split(",", 1)[1])
    assert client.get("/kiosk/demo").status_code == 200
    # Behind a proxy: the devices' address is the public one.
    hub.settings = dataclasses.replace(hub.settings, public_base_url="https://queue.example.test/")
    display = admin.post("/api/v1/device-tokens", json={"name": "display-9", "kind": "display", "branch": "demo"})
    link = admin.post("/api/v1/device-tokens/setup-link", json={"token": display.get_json()["token"]}).get_json()
    assert link["url"] == f"https://queue.example.test/display/demo?token={display.get_json()['token']}"
    # Rotating it invalidates the old link; the audit keeps the rotation, never a token.
    token_id = created.get_json()["id"]
    assert admin.post(f"/api/v1/device-tokens/{token_id}/rotate", json={}).status_code == 200
    r = admin.post("/api/v1/device-tokens/setup-link", json={"token": token})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "token_not_found"
    actions = [(c["entity"], c["action"]) for c in _changes(admin)[:2]]
    assert actions == [("device_token", "rotated"), ("device_token", "created")]
    assert token not in str(_changes(admin))
    pad = admin.post("/api/v1/device-tokens", json={"name": "pad-9", "kind": "pad", "branch": "demo"}).get_json()
    r = admin.post("/api/v1/device-tokens/setup-link", json={"token": pad["token"]})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "no_setup_page"


def test_device_changes_are_audited_before_and_after(hub, signed_in):
    admin = signed_in("admin")
    device = admin.post("/api/v1/devices", json={"branch": "demo", "kind": "printer", "name": "lobby-printer",
                                                "url": "serial:///dev/ttyUSB7?baud=9600"}).get_json()
    assert admin.patch(f"/api/v1/devices/{device['id']}", json={"enabled": False}).status_code == 200
    change, created = _changes(admin)[:2]
    assert (created["entity"], created["action"], created["after"]["url"]) == \
        ("device", "created", "serial:///dev/ttyUSB7?baud=9600")
    assert (change["before"], change["after"]) == ({"enabled": True}, {"enabled": False})


def test_the_cli_creates_a_branch_with_an_audit_record(database_url, capsys, monkeypatch):
    monkeypatch.setenv("COUNTERFLOW_DATABASE_URL", database_url)
    assert cli_main(["branches", "create", "west", "--name-zh", "西區", "--name-en", "West",
                     "--timezone", "Asia/Macau"]) == 0
    assert "created branch west" in capsys.readouterr().out
    assert cli_main(["branches", "create", "west", "--name-zh", "西", "--name-en", "W"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert cli_main(["branches", "list"]) == 0
    assert "west" in capsys.readouterr().out
    from server.db import Database

    db = Database(database_url)
    with db.read() as s:
        row = s.execute(select(SetupChange).where(SetupChange.entity_key == "west")).scalar_one()
        assert (row.actor, row.action, row.after["timezone"]) == ("cli", "created", "Asia/Macau")
    db.dispose()


def test_a_staff_only_service_is_issued_by_staff_but_refused_to_a_kiosk(hub, signed_in, client):
    admin = signed_in("admin")
    r = admin.patch("/api/v1/branches/demo/services/C", json={"staff_only": True})
    assert r.status_code == 200 and r.get_json()["staff_only"] is True
    assert _changes(admin)[0]["after"] == {"staff_only": True}
    kiosk = admin.post("/api/v1/device-tokens", json={"name": "kiosk-c", "kind": "kiosk", "branch": "demo"})
    headers = {"Authorization": f"Bearer {kiosk.get_json()['token']}"}
    refused = client.post("/api/v1/branches/demo/tickets", json={"service": "C"}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "staff_only_service"
    assert client.post("/api/v1/branches/demo/tickets", json={"service": "A"}, headers=headers).status_code == 201
    assert signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "C"}).status_code == 201
    # The kiosk reads the flag from the public queue rows (it hides the button from customers).
    rows = client.get("/api/v1/branches/demo/queue", headers=headers).get_json()["services"]
    # (the demo VIP service is staff-only too)
    assert {r["service"]: r["guide_only"] for r in rows} == {"A": False, "B": False, "C": True, "V": True}
    added = admin.post("/api/v1/branches/demo/services", json={"code": "S", "name_zh": "保管箱", "name_en": "Safe box",
                                                              "staff_only": True})
    assert added.status_code == 201 and added.get_json()["staff_only"] is True


def test_opening_hours_hold_the_kiosk_but_not_the_staff(hub, signed_in, client, clock_at):
    admin = signed_in("admin")
    hours = {"0": ["09:00", "15:30"], "1": ["09:00", "15:30"]}  # Monday = "0"
    r = admin.patch("/api/v1/branches/demo", json={"opening_hours": hours})
    assert r.status_code == 200 and r.get_json()["opening_hours"] == hours
    kiosk = admin.post("/api/v1/device-tokens", json={"name": "kiosk-h", "kind": "kiosk", "branch": "demo"})
    headers = {"Authorization": f"Bearer {kiosk.get_json()['token']}"}

    def kiosk_issue():
        return client.post("/api/v1/branches/demo/tickets", json={"service": "A"}, headers=headers)

    clock_at("2026-03-02 09:10")  # a Monday, Taipei: open
    assert kiosk_issue().status_code == 201
    clock_at("2026-03-02 15:30")  # closing time
    refused = kiosk_issue()
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "hall_closed"
    assert signed_in("guide").post("/api/v1/branches/demo/tickets", json={"service": "A"}).status_code == 201
    clock_at("2026-03-04 10:00")  # a Wednesday: no hours, closed
    assert kiosk_issue().status_code == 409
    assert admin.patch("/api/v1/branches/demo", json={"opening_hours": {}}).get_json()["opening_hours"] is None
    assert kiosk_issue().status_code == 201  # no hours: any time
    for bad in ({"0": ["15:30", "09:00"]}, {"mon": ["09:00", "10:00"]}, {"0": ["9:00", "10:00"]}):
        r = admin.patch("/api/v1/branches/demo", json={"opening_hours": bad})
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_opening_hours"


def test_an_account_moved_to_another_branch_leaves_the_old_branch_list(hub, signed_in):
    admin = signed_in("admin")
    assert admin.post("/api/v1/branches", json={"code": "north", "name_zh": "北區", "name_en": "North"}).status_code == 201
    r = admin.patch("/api/v1/users/teller4", json={"branch": "north", "role": "guide"})
    assert r.status_code == 200 and (r.get_json()["branch"], r.get_json()["role"]) == ("north", "guide")
    assert "teller4" not in {u["username"] for u in signed_in("supervisor").get("/api/v1/branches/demo/setup")
                             .get_json()["users"]}
    change = _changes(admin, "north")[0]
    assert (change["key"], change["before"], change["after"]) == \
        ("teller4", {"branch": "demo", "role": "teller"}, {"branch": "north", "role": "guide"})
