"""Device-layer benchmarks against the simulators (run: python bench/bench_devices.py).

1. Print latency: from the call to TicketPrinter.print_ticket() to the moment the printer
   simulator has processed the last byte of the job (the cut), over TCP on 127.0.0.1. The
   status check before each job is included. Compared with how long the printer itself needs
   to put that ticket on paper: the simulator adds up the paper length (dots at 8 dots/mm: text
   lines, feeds, QR/image rows) and we divide by a stated print speed (250 mm/s is typical
   for current 80 mm thermal printers; older ones do 150-200).

2. Bus poll cycle: 32 devices (16 pads, 16 keypads) on one simulated RS-485 bus at 9600 8N1,
   with the simulator spending each frame's real wire time (10 bits per byte). One cycle polls
   every device once through BusPoller. Compared with the wire time of the frames that actually
   crossed the bus (counted by the simulator). The master must also leave 3.5 characters of
   silence before each request (Modbus RTU t3.5, ~4 ms at 9600); that is shown separately.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers import (  # noqa: E402
    BusPoller,
    CallerKeypad,
    ModbusBus,
    SatisfactionPad,
    TicketContent,
    TicketPrinter,
)
from hardware_sim.modbus_bus import ModbusBusSimulator  # noqa: E402
from hardware_sim.printer import PrinterSimulator  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_printer(tickets: int, qr_mode: str, speed_mm_s: float) -> None:
    ticket = TicketContent(
        branch_name="台北信義分行",
        service_name_zh="個人存款",
        service_name_en="Personal Deposits",
        number="A001",
        people_ahead=12,
        estimated_wait_s=900,
        issued_at=datetime.now(UTC),
        tracking_url="https://counterflow.invalid/t/7f3a9c",
    )
    with PrinterSimulator(encoding="big5", paper_mm=80) as sim:
        printer = TicketPrinter.from_url(sim.url, encoding="big5", qr_mode=qr_mode)
        printer.print_ticket(ticket)  # connect and warm up
        sim.wait_for_tickets(1)
        latencies = []
        for i in range(tickets):
            start = time.monotonic()
            printer.print_ticket(ticket)
            printed = sim.wait_for_tickets(i + 2)[-1]
            latencies.append(printed.last_byte_at - start)
        printer.close()
    paper_mm = printed.paper_mm
    print_time = paper_mm / speed_mm_s
    p50, p99 = percentile(latencies, 50) * 1e3, percentile(latencies, 99) * 1e3
    print(f"print latency, {qr_mode} QR, {tickets} tickets over TCP: "
          f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(latencies) * 1e3:.2f} ms "
          f"({printed.bytes} bytes per job)")
    print(f"  the ticket itself: {paper_mm:.0f} mm of paper = {print_time * 1e3:.0f} ms at "
          f"{speed_mm_s:.0f} mm/s; p99 latency is {p99 / (print_time * 1e3) * 100:.2f}% of that")
    print(f"  same job on a 19200 baud serial printer: {printed.bytes * 10 / 19200 * 1e3:.0f} ms "
          f"of wire time alone")


def bench_bus(devices: int, baud: int, cycles: int) -> None:
    sim = ModbusBusSimulator(baud=baud, emulate_wire_time=True)
    units = []
    for i in range(devices):
        kind = "pad" if i % 2 == 0 else "keypad"
        sim.add_device(kind, i + 1)
        units.append((kind, i + 1))
    with sim:
        bus = ModbusBus.from_url(sim.url)
        drivers = [SatisfactionPad(bus, u) if k == "pad" else CallerKeypad(bus, u)
                   for k, u in units]
        poller = BusPoller(drivers)
        poller.cycle()  # baseline read of every device

        def measure(label: str, press: int) -> None:
            times, wire = [], []
            for _ in range(cycles):
                for unit in range(1, press + 1):
                    sim.press(unit, 3)
                before = sim.stats["bytes_in"] + sim.stats["bytes_out"]
                requests_before = bus.stats.requests
                start = time.monotonic()
                events = poller.cycle()
                times.append(time.monotonic() - start)
                nbytes = sim.stats["bytes_in"] + sim.stats["bytes_out"] - before
                transactions = bus.stats.requests - requests_before
                wire.append((nbytes * 10 / baud, transactions))
                assert len(events) == press, (len(events), press)
            cycle = statistics.median(times)
            frames_s, transactions = wire[len(wire) // 2]
            silence_s = transactions * 3.5 * 11 / baud  # minimalmodbus uses 11-bit characters
            print(f"poll cycle, {devices} devices at {baud} baud, {label}: "
                  f"median {cycle * 1e3:.0f} ms (min {min(times) * 1e3:.0f}, "
                  f"max {max(times) * 1e3:.0f}) over {cycles} cycles, {transactions} transactions")
            print(f"  wire time of those frames {frames_s * 1e3:.0f} ms -> cycle/wire = "
                  f"{cycle / frames_s:.2f}x; with the master's t3.5 silence "
                  f"({silence_s * 1e3:.0f} ms) {frames_s * 1e3 + silence_s * 1e3:.0f} ms -> "
                  f"{cycle / (frames_s + silence_s):.2f}x")

        measure("all idle", 0)
        measure(f"{devices // 4} devices with a key press", devices // 4)
        print(f"  bus stats: {bus.stats.snapshot()}")
        bus.close()


def main(argv: list[str] | None = None) -> int:
    """`argv` None means all defaults (how `python -m bench` calls every bench_* module)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--speed", type=float, default=250.0, help="printer speed, mm/s")
    parser.add_argument("--devices", type=int, default=32)
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args(argv or [])
    logging.basicConfig(level=logging.WARNING)
    for qr_mode in ("native", "image"):
        bench_printer(args.tickets, qr_mode, args.speed)
    bench_bus(args.devices, args.baud, args.cycles)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
