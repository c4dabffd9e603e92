"""Opening (開業登記): every device self-tests into a checklist; the supervisor opens the branch and the
record keeps who, when, the faults still open and the checklist."""
from __future__ import annotations

from tests.core.devices.device_helpers import eventually


def test_opening_check_lists_every_device(devices, signed_in):
    check = signed_in("guide").post("/api/v1/branches/demo/opening-check").get_json()

    assert check["ok"] is True
    names = {item["device"]: item for item in check["checklist"]}
    assert set(names) == set(devices.list())
    assert names["printer-1"] == {"device_id": names["printer-1"]["device_id"], "device": "printer-1",
                                  "kind": "printer", "counter": None, "kiosk": "demo-kiosk", "state": "online",
                                  "detail": "ok", "flags": [], "ok": True}
    assert names["led-3"]["counter"] == 3 and names["led-3"]["ok"]


def test_opening_check_can_print_a_test_page(devices, signed_in):
    check = signed_in("supervisor").post("/api/v1/branches/demo/opening-check", json={"test_page": True}).get_json()
    assert check["ok"] is True
    [page] = devices.printer_sim().wait_for_tickets(1)
    assert page.cut


def test_branch_opened_with_a_fault_outstanding_records_it(devices, signed_in, published):
    supervisor = signed_in("supervisor")
    devices.printer_fault("paper_out")
    fault = eventually(lambda: devices.open_fault("printer-1", "paper_end"))
    devices.bus_sim().set_fault(104, "unplugged")  # pad-4

    check = supervisor.post("/api/v1/branches/demo/opening-check").get_json()
    bad = {item["device"]: item for item in check["checklist"] if not item["ok"]}
    assert check["ok"] is False and set(bad) == {"printer-1", "pad-4"}
    assert bad["printer-1"]["state"] == "fault" and bad["pad-4"]["state"] == "not_responding"

    assert signed_in("guide").post("/api/v1/branches/demo/open").status_code == 403
    response = supervisor.post("/api/v1/branches/demo/open")
    assert response.status_code == 201, response.get_json()
    opening = response.get_json()
    assert opening["opened_by"] == "user:supervisor"
    assert fault["id"] in [f["id"] for f in opening["outstanding_faults"]]
    assert {item["device"] for item in opening["checklist"] if not item["ok"]} == {"printer-1", "pad-4"}
    assert "branch.opened" in [e.name for e in published]

    assert signed_in("teller1").get("/api/v1/branches/demo/opening").get_json()["opening"]["id"] == opening["id"]
    again = supervisor.post("/api/v1/branches/demo/open")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "branch_already_open"


def test_no_opening_record_before_the_branch_is_opened(signed_in):
    assert signed_in("guide").get("/api/v1/branches/demo/opening").get_json() == {"opening": None}
