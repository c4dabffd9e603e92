"""Staff report faults, the supervisor acknowledges them with a contingency and resolves them; every
step is kept with who and when, for the fault report (seed 4-8: receive, notify, decide, handle,
feed back, report, archive)."""
from __future__ import annotations

from tests.core.devices.device_helpers import eventually


def test_staff_fault_goes_from_raised_to_acknowledged_to_resolved(devices, signed_in, published):
    teller, supervisor = signed_in("teller2"), signed_in("supervisor")

    response = teller.post("/api/v1/faults", json={"device": "printer-1", "code": "jammed",
                                                   "message": "ticket machine jammed"})
    assert response.status_code == 201, response.get_json()
    fault = response.get_json()
    assert fault["source"] == "staff" and fault["raised_by"] == "user:teller2" and fault["device"] == "printer-1"
    assert [f["id"] for f in devices.faults()] == [fault["id"]]
    alert = next(a for a in devices.alerts() if a["device_fault_id"] == fault["id"])
    assert alert["level"] == "critical"

    assert teller.post(f"/api/v1/faults/{fault['id']}/ack", json={}).status_code == 403
    acked = supervisor.post(f"/api/v1/faults/{fault['id']}/ack",
                            json={"note": "seen", "contingency": "guide hands out numbered cards"}).get_json()
    assert acked["acknowledged_by"] == "user:supervisor" and acked["contingency"] == "guide hands out numbered cards"
    again = supervisor.post(f"/api/v1/faults/{fault['id']}/ack", json={"note": "again", "contingency": "again"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "fault_acknowledged"

    assert supervisor.post(f"/api/v1/faults/{fault['id']}/resolve", json={"note": ""}).status_code == 400
    resolved = supervisor.post(f"/api/v1/faults/{fault['id']}/resolve",
                               json={"note": "cleared the jam, test page fine"}).get_json()
    assert resolved["open"] is False and resolved["resolved_by"] == "user:supervisor"
    assert devices.faults() == [] and devices.alerts() == []

    report = supervisor.get(f"/api/v1/faults/{fault['id']}").get_json()
    assert [(s["step"], s["by"]) for s in report["timeline"]] == [
        ("raised", "user:teller2"), ("acknowledged", "user:supervisor"), ("resolved", "user:supervisor")]
    assert report["timeline"][1]["contingency"] == "guide hands out numbered cards"
    assert report["time_to_resolve_s"] >= report["time_to_acknowledge_s"] >= 0
    assert report["alerts"][0]["cleared_at"] is not None and report["alerts"][0]["acknowledged_by"] == "user:supervisor"
    assert len(devices.faults(open_only=False)) == 1  # the record stays
    names = [e.name for e in published]
    assert names.index("device.fault") < names.index("device.fault_acknowledged") < names.index("device.fault_cleared")


def test_fault_reports_need_a_message_and_a_known_device(signed_in):
    guide = signed_in("guide")
    assert guide.post("/api/v1/faults", json={"message": " "}).status_code == 400
    assert guide.post("/api/v1/faults", json={"message": "x", "device": "nope"}).status_code == 404
    assert guide.post("/api/v1/faults", json={"message": "queue screen flickers"}).status_code == 201


def test_faults_of_another_branch_are_not_shown(signed_in, client):
    admin, guide = signed_in("admin"), signed_in("guide")
    admin.post("/api/v1/branches", json={"code": "north", "name_zh": "北區", "name_en": "North"})
    fault = admin.post("/api/v1/faults", json={"branch": "north", "message": "kiosk screen dead"}).get_json()
    assert guide.get(f"/api/v1/faults/{fault['id']}").status_code == 404
    assert guide.get("/api/v1/faults?branch=north").status_code == 403
    assert guide.get("/api/v1/faults").get_json()["faults"] == []
    assert signed_in("supervisor").post(f"/api/v1/faults/{fault['id']}/ack", json={}).status_code == 404


def test_an_automatic_fault_acknowledged_meanwhile_still_clears_itself(devices, signed_in):
    devices.printer_fault("cover_open")
    fault = eventually(lambda: devices.open_fault("printer-1", "cover_open"))
    signed_in("supervisor").post(f"/api/v1/faults/{fault['id']}/ack",
                                 json={"note": "cover left open", "contingency": "kiosk shows QR tickets on screen"})
    devices.printer_fault("cover_open", on=False)
    eventually(lambda: devices.open_fault("printer-1") is None)
    report = devices.admin.get(f"/api/v1/faults/{fault['id']}").get_json()
    assert [s["step"] for s in report["timeline"]] == ["raised", "acknowledged", "resolved"]
    assert report["resolved_by"] == "system"
