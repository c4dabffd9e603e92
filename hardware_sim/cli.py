"""Run a simulated printer and a Modbus bus of displays, pads and keypads, standalone.

    python -m hardware_sim --displays 4 --pads 4 --keypads 4 --control-port 7001

Prints the addresses to point the hub at, then takes commands, one per line, on stdin and on
the optional control port (TCP on 127.0.0.1; `nc 127.0.0.1 7001`). Each answer ends with a line
`ok` or `error: ...`.

    press UNIT KEY           pad key 1..5; keypad key 1..6 or call_next, recall, no_show,
                             start, complete, pause_resume
    fault printer NAME [V]   paper_near_end paper_out cover_open cutter_error offline
                             unplugged silent garbled partial slow(V seconds)
    clear printer [NAME]
    fault UNIT NAME [V]      unplugged silent garbled slow(V seconds) drop(V answers)
    clear UNIT [NAME]
    reboot UNIT              power-cycle a bus device
    status                   printer faults and what every device shows
    tickets [N]              the last N printed tickets (default 1)
    help | quit

Unit ids: displays 1.., pads 101.., keypads 201.. (so counter 5 has display 5, pad 105, keypad 205).
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from typing import TextIO

from .escpos_parser import RenderedTicket
from .modbus_bus import ModbusBusSimulator
from .printer import PrinterSimulator, require_loopback

log = logging.getLogger(__name__)

UNIT_BASE = {"led_display": 1, "pad": 101, "keypad": 201}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m hardware_sim", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    p.add_argument("--printer-port", type=int, default=9100, help="0 picks a free port")
    p.add_argument("--printer-pty", action="store_true", help="printer on a pty instead of TCP")
    p.add_argument("--no-printer", action="store_true")
    p.add_argument("--encoding", choices=("gb18030", "big5"), default="gb18030")
    p.add_argument("--paper", type=int, choices=(80, 58), default=80)
    p.add_argument("--displays", type=int, default=2)
    p.add_argument("--pads", type=int, default=2)
    p.add_argument("--keypads", type=int, default=2)
    p.add_argument("--baud", type=int, default=9600)
    p.add_argument("--wire-time", action="store_true", help="emulate frame time at --baud")
    p.add_argument("--control-port", type=int, default=None,
                   help="also take commands on this TCP port (0 picks a free one)")
    p.add_argument("--no-stdin", action="store_true", help="do not read commands from stdin")
    p.add_argument("--seed", type=int, default=0)
    return p


class SimulatorSet:
    """The running simulators and the command interpreter over them."""

    def __init__(self, args, out: TextIO):
        self.out = out
        self._out_lock = threading.Lock()
        self.printer = None
        if not args.no_printer:
            self.printer = PrinterSimulator(
                transport="pty" if args.printer_pty else "tcp",
                host=args.host,
                port=args.printer_port,
                encoding=args.encoding,
                paper_mm=args.paper,
                seed=args.seed,
                on_ticket=self._printed,
            )
        self.bus = ModbusBusSimulator(baud=args.baud, emulate_wire_time=args.wire_time,
                                      seed=args.seed)
        for kind, count in (("led_display", args.displays), ("pad", args.pads),
                            ("keypad", args.keypads)):
            if not 0 <= count <= 46:
                raise SystemExit(f"--{kind}s must be 0..46")
            for i in range(count):
                self.bus.add_device(kind, UNIT_BASE[kind] + i)
        self.columns = 48 if args.paper == 80 else 32

    def start(self) -> None:
        if self.printer:
            self.printer.start()
        self.bus.start()

    def stop(self) -> None:
        self.bus.stop()
        if self.printer:
            self.printer.stop()

    def say(self, text: str) -> None:
        with self._out_lock:
            self.out.write(text + "\n")
            self.out.flush()

    def banner(self) -> str:
        lines = []
        if self.printer:
            lines.append(f"printer  {self.printer.url}  ({self.printer.encoding}, "
                         f"{self.printer.paper_mm} mm)")
        lines.append(f"bus      {self.bus.url}")
        for unit, kind in self.bus.units.items():
            lines.append(f"  unit {unit:<3} {kind:<11} {self.bus.url}&unit={unit}")
        return "\n".join(lines)

    def _printed(self, ticket: RenderedTicket) -> None:
        self.say(f"printed ticket:\n{ticket.render(self.columns)}")

    # -- commands -------------------------------------------------------------------------------

    def execute(self, line: str) -> tuple[str, bool]:
        """Run one command; returns (answer text ending in ok/error, quit?)."""
        words = line.split()
        if not words:
            return "", False
        cmd, args = words[0].lower(), words[1:]
        try:
            if cmd == "quit":
                return "ok", True
            if cmd == "help":
                return __doc__[__doc__.index("    press"):].rstrip() + "\nok", False
            if cmd == "press" and len(args) == 2:
                key = int(args[1]) if args[1].isdigit() else args[1]
                seq = self.bus.press(self._unit(args[0]), key)
                return f"ok seq={seq}", False
            if cmd == "fault" and len(args) in (2, 3):
                value = _value(args[2]) if len(args) == 3 else True
                self._target(args[0]).set_fault(*self._fault_args(args[0], args[1]), value)
                return "ok", False
            if cmd == "clear" and len(args) in (1, 2):
                name = args[1] if len(args) == 2 else None
                if args[0] == "printer":
                    self._need_printer().clear_fault(name)
                else:
                    self.bus.clear_fault(self._unit(args[0]), name)
                return "ok", False
            if cmd == "reboot" and len(args) == 1:
                self.bus.reboot(self._unit(args[0]))
                return "ok", False
            if cmd == "status" and not args:
                return self.status_text() + "\nok", False
            if cmd == "tickets" and len(args) <= 1:
                count = int(args[0]) if args else 1
                tickets = self._need_printer().tickets[-count:]
                shown = "\n".join(t.render(self.columns) for t in tickets) or "(none printed)"
                return shown + "\nok", False
        except (ValueError, KeyError) as exc:
            return f"error: {exc}", False
        return f"error: cannot understand {line.strip()!r} (try help)", False

    def _need_printer(self) -> PrinterSimulator:
        if not self.printer:
            raise ValueError("no printer in this simulator")
        return self.printer

    def _unit(self, text: str) -> int:
        unit = int(text)
        if unit not in self.bus.units:
            raise ValueError(f"no unit {unit} on the bus")
        return unit

    def _target(self, who: str):
        return self._need_printer() if who == "printer" else self.bus

    def _fault_args(self, who: str, name: str) -> tuple:
        return (name,) if who == "printer" else (self._unit(who), name)

    def status_text(self) -> str:
        lines = []
        if self.printer:
            faults = self.printer.faults or "none"
            lines.append(f"printer faults: {faults}; printed {len(self.printer.tickets)}, "
                         f"not printed {len(self.printer.discarded)}")
        for unit, kind in self.bus.units.items():
            device = self.bus.device(unit)
            if kind == "led_display":
                view = self.bus.display(unit)
                state = f"shows {view.shown!r} counter {view.counter} mode {view.mode.name}"
            elif kind == "pad":
                token, text = device.prompt
                state = f"prompt {text!r}" if token else "idle"
                state += f", last seq {device.seq}"
            else:
                current, waiting, counter = device.display
                state = f"shows {current!r} waiting {waiting}, last seq {device.seq}"
            faults = self.bus.faults(unit)
            extra = f"  faults {faults}" if faults else ""
            lines.append(f"unit {unit:<3} {kind:<11} {state}{extra}")
        return "\n".join(lines)


def _value(text: str):
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def _serve_control(sims: SimulatorSet, server: socket.socket, done: threading.Event) -> None:
    server.settimeout(0.2)
    while not done.is_set():
        try:
            conn, _ = server.accept()
        except (TimeoutError, OSError):
            continue
        threading.Thread(target=_control_client, args=(sims, conn, done), daemon=True).start()


def _control_client(sims: SimulatorSet, conn: socket.socket, done: threading.Event) -> None:
    with conn, conn.makefile("rw", encoding="utf-8", newline="\n") as stream:
        for line in stream:
            answer, quit_ = sims.execute(line)
            if answer:
                stream.write(answer + "\n")
                stream.flush()
            if quit_:
                done.set()
                return


def _read_stdin(sims: SimulatorSet, stdin: TextIO, done: threading.Event) -> None:
    for line in stdin:
        answer, quit_ = sims.execute(line)
        if answer:
            sims.say(answer)
        if quit_:
            done.set()
            return


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None,
         stdout: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    require_loopback(args.host)
    out = stdout or sys.stdout
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    sims = SimulatorSet(args, out)
    done = threading.Event()
    sims.start()
    server = None
    try:
        sims.say(sims.banner())
        if args.control_port is not None:
            server = socket.create_server((args.host, args.control_port))
            sims.say(f"control  {args.host}:{server.getsockname()[1]}")
            threading.Thread(target=_serve_control, args=(sims, server, done), daemon=True).start()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: done.set())
        sims.say("ready")
        if not args.no_stdin:
            threading.Thread(target=_read_stdin, args=(sims, stdin or sys.stdin, done),
                             daemon=True).start()
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if server:
            server.close()
        sims.stop()
    return 0
