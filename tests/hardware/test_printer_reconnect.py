"""A printer that goes away and comes back is picked up again without anyone restarting the hub."""

from __future__ import annotations

from drivers import PrinterUnavailable


def test_unplugged_printer_recovers_by_itself_when_plugged_back(printer_sim, printer, ticket):
    assert printer.status().state == "online"

    printer_sim.set_fault("unplugged")
    status = printer.status()
    assert status.state == "not_responding"
    try:
        printer.print_ticket(ticket)
        raise AssertionError("printing to an unplugged printer must fail")
    except PrinterUnavailable:
        pass

    printer_sim.clear_fault("unplugged")
    assert printer.status().state == "online"
    printer.print_ticket(ticket)
    [printed] = printer_sim.wait_for_tickets(1)
    assert printed.big_lines == ["A001"]


def test_ticket_after_a_printer_restart_is_not_lost(printer_sim, printer, ticket):
    printer.print_ticket(ticket)
    printer_sim.wait_for_tickets(1)
    # Power-cycled between two tickets: the driver's connection is dead but it does not know.
    printer_sim.set_fault("unplugged")
    printer_sim.clear_fault("unplugged")

    printer.print_ticket(ticket)

    assert len(printer_sim.wait_for_tickets(2)) == 2
    assert printer_sim.connections == 2


def test_closed_printer_reopens_on_next_use(printer_sim, printer, ticket):
    assert printer.status().state == "online"
    printer.close()
    printer.print_ticket(ticket)
    assert len(printer_sim.wait_for_tickets(1)) == 1


def test_serial_printer_unplugged_and_back(make_printer_sim, make_printer, ticket):
    sim = make_printer_sim(transport="pty")
    printer = make_printer(sim)
    sim.set_fault("unplugged")
    assert printer.status().state == "not_responding"
    sim.clear_fault("unplugged")
    assert printer.status().state == "online"
    printer.print_ticket(ticket)
    assert len(sim.wait_for_tickets(1)) == 1
