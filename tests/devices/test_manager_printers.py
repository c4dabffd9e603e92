"""The device manager and a printer: commands in, state reports out, through the real driver."""
from __future__ import annotations

import time
from datetime import UTC, datetime

from server.devices.protocol import DeviceConfig
from tests.devices.conftest import configure

TICKET = {"branch_name": "台北信義分行", "service_name_zh": "個人存款", "service_name_en": "Personal Deposits",
          "number": "A007", "people_ahead": 3, "estimated_wait_s": 420,
          "issued_at": datetime(2026, 3, 2, 1, 0, tzinfo=UTC).isoformat(), "tracking_url": "https://x.test/t/abc",
          "footer": None}


def printer(sim, device_id=1, **settings) -> DeviceConfig:
    return DeviceConfig(id=device_id, kind="printer", name=f"printer-{device_id}", url=sim.url,
                        settings=settings, timezone="Asia/Taipei")


def test_print_command_prints_and_reports_online(manager, reports, printer_sim):
    configure(manager, printer(printer_sim))
    reports.state(1, "online")

    result = manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET}).wait(5)

    assert result["ok"] is True and result["state"] == "online"
    [paper] = printer_sim.wait_for_tickets(1)
    assert paper.big_lines == ["A007"] and paper.qr_payloads == ["https://x.test/t/abc"]
    assert "2026-03-02 09:00" in "\n".join(paper.text_lines)  # printed in the branch's time zone


def test_printer_out_of_paper_refuses_the_job_and_reports_the_fault(manager, reports, printer_sim):
    configure(manager, printer(printer_sim))
    reports.state(1, "online")
    printer_sim.set_fault("paper_out")

    result = manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET}).wait(5)

    assert result["ok"] is False and result["state"] == "fault" and "paper_end" in result["error"]
    assert "paper_end" in reports.state(1, "fault")["flags"]
    assert printer_sim.tickets == [] and printer_sim.discarded == []
    printer_sim.clear_fault()
    reports.state(1, "online")


def test_garbled_status_is_never_taken_for_online(manager, reports, printer_sim):
    configure(manager, printer(printer_sim))
    reports.state(1, "online")
    printer_sim.set_fault("garbled")
    assert "malformed_answer" in reports.state(1, "not_responding")["flags"]
    printer_sim.clear_fault()
    reports.state(1, "online")


def test_a_job_past_its_deadline_is_not_printed_late(manager, reports, printer_sim):
    configure(manager, printer(printer_sim))
    reports.state(1, "online")
    result = manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET,
                             "deadline": time.time() - 1}).wait(5)
    assert result == {"ok": False, "error": "expired"}
    time.sleep(0.2)
    assert printer_sim.tickets == []


def test_disabled_and_misconfigured_devices_are_reported_not_polled(manager, reports, printer_sim):
    off = DeviceConfig(id=1, kind="printer", name="off", url=printer_sim.url, enabled=False)
    bad = DeviceConfig(id=2, kind="printer", name="bad", url="ftp://printer")
    configure(manager, off, bad)

    assert reports.state(1, "disabled")["detail"] == "disabled"
    assert "bad device URL" in reports.state(2, "not_responding")["detail"]
    assert manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET}).wait(5)["error"] == "disabled"
    assert manager.submit({"op": "self_test", "device": 99}).wait(5)["error"] == "unknown device"
    assert printer_sim.status_requests == 0


def test_printer_heartbeat_reports_it_was_seen(manager, reports, printer_sim):
    configure(manager, printer(printer_sim))
    seen = reports.wait_for(lambda r: r.get("event") == "device.seen", timeout=5)
    assert seen["devices"] == [1]


def test_reconfigure_keeps_the_worker_when_nothing_changed(manager, reports, printer_sim):
    config = printer(printer_sim)
    configure(manager, config)
    reports.state(1, "online")
    connections = printer_sim.connections
    configure(manager, config)
    assert manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET}).wait(5)["ok"]
    assert printer_sim.connections == connections
