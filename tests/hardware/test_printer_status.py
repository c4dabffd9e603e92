"""status() tells the truth: every fault shows, and a printer that does not answer properly is
never reported online."""

from __future__ import annotations

import time

import pytest

from drivers import PrinterUnavailable
from drivers.escpos_status import decode_status


def wait_for_state(printer, state, within=5.0):
    deadline = time.monotonic() + within
    while True:
        status = printer.status()
        if status.state == state or time.monotonic() > deadline:
            return status


def test_healthy_printer_is_online(printer):
    status = printer.status()
    assert status.state == "online"
    assert status.flags == frozenset()
    assert status.ok


@pytest.mark.parametrize(
    "fault, state, flags",
    [
        ("paper_near_end", "degraded", {"paper_near_end"}),
        ("paper_out", "fault", {"paper_end", "paper_end_stop", "offline"}),
        ("cover_open", "fault", {"cover_open", "offline"}),
        ("cutter_error", "fault", {"cutter_error", "error", "offline"}),
        ("offline", "fault", {"offline"}),
    ],
)
def test_each_printer_fault_shows_in_status(printer_sim, printer, fault, state, flags):
    printer_sim.set_fault(fault)
    status = printer.status()
    assert status.state == state
    assert flags <= status.flags
    printer_sim.clear_fault(fault)
    assert printer.status().state == "online"


@pytest.mark.parametrize(
    "fault, reason",
    [("silent", "no_answer"), ("garbled", "malformed_answer"), ("partial", "short_answer")],
)
def test_a_printer_that_does_not_answer_properly_is_not_responding(
    printer_sim, printer, fault, reason
):
    printer_sim.set_fault(fault)
    status = printer.status()
    assert status.state == "not_responding"
    assert reason in status.flags
    assert not status.ok


def test_answer_slower_than_the_timeout_is_not_responding_then_recovers(printer_sim, printer):
    printer_sim.set_fault("slow", 0.8)  # status timeout is 0.3 s
    assert printer.status().state == "not_responding"
    printer_sim.clear_fault("slow")
    assert wait_for_state(printer, "online").state == "online"


def test_answer_slower_than_usual_but_within_the_timeout_is_online(printer_sim, printer):
    printer_sim.set_fault("slow", 0.05)
    assert printer.status().state == "online"


def test_nothing_listening_is_not_responding(make_printer):
    from hardware_sim.printer import PrinterSimulator

    sim = PrinterSimulator().start()  # a URL nobody listens on: started and stopped again
    sim.stop()
    printer = make_printer(sim)
    status = printer.status()
    assert status.state == "not_responding"
    assert "connection_failed" in status.flags


@pytest.mark.parametrize("fault", ["paper_out", "cover_open", "cutter_error", "silent", "garbled"])
def test_no_ticket_is_sent_to_a_printer_that_cannot_print_it(printer_sim, printer, ticket, fault):
    printer_sim.set_fault(fault)
    with pytest.raises(PrinterUnavailable) as raised:
        printer.print_ticket(ticket)
    assert raised.value.status.state in ("fault", "not_responding")
    printer_sim.clear_fault(fault)
    assert printer.status().state == "online"  # nothing of the refused job was left behind
    assert printer_sim.tickets == [] and printer_sim.discarded == []


def test_ticket_prints_when_paper_is_near_end_and_says_so(printer_sim, printer, ticket):
    printer_sim.set_fault("paper_near_end")
    status = printer.print_ticket(ticket)
    assert status.state == "degraded"
    assert len(printer_sim.wait_for_tickets(1)) == 1


def test_serial_printer_reports_faults_too(make_printer_sim, make_printer):
    sim = make_printer_sim(transport="pty")
    printer = make_printer(sim)
    assert printer.status().state == "online"
    sim.set_fault("cover_open")
    assert printer.status().state == "fault"
    sim.set_fault("silent")
    assert printer.status().state == "not_responding"


@pytest.mark.parametrize(
    "answer",
    [b"", b"\x12", b"\x12\x12\x12", b"\x92\x12\x12\x12", b"\x12\x02\x12\x12",
     b"\x13\x12\x12\x12", b"\xff\xff\xff\xff", b"\x12\x12\x12\x12\x12"],
)
def test_status_bytes_breaking_the_fixed_bits_are_never_online(answer):
    assert decode_status(answer).state == "not_responding"
