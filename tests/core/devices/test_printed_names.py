"""A ticket printed in Simplified Chinese (a gb18030 printer) names its service in Simplified Chinese,
a Big5 one in Traditional (server/queue/names.py, server/devices/printing.py)."""
from __future__ import annotations

import pytest

GB_BACKUP = {"kind": "printer", "name": "printer-2", "url": "sim://printer/2",
             "settings": {"backup_for": "demo-kiosk", "encoding": "gb18030"}}


@pytest.mark.parametrize("extra_devices", [[GB_BACKUP]])
def test_each_printer_prints_the_service_name_in_its_script(devices, signed_in, client):
    token = signed_in("admin").post("/api/v1/device-tokens", json={"name": "demo-kiosk", "kind": "kiosk",
                                                                   "branch": "demo"}).get_json()["token"]

    def issue():
        return client.post("/api/v1/branches/demo/tickets", json={"service": "A"},
                           headers={"Authorization": f"Bearer {token}"}).get_json()

    assert issue()["printed_on"] == "printer-1"  # Big5
    [big5] = devices.printer_sim(1).wait_for_tickets(1)
    assert "示範分行" in big5.text and "個人業務" in big5.text and "个人业务" not in big5.text
    devices.printer_fault("paper_out")
    assert issue()["printed_on"] == "printer-2"  # gb18030, standing in
    [gb] = devices.printer_sim(2).wait_for_tickets(1)
    assert "示范分行" in gb.text and "个人业务" in gb.text and "個人業務" not in gb.text and gb.encoding == "gb18030"
