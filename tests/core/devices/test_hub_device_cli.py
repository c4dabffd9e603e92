"""`counterflow devices ...`, `counterflow ports` and `counterflow sim` from a shell."""
from __future__ import annotations

import subprocess
import sys

import pytest

from hardware_sim.printer import PrinterSimulator
from server import cli
from tests.support.live_hub import ROOT


@pytest.fixture
def run_cli(database_url, monkeypatch, capsys):
    monkeypatch.setenv("COUNTERFLOW_DATABASE_URL", database_url)

    def run(*argv: str) -> tuple[int, str]:
        code = cli.main(list(argv))
        return code, capsys.readouterr().out
    return run


def test_devices_are_added_listed_tested_and_removed(run_cli):
    with PrinterSimulator() as sim:
        code, out = run_cli("devices", "add", "--branch", "demo", "--kind", "printer", "--name", "lobby",
                            "--url", sim.url, "--setting", "default=true", "--setting", "encoding=big5")
        assert code == 0 and "added printer lobby" in out
        code, out = run_cli("devices", "list", "--branch", "demo")
        assert "demo/lobby" in out and sim.url in out

        code, out = run_cli("devices", "test", "lobby", "--branch", "demo", "--test-page")
        assert code == 0 and "lobby (printer" in out and "online" in out
        assert sim.wait_for_tickets(1)[0].cut

        sim.set_fault("cover_open")
        code, out = run_cli("devices", "test", "lobby", "--branch", "demo")
        assert code == 1 and "fault" in out and "cover_open" in out

    code, out = run_cli("devices", "remove", "lobby", "--branch", "demo")
    assert code == 0 and run_cli("devices", "list")[1] == "no devices\n"


def test_ports_lists_serial_ports_and_usb_printers(run_cli):
    code, out = run_cli("ports")
    assert code == 0 and "Serial ports:" in out and "USB printers:" in out


def test_sim_runs_the_simulators_standalone():
    proc = subprocess.Popen([sys.executable, "-m", "server", "sim", "--printer-port", "0", "--displays", "1",
                             "--pads", "1", "--keypads", "0"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.strip() == "ready":
                break
        assert any(line.startswith("printer  tcp://127.0.0.1:") for line in lines), lines
        assert any("unit 101" in line and "pad" in line for line in lines), lines
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
