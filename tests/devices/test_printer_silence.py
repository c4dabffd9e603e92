"""A printer that goes silent while a ticket waits to be printed is not `online` a moment longer: the
print's own missed status answer is enough (issue 11, item 8). Real driver, real bytes, the simulator."""
from __future__ import annotations

import time

from server.devices.manager import DeviceManager
from server.devices.worker import Timing
from tests.devices.conftest import Reports, configure
from tests.devices.test_manager_printers import TICKET, printer

# Health polls far apart: whatever happens within a test comes from the print, not from a poll.
SLOW_POLLS = Timing(health_interval=60.0, key_poll_interval=0.03, backoff_max=60.0, seen_every=60.0)


def test_a_silent_printer_leaves_online_at_the_first_missed_answer_of_a_print(printer_sim):
    reports = Reports()
    manager = DeviceManager(reports.put, timing=SLOW_POLLS).start()
    try:
        configure(manager, printer(printer_sim))
        reports.state(1, "online")
        printer_sim.set_fault("silent")

        started = time.monotonic()
        result = manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET}).wait(5)
        report = reports.state(1, "not_responding", timeout=1.0)

        assert result["ok"] is False and result["state"] == "not_responding"
        assert "no_answer" in report["flags"]
        assert time.monotonic() - started < 2.0  # one status timeout (0.5 s), not two polls (120 s)
        assert printer_sim.tickets == []
    finally:
        manager.stop()


def test_a_silent_printer_comes_back_online_at_its_next_answer(printer_sim):
    reports = Reports()
    manager = DeviceManager(reports.put, timing=SLOW_POLLS).start()
    try:
        configure(manager, printer(printer_sim))
        reports.state(1, "online")
        printer_sim.set_fault("silent")
        manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET}).wait(5)
        reports.state(1, "not_responding", timeout=1.0)

        printer_sim.clear_fault()
        result = manager.submit({"op": "print_ticket", "device": 1, "ticket": TICKET}).wait(5)

        assert result["ok"] is True
        reports.state(1, "online", timeout=1.0)
        assert [paper.big_lines for paper in printer_sim.wait_for_tickets(1)] == [["A007"]]
    finally:
        manager.stop()
