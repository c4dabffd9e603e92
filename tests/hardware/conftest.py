"""Fixtures for the device-layer tests: simulators on loopback/pty and drivers pointed at them."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

# The repo root holds the `drivers` and `hardware_sim` packages; make them importable however
# pytest is started (the root pyproject may add pythonpath = ["."]; this keeps the suite
# self-contained until then).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from drivers import ModbusBus, TicketContent, TicketPrinter  # noqa: E402
from hardware_sim.modbus_bus import ModbusBusSimulator  # noqa: E402
from hardware_sim.printer import PrinterSimulator  # noqa: E402

STATUS_TIMEOUT = 0.3
BUS_TIMEOUT = 0.15


@pytest.fixture
def ticket() -> TicketContent:
    return TicketContent(
        branch_name="台北信義分行",
        service_name_zh="個人存款",
        service_name_en="Personal Deposits",
        number="A001",
        people_ahead=12,
        estimated_wait_s=14 * 60 + 10,
        issued_at=datetime(2024, 5, 1, 1, 30, tzinfo=UTC),
        tracking_url="https://counterflow.invalid/t/7f3a9c",
    )


@pytest.fixture
def make_printer_sim():
    """Start a printer simulator; stopped after the test."""
    started = []

    def make(**kwargs) -> PrinterSimulator:
        sim = PrinterSimulator(**kwargs).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def printer_sim(make_printer_sim) -> PrinterSimulator:
    return make_printer_sim()


@pytest.fixture
def make_printer():
    """A TicketPrinter for a simulator, with a short status timeout; closed after the test."""
    made = []

    def make(sim: PrinterSimulator, **kwargs) -> TicketPrinter:
        kwargs.setdefault("encoding", sim.encoding)
        kwargs.setdefault("paper_mm", sim.paper_mm)
        kwargs.setdefault("status_timeout", STATUS_TIMEOUT)
        kwargs.setdefault("timeout", 2.0)
        printer = TicketPrinter.from_url(sim.url, **kwargs)
        made.append(printer)
        return printer

    yield make
    for printer in made:
        printer.close()


@pytest.fixture
def printer(printer_sim, make_printer) -> TicketPrinter:
    return make_printer(printer_sim)


@pytest.fixture
def bus_sim():
    """A bus with display 3, pad 11 and keypad 21 (more can be added before use)."""
    sim = ModbusBusSimulator(seed=7)
    sim.add_device("led_display", 3)
    sim.add_device("pad", 11)
    sim.add_device("keypad", 21)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def make_bus():
    """A ModbusBus on a simulator's pty with test timeouts; closed after the test."""
    made = []

    def make(sim: ModbusBusSimulator, **kwargs) -> ModbusBus:
        kwargs.setdefault("timeout", BUS_TIMEOUT)
        bus = ModbusBus.from_url(sim.url, **kwargs)
        made.append(bus)
        return bus

    yield make
    for bus in made:
        bus.close()


@pytest.fixture
def bus(bus_sim, make_bus) -> ModbusBus:
    return make_bus(bus_sim, retries=1)
