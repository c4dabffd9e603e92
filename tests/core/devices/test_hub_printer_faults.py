"""A printer's trouble reaches the supervisor by itself, and goes away by itself when fixed."""
from __future__ import annotations

import pytest

from tests.core.devices.device_helpers import eventually

CASES = [
    # simulator fault, device state, fault code, severity
    ("paper_out", "fault", "paper_end", "fault"),
    ("cover_open", "fault", "cover_open", "fault"),
    ("cutter_error", "fault", "cutter_error", "fault"),
    ("paper_near_end", "degraded", "paper_near_end", "degraded"),
    ("unplugged", "not_responding", "not_responding", "fault"),
]


@pytest.mark.parametrize(("sim_fault", "state", "code", "severity"), CASES, ids=[c[0] for c in CASES])
def test_printer_fault_is_reported_and_clears_itself(devices, sim_fault, state, code, severity):
    assert devices.state("printer-1") == "online"

    devices.printer_fault(sim_fault)
    shown = devices.wait_state("printer-1", state)
    fault = eventually(lambda: devices.open_fault("printer-1", code), what=f"open {code} fault")
    assert fault["severity"] == severity and fault["source"] == "auto" and fault["raised_by"] == "system"
    assert shown["detail"]
    alert = eventually(lambda: next((a for a in devices.alerts() if a["device_fault_id"] == fault["id"]), None))
    assert alert["level"] == ("warning" if severity == "degraded" else "critical")

    devices.printer_fault(sim_fault, on=False)
    devices.wait_state("printer-1", "online")
    eventually(lambda: devices.open_fault("printer-1") is None, what="fault resolved")
    record = devices.admin.get(f"/api/v1/faults/{fault['id']}").get_json()
    assert record["resolved_by"] == "system" and "healthy again" in record["resolve_note"]
    assert [step["step"] for step in record["timeline"]] == ["raised", "resolved"]
    assert not any(a["device_fault_id"] == fault["id"] for a in devices.alerts())


def test_unplugged_printer_comes_back_by_itself_and_prints(devices, signed_in):
    guide = signed_in("guide")
    devices.printer_fault("unplugged")
    devices.wait_state("printer-1", "not_responding")
    devices.printer_fault("unplugged", on=False)
    devices.wait_state("printer-1", "online")

    ticket = guide.post("/api/v1/branches/demo/tickets", json={"service": "A"}).get_json()
    assert ticket["printed"] is True
    assert devices.printer_sim().wait_for_tickets(1)[-1].big_lines == [ticket["number"]]


def test_fault_changes_are_events_with_the_branch_sequence(devices, published):
    devices.printer_fault("cover_open")
    eventually(lambda: devices.open_fault("printer-1", "cover_open"))
    devices.printer_fault("cover_open", on=False)
    eventually(lambda: any(e.name == "device.fault_cleared" for e in published))

    names = [e.name for e in published]
    for name in ("device.state", "device.fault", "device.fault_cleared", "alert.raised", "alert.cleared"):
        assert name in names
    seqs = [e.seq for e in published]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] > 0
    state = next(e for e in published if e.name == "device.state")
    assert {"id", "name", "kind", "state", "counter", "kiosk", "last_seen_at", "detail"} <= set(state.data["device"])
    fault = next(e for e in published if e.name == "device.fault")
    assert fault.data["fault"]["code"] == "cover_open" and fault.data["device"]["name"] == "printer-1"
