"""A fault keeps its meaning (issue 11, item 2): it cannot be closed while its device still reports it
(unless a supervisor overrides with a reason, kept on the record), it is acknowledged with a note and
the contingency, and after it is resolved it is investigated (seed 4-8: cause, responsibility,
follow-up) and archived in a fault report per period, as CSV and a printed page. The printer is the
simulator, spoken to through the real ESC/POS bytes."""
from __future__ import annotations

import csv
import io

from tests.core.devices.device_helpers import eventually

ACK = {"note": "paper roll empty", "contingency": "kiosk shows QR tickets on screen"}
FINDINGS = {"cause": "roll not replaced at opening", "responsibility": "guide on duty",
            "follow_up": "spare rolls beside the kiosk; added to the opening check"}


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def out_of_paper_fault(devices):
    devices.printer_fault("paper_out")
    return eventually(lambda: devices.open_fault("printer-1", "paper_end"), what="paper_end fault")


def test_a_fault_cannot_be_resolved_while_the_printer_is_still_out_of_paper(devices, signed_in):
    supervisor = signed_in("supervisor")
    fault = out_of_paper_fault(devices)
    path = f"/api/v1/faults/{fault['id']}"

    # Not before it is acknowledged, and the acknowledgement says what was found and what is done meanwhile.
    not_acked = supervisor.post(f"{path}/resolve", json={"note": "replaced the roll"})
    assert not_acked.status_code == 409 and error_code(not_acked) == "fault_not_acknowledged"
    assert error_code(supervisor.post(f"{path}/ack", json={"note": " ", "contingency": "QR"})) == "ack_note_required"
    assert error_code(supervisor.post(f"{path}/ack", json={"note": "seen", "contingency": " "})) == \
        "contingency_required"
    assert supervisor.post(f"{path}/ack", json={"note": "seen"}).status_code == 400
    assert supervisor.get(path).get_json()["acknowledged_at"] is None
    assert supervisor.post(f"{path}/ack", json=ACK).status_code == 200

    refused = supervisor.post(f"{path}/resolve", json={"note": "replaced the roll"})
    assert refused.status_code == 409 and error_code(refused) == "fault_still_reported"
    assert refused.get_json()["error"]["detail"] == {"device_state": "fault", "code": "paper_end"}
    assert [f["id"] for f in devices.faults()] == [fault["id"]]  # still open, still listed

    devices.printer_fault("paper_out", on=False)
    devices.wait_state("printer-1", "online")
    record = eventually(lambda: (r := supervisor.get(path).get_json())["resolved_at"] and r)
    assert record["resolved_by"] == "system" and record["override_reason"] is None


def test_a_supervisor_may_close_a_reported_fault_with_a_reason_that_is_kept(devices, signed_in):
    supervisor = signed_in("supervisor")
    fault = out_of_paper_fault(devices)
    path = f"/api/v1/faults/{fault['id']}"
    supervisor.post(f"{path}/ack", json=ACK)

    closed = supervisor.post(f"{path}/resolve", json={"note": "vendor replaces the printer tomorrow",
                                                      "override_reason": "sensor fault: paper is loaded"})
    assert closed.status_code == 200, closed.get_json()
    view = closed.get_json()
    assert view["open"] is False and view["override_reason"] == "sensor fault: paper is loaded"
    report = supervisor.get(path).get_json()
    assert report["timeline"][-1] == {**report["timeline"][-1], "step": "resolved", "by": "user:supervisor",
                                      "override_reason": "sensor fault: paper is loaded"}
    assert devices.state("printer-1") == "fault"  # the override closes the record, not the device's condition
    devices.printer_fault("paper_out", on=False)


def test_a_staff_report_on_a_healthy_device_resolves_without_override(devices, signed_in):
    supervisor = signed_in("supervisor")
    fault = signed_in("guide").post("/api/v1/faults", json={"device": "printer-1", "message": "取號機卡紙"}).get_json()
    supervisor.post(f"/api/v1/faults/{fault['id']}/ack", json=ACK)
    resolved = supervisor.post(f"/api/v1/faults/{fault['id']}/resolve", json={"note": "cleared the jam"})
    assert resolved.status_code == 200 and resolved.get_json()["override_reason"] is None


def test_automatic_fault_texts_are_codes_not_driver_words_nor_the_device_name(devices):
    fault = out_of_paper_fault(devices)
    assert fault["code"] == "paper_end" and fault["device"] == "printer-1"
    assert fault["message"] == "paper out"  # plain English for logs; screens translate the code
    assert "printer-1" not in fault["message"] and "paper_end" not in fault["message"]
    devices.printer_fault("paper_out", on=False)


def test_a_resolved_fault_is_investigated_and_the_findings_are_kept(devices, signed_in, published):
    supervisor = signed_in("supervisor")
    fault = signed_in("guide").post("/api/v1/faults", json={"message": "queue screen dead"}).get_json()
    path = f"/api/v1/faults/{fault['id']}"

    early = supervisor.post(f"{path}/investigation", json=FINDINGS)
    assert early.status_code == 409 and error_code(early) == "fault_open"
    supervisor.post(f"{path}/ack", json=ACK)
    supervisor.post(f"{path}/resolve", json={"note": "power cable reseated"})
    assert signed_in("guide").post(f"{path}/investigation", json=FINDINGS).status_code == 403
    incomplete = supervisor.post(f"{path}/investigation", json={**FINDINGS, "responsibility": "  "})
    assert incomplete.status_code == 400 and error_code(incomplete) == "investigation_incomplete"
    assert incomplete.get_json()["error"]["detail"] == {"missing": ["responsibility"]}

    saved = supervisor.post(f"{path}/investigation", json=FINDINGS)
    assert saved.status_code == 200, saved.get_json()
    report = supervisor.get(path).get_json()
    assert {k: report[k] for k in FINDINGS} == FINDINGS and report["investigated_by"] == "user:supervisor"
    assert [s["step"] for s in report["timeline"]] == ["raised", "acknowledged", "resolved", "investigated"]
    assert any(e.name == "device.fault_investigated" and e.data["fault"]["id"] == fault["id"] for e in published)


def test_the_fault_report_per_period_as_json_csv_and_a_printed_page(devices, signed_in, client):
    supervisor = signed_in("supervisor")
    fault = out_of_paper_fault(devices)
    supervisor.post(f"/api/v1/faults/{fault['id']}/ack", json=ACK)
    supervisor.post(f"/api/v1/faults/{fault['id']}/resolve", json={"note": "printer swapped",
                                                                     "override_reason": "sensor broken"})
    supervisor.post(f"/api/v1/faults/{fault['id']}/investigation", json=FINDINGS)
    devices.printer_fault("paper_out", on=False)
    staff = signed_in("guide").post("/api/v1/faults", json={"message": "=HYPERLINK(\"x\")"}).get_json()

    report = supervisor.get("/api/v1/branches/demo/reports/faults").get_json()
    rows = {row["id"]: row for row in report["faults"]}
    assert set(rows) == {fault["id"], staff["id"]}
    assert rows[fault["id"]]["override_reason"] == "sensor broken" and rows[fault["id"]]["cause"] == FINDINGS["cause"]
    assert rows[fault["id"]]["contingency"] == ACK["contingency"]
    assert report["totals"]["faults"] == 2 and report["totals"]["open"] == 1 and report["totals"]["overridden"] == 1
    assert report["totals"]["by_code"] == {"paper_end": 1, "reported": 1}
    day = report["period"]["to"]
    assert supervisor.get(f"/api/v1/branches/demo/reports/faults?from=2020-01-01&to=2020-01-31"
                          ).get_json()["faults"] == []
    assert signed_in("teller1").get("/api/v1/branches/demo/reports/faults").status_code == 403

    response = supervisor.get(f"/api/v1/branches/demo/reports/faults?from={day}&to={day}&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"faults-{day}-{day}.csv" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    by_id = {int(r["id"]): r for r in table}
    assert by_id[fault["id"]]["follow_up"] == FINDINGS["follow_up"] and by_id[fault["id"]]["device"] == "printer-1"
    assert by_id[staff["id"]]["description"].startswith("'=")  # a formula is text in the archive

    for lang, title, override in (("zh-Hant", "設備故障報表", "設備仍回報故障時結案"),
                                  ("zh-Hans", "设备故障报表", "设备仍回报故障时结案"),
                                  ("en", "Device fault report", "Closed while the device still reported it")):
        page = client.post("/supervisor/demo/fault-report",
                           data={"token": supervisor.token, "from": day, "to": day, "lang": lang})
        assert page.status_code == 200 and page.mimetype == "text/html"
        html = page.data.decode()
        assert title in html and override in html and FINDINGS["cause"] in html and f'lang="{lang}"' in html
        assert "paper_end" not in html
    assert client.post("/supervisor/demo/fault-report", data={"token": "nope"}).status_code == 401


def test_the_opening_check_says_what_is_wrong_as_codes(devices, signed_in):
    devices.printer_fault("paper_out")
    devices.wait_state("printer-1", "fault")
    check = signed_in("supervisor").post("/api/v1/branches/demo/opening-check", json={}).get_json()
    item = next(i for i in check["checklist"] if i["device"] == "printer-1")
    assert item["ok"] is False and item["state"] == "fault" and "paper_end" in item["flags"]
    assert all(i["flags"] == [] for i in check["checklist"] if i["device"] != "printer-1")
    devices.printer_fault("paper_out", on=False)
