"""Printer trouble never stops the queue: the ticket is issued, the kiosk shows it with its QR, the
supervisor is alerted, and a backup printer prints it when there is one."""
from __future__ import annotations

import pytest

from tests.core.devices.device_helpers import eventually

BACKUP = {"kind": "printer", "name": "printer-2", "url": "sim://printer/2",
          "settings": {"backup_for": "demo-kiosk", "encoding": "big5"}}


@pytest.fixture
def kiosk(client, signed_in):
    """The demo kiosk's device token (printer-1 serves it)."""
    response = signed_in("admin").post("/api/v1/device-tokens",
                                       json={"name": "demo-kiosk", "kind": "kiosk", "branch": "demo"})
    token = response.get_json()["token"]

    def issue(service: str = "A"):
        return client.post("/api/v1/branches/demo/tickets", json={"service": service},
                           headers={"Authorization": f"Bearer {token}"})
    return issue


def test_kiosk_ticket_prints_with_its_tracking_qr(kiosk, devices):
    response = kiosk()
    assert response.status_code == 201
    ticket = response.get_json()
    assert ticket["printed"] is True and ticket["printed_on"] == "printer-1" and ticket["print_error"] is None
    [paper] = devices.printer_sim().wait_for_tickets(1)
    assert paper.big_lines == [ticket["number"]]
    assert paper.qr_payloads == [f"https://queue.example.test/t/{ticket['tracking_token']}"]
    assert devices.admin.get(f"/api/v1/tickets/{ticket['id']}").get_json()["printed"] is True


def test_ticket_is_issued_unprinted_when_the_printer_is_out_of_paper(kiosk, devices):
    devices.printer_fault("paper_out")

    response = kiosk()
    assert response.status_code == 201
    ticket = response.get_json()
    assert ticket["printed"] is False
    assert "printer-1" in ticket["print_error"] and "paper_end" in ticket["print_error"]
    assert ticket["tracking_token"]  # the kiosk shows the number and this QR on screen
    assert devices.admin.get(f"/api/v1/tickets/{ticket['id']}").get_json()["printed"] is False
    assert devices.printer_sim().tickets == [] and devices.printer_sim().discarded == []  # nothing sent
    fault = eventually(lambda: devices.open_fault("printer-1", "paper_end"))
    eventually(lambda: [a for a in devices.alerts() if a["device_fault_id"] == fault["id"]], what="alert")

    later = kiosk().get_json()  # issued while the fault is open: on the fault's report for audit
    assert later["printed"] is False
    record = devices.admin.get(f"/api/v1/faults/{fault['id']}").get_json()
    assert record["device"] == "printer-1" and later["number"] in record["tickets_not_printed"]


@pytest.mark.parametrize("extra_devices", [[BACKUP]])
def test_backup_printer_prints_when_the_kiosk_printer_cannot(kiosk, devices):
    devices.printer_fault("paper_out")

    ticket = kiosk().get_json()

    assert ticket["printed"] is True and ticket["printed_on"] == "printer-2"
    [paper] = devices.printer_sim(2).wait_for_tickets(1)
    assert paper.big_lines == [ticket["number"]]
    assert devices.printer_sim(1).tickets == []
    eventually(lambda: devices.open_fault("printer-1", "paper_end"))  # still reported: the main printer needs paper

    devices.printer_fault("paper_out", on=False)
    devices.wait_state("printer-1", "online")
    assert kiosk().get_json()["printed_on"] == "printer-1"


def test_staff_tickets_print_on_the_default_printer(devices, signed_in):
    ticket = signed_in("guide").post("/api/v1/branches/demo/tickets",
                                     json={"service": "B", "priority": "priority"}).get_json()
    assert ticket["printed"] is True and ticket["printed_on"] == "printer-1"


def test_mobile_tickets_are_not_printed(devices, signed_in):
    ticket = signed_in("supervisor").post("/api/v1/branches/demo/tickets",
                                          json={"service": "A", "channel": "mobile"}).get_json()
    assert ticket["printed"] is None
    assert devices.printer_sim().tickets == []


@pytest.mark.parametrize("extra_devices", [[BACKUP]])
def test_a_printer_fault_lists_only_the_tickets_that_printer_failed_to_print(kiosk, devices, signed_in):
    devices.printer_fault("paper_out", number=2)  # the backup breaks; the kiosk's own printer works
    fault = eventually(lambda: devices.open_fault("printer-2", "paper_end"))
    devices.printer_fault("paper_out")  # now the kiosk printer breaks as well
    failed = kiosk().get_json()  # printer-1 fails first, then its backup printer-2
    assert failed["printed"] is False
    own = eventually(lambda: devices.open_fault("printer-1", "paper_end"))
    devices.printer_fault("paper_out", on=False)
    devices.wait_state("printer-1", "online")
    printed = kiosk().get_json()
    assert printed["printed_on"] == "printer-1"

    backup_record = devices.admin.get(f"/api/v1/faults/{fault['id']}").get_json()
    own_record = devices.admin.get(f"/api/v1/faults/{own['id']}").get_json()
    assert own_record["tickets_not_printed"] == [failed["number"]]  # the first printer tried, that failed
    assert backup_record["tickets_not_printed"] == []  # never asked first: not its failure
