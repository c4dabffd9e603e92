"""The standalone simulator: prints its addresses, takes commands, and real drivers work with it."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers import CallerKeypad, ModbusBus, SatisfactionPad, TicketPrinter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def running_sim():
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware_sim", "--printer-port", "0", "--control-port", "0",
         "--no-stdin", "--displays", "1", "--pads", "1", "--keypads", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    banner = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line or line.strip() == "ready":
            break
        banner.append(line.rstrip())
    text = "\n".join(banner)
    yield proc, text
    if proc.poll() is None:
        proc.terminate()
    proc.wait(10)
    proc.stdout.close()
    proc.stderr.close()


def command(sock_file, line: str) -> list[str]:
    sock_file.write(line + "\n")
    sock_file.flush()
    answer = []
    while True:
        reply = sock_file.readline().rstrip("\n")
        answer.append(reply)
        if reply.startswith("ok") or reply.startswith("error"):
            return answer


def test_standalone_simulator_serves_real_drivers_and_takes_commands(running_sim):
    proc, banner = running_sim
    printer_url = re.search(r"^printer\s+(tcp://\S+)", banner, re.M).group(1)
    bus_url = re.search(r"^bus\s+(serial://\S+)", banner, re.M).group(1)
    control = re.search(r"^control\s+127\.0\.0\.1:(\d+)", banner, re.M).group(1)
    assert "unit 101 pad" in banner and "unit 201 keypad" in banner

    printer = TicketPrinter.from_url(printer_url, status_timeout=0.5)
    bus = ModbusBus.from_url(bus_url, timeout=0.2)
    pad, keypad = SatisfactionPad(bus, 101), CallerKeypad(bus, 201)
    with socket.create_connection(("127.0.0.1", int(control)), timeout=5) as sock:
        stream = sock.makefile("rw", encoding="utf-8", newline="\n")
        assert printer.status().state == "online"
        assert command(stream, "fault printer paper_out") == ["ok"]
        assert printer.status().state == "fault"
        assert command(stream, "clear printer") == ["ok"]
        assert printer.status().state == "online"

        pad.prompt("A001")
        keypad.poll()
        assert command(stream, "press 101 5")[-1] == "ok seq=1"
        assert command(stream, "press 201 call_next")[-1] == "ok seq=1"
        assert [(e.rating, e.ticket) for e in pad.poll()] == [(5, "A001")]
        assert [e.action.value for e in keypad.poll()] == ["call_next"]

        assert command(stream, "fault 201 unplugged") == ["ok"]
        assert keypad.health().state == "not_responding"
        status = command(stream, "status")
        assert status[-1] == "ok"
        assert any("unit 201" in line and "unplugged" in line for line in status)
        assert command(stream, "press 999 1")[-1].startswith("error")
        assert command(stream, "quit") == ["ok"]
    printer.close()
    bus.close()
    assert proc.wait(10) == 0
