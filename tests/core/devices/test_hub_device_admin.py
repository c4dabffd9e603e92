"""Admins manage the device table through the API; the running device manager follows it."""
from __future__ import annotations

from server.app import create_app
from tests.core.devices.conftest import device_settings
from tests.core.devices.device_helpers import eventually


def test_admin_adds_changes_and_removes_a_device(devices, signed_in):
    admin = devices.admin
    response = admin.post("/api/v1/devices", json={"branch": "demo", "kind": "led", "name": "led-hall",
                                                   "url": "sim://bus/1?unit=9", "counter": 2})
    assert response.status_code == 201, response.get_json()
    added = response.get_json()
    assert added["counter"] == 2 and added["kind"] == "led"
    devices.wait_state("led-hall", "online")  # the manager started polling it (a simulator unit appeared)

    changed = admin.patch(f"/api/v1/devices/{added['id']}", json={"enabled": False, "name": "led-hall-2"}).get_json()
    assert changed["name"] == "led-hall-2" and changed["enabled"] is False
    devices.wait_state("led-hall-2", "disabled")

    assert admin.client.delete(f"/api/v1/devices/{added['id']}", headers=admin.headers).status_code == 200
    assert "led-hall-2" not in devices.list()


def test_device_input_is_checked(devices, signed_in):
    admin = devices.admin
    base = {"branch": "demo", "kind": "pad", "name": "pad-x", "url": "serial:///dev/ttyUSB0?baud=9600&unit=3",
            "counter": 1}
    cases = [
        ({"kind": "scanner"}, "invalid_kind"),
        ({"url": "ftp://nowhere"}, "invalid_url"),
        ({"url": "serial:///dev/ttyUSB0?baud=9600"}, "invalid_url"),  # a pad needs its unit id
        ({"url": "sim://printer/1"}, "invalid_url"),
        ({"counter": None}, "counter_required"),
        ({"counter": 99}, "counter_not_found"),
        ({"name": "pad-1"}, "device_exists"),
        ({"kind": "printer", "url": "tcp://127.0.0.1:9", "counter": None, "settings": {"encoding": "utf8"}},
         "invalid_settings"),
    ]
    for change, code in cases:
        body = {k: v for k, v in dict(base, **change).items() if v is not None}
        response = admin.post("/api/v1/devices", json=body)
        assert response.get_json()["error"]["code"] == code, (change, response.get_json())


def test_only_admins_change_devices_and_staff_see_their_branch(devices, signed_in):
    supervisor, teller = signed_in("supervisor"), signed_in("teller1")
    body = {"branch": "demo", "kind": "printer", "name": "p9", "url": "tcp://127.0.0.1:9"}
    assert supervisor.post("/api/v1/devices", json=body).status_code == 403
    assert supervisor.get("/api/v1/devices").status_code == 200
    assert len(supervisor.get("/api/v1/devices").get_json()["devices"]) == len(devices.list())
    assert teller.get("/api/v1/devices").status_code == 403


def test_removing_a_device_keeps_its_fault_records(devices, signed_in):
    devices.printer_fault("paper_out")
    fault = eventually(lambda: devices.open_fault("printer-1"))
    printer_id = devices.list()["printer-1"]["id"]
    admin = devices.admin
    assert admin.client.delete(f"/api/v1/devices/{printer_id}", headers=admin.headers).status_code == 200

    record = admin.get(f"/api/v1/faults/{fault['id']}").get_json()
    assert record["open"] is False and record["resolve_note"] == "device removed"
    assert record["message"] == "[printer-1] paper out"  # the removed device stays named in its record


def test_one_device_can_be_self_tested(devices, signed_in):
    printer_id = devices.list()["printer-1"]["id"]
    result = signed_in("supervisor").post(f"/api/v1/devices/{printer_id}/test", json={"test_page": True}).get_json()
    assert result["ok"] is True and result["state"] == "online"
    assert devices.printer_sim().wait_for_tickets(1)


def test_simulator_controls_exist_only_with_simulated_devices(database_url, devices, signed_in):
    admin, supervisor = devices.admin, signed_in("supervisor")
    assert supervisor.post("/api/v1/sim/printer/1/fault", json={"fault": "paper_out"}).status_code == 403
    assert admin.post("/api/v1/sim/printer/7/fault", json={"fault": "paper_out"}).status_code == 404
    assert admin.post("/api/v1/sim/printer/1/fault", json={"fault": "on_fire"}).status_code == 400
    assert admin.post("/api/v1/sim/bus/1/press", json={"unit": 1, "key": 3}).status_code == 400  # a display
    state = admin.get("/api/v1/sim").get_json()
    assert state["printers"][0]["url"].startswith("tcp://127.0.0.1:")

    plain = create_app(device_settings(database_url, simulate_devices=False))
    try:
        client = plain.test_client()
        token = client.post("/api/v1/auth/token", json={"username": "admin", "password": "demo"}).get_json()["token"]
        response = client.post("/api/v1/sim/printer/1/fault", json={"fault": "paper_out"},
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 404
    finally:
        plain.extensions["counterflow"].db.dispose()
