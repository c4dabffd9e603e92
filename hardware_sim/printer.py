"""An ESC/POS ticket printer simulator on TCP (like port 9100) or on a pty (like a serial cable).

    with PrinterSimulator(encoding="big5", paper_mm=58) as sim:      # TCP on 127.0.0.1, port 0
        printer = TicketPrinter.from_url(sim.url, encoding="big5", paper_mm=58)
        printer.print_ticket(ticket)
        [rendered] = sim.wait_for_tickets(1)
        sim.set_fault("paper_out")

It interprets what it receives (`escpos_parser`) into `RenderedTicket`s and answers
`DLE EOT 1..4` from its state. Faults, switchable at run time with set_fault / clear_fault:

    paper_near_end, paper_out, cover_open, cutter_error, offline    reported in the status bytes;
                         all but paper_near_end also stop printing (tickets go to `discarded`)
    unplugged   TCP: listener and connections closed, new connections refused; pty: input
                dropped, nothing answered. Clearing it is plugging back in (printer restarted).
    silent      connected, but real-time requests get no answer
    garbled     answers bytes that break the fixed status bits
    partial     answers only DLE EOT 1 (a short answer)
    slow        value = seconds to wait before answering
"""

from __future__ import annotations

import ipaddress
import logging
import random
import select
import socket
import threading
import time
from collections.abc import Callable

from .escpos_parser import EscPosParser, RenderedTicket
from .pty_link import PtyLink

log = logging.getLogger(__name__)

STATUS_FAULTS = ("paper_near_end", "paper_out", "cover_open", "cutter_error", "offline")
LINK_FAULTS = ("unplugged", "silent", "garbled", "partial", "slow")
FAULTS = STATUS_FAULTS + LINK_FAULTS
_STOPS_PRINTING = ("paper_out", "cover_open", "cutter_error", "offline")
COLUMNS = {80: 48, 58: 32}


def require_loopback(host: str) -> None:
    """Simulators only ever listen on this machine."""
    if host == "localhost":
        return
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"simulators listen on loopback addresses only, not {host!r}")


class PrinterSimulator:
    def __init__(
        self,
        *,
        transport: str = "tcp",
        host: str = "127.0.0.1",
        port: int = 0,
        encoding: str = "gb18030",
        paper_mm: int = 80,
        baud: int = 19200,
        seed: int = 0,
        on_ticket: Callable[[RenderedTicket], None] | None = None,
    ):
        if transport not in ("tcp", "pty"):
            raise ValueError("transport must be 'tcp' or 'pty'")
        if paper_mm not in COLUMNS:
            raise ValueError("paper_mm must be 80 or 58")
        require_loopback(host)
        self.transport = transport
        self.host = host
        self.port = port
        self.encoding = encoding
        self.paper_mm = paper_mm
        self.baud = baud  # only shown in the pty URL; bytes move at pty speed
        self.on_ticket = on_ticket
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._faults: dict[str, object] = {}
        self._tickets: list[RenderedTicket] = []
        self._discarded: list[RenderedTicket] = []
        self.status_requests = 0
        self.connections = 0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._want_listening = False
        self._listening = False
        self._conns: set[socket.socket] = set()
        self._pty: PtyLink | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> PrinterSimulator:
        self._stopping.clear()
        if self.transport == "tcp":
            self._want_listening = True
            self._spawn(self._accept_loop, "printer-accept")
            self._set_listening(True)
        else:
            self._pty = PtyLink()
            self._spawn(self._pty_loop, "printer-pty")
        log.info("printer simulator on %s (%s, %d mm)", self.url, self.encoding, self.paper_mm)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(5)
        self._threads.clear()
        if self._pty:
            self._pty.close()
            self._pty = None

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self.transport == "tcp":
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"tcp://{host}:{self.port}"
        return f"serial://{self._pty.path}?baud={self.baud}" if self._pty else ""

    @property
    def pty_path(self) -> str | None:
        return self._pty.path if self._pty else None

    # -- what tests look at ---------------------------------------------------------------------

    @property
    def tickets(self) -> list[RenderedTicket]:
        with self._lock:
            return list(self._tickets)

    @property
    def discarded(self) -> list[RenderedTicket]:
        """Tickets received while a fault stopped printing: never on paper."""
        with self._lock:
            return list(self._discarded)

    def wait_for_tickets(self, count: int, timeout: float = 5.0) -> list[RenderedTicket]:
        """Block until at least `count` tickets were printed; returns all of them."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._tickets) >= count, timeout):
                raise TimeoutError(f"{len(self._tickets)} of {count} tickets within {timeout}s")
            return list(self._tickets)

    def clear_tickets(self) -> None:
        with self._lock:
            self._tickets.clear()
            self._discarded.clear()

    # -- faults ---------------------------------------------------------------------------------

    @property
    def faults(self) -> dict[str, object]:
        with self._lock:
            return dict(self._faults)

    def set_fault(self, name: str, value: object = True) -> None:
        if name not in FAULTS:
            raise ValueError(f"unknown printer fault {name!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            self._faults[name] = value
        log.info("printer fault %s=%s", name, value)
        if name == "unplugged" and self.transport == "tcp":
            self._set_listening(False)

    def clear_fault(self, name: str | None = None) -> None:
        with self._lock:
            was_unplugged = "unplugged" in self._faults
            if name is None:
                self._faults.clear()
            else:
                self._faults.pop(name, None)
            replug = was_unplugged and "unplugged" not in self._faults
        log.info("printer fault %s cleared", name or "(all)")
        if replug and self.transport == "tcp" and not self._stopping.is_set():
            self._set_listening(True)

    def status_bytes(self) -> bytes:
        """The four bytes this printer answers to DLE EOT 1, 2, 3, 4 right now."""
        with self._lock:
            f = self._faults
        paper_out, cover, cutter = "paper_out" in f, "cover_open" in f, "cutter_error" in f
        offline = paper_out or cover or cutter or "offline" in f
        n1 = 0x12 | (0x08 if offline else 0)
        n2 = 0x12 | (0x04 if cover else 0) | (0x20 if paper_out else 0)
        n2 |= 0x40 if cutter else 0
        n3 = 0x12 | (0x08 if cutter else 0)
        n4 = 0x12 | (0x0C if paper_out or "paper_near_end" in f else 0) | (0x60 if paper_out else 0)
        return bytes((n1, n2, n3, n4))

    # -- internals ------------------------------------------------------------------------------

    def _spawn(self, target, name: str, *args) -> None:
        thread = threading.Thread(target=target, name=name, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _set_listening(self, want: bool) -> None:
        """Ask the accept thread to open or close the listener, and wait until it has.

        Only that thread touches the listening socket: closing it from here while the thread
        is in select() keeps it listening a moment longer, and a quick re-plug then fails."""
        with self._changed:
            self._want_listening = want
            if not self._changed.wait_for(lambda: self._listening == want, 5.0):
                raise RuntimeError(f"printer simulator could not {'open' if want else 'close'} "
                                   f"port {self.port}")

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        sock.listen(4)
        self.port = sock.getsockname()[1]  # port 0 -> the one we got, kept across re-plugs
        return sock

    def _accept_loop(self) -> None:
        listener = None
        try:
            while not self._stopping.is_set():
                want = self._want_listening
                if want and listener is None:
                    try:
                        listener = self._bind()
                    except OSError as exc:
                        log.warning("printer simulator cannot listen on %s: %s", self.port, exc)
                        self._stopping.wait(0.1)
                        continue
                    self._note_listening(True)
                elif not want and listener is not None:
                    listener.close()
                    listener = None
                    self._hang_up_all()
                    self._note_listening(False)
                if listener is None:
                    self._stopping.wait(0.01)
                    continue
                if not select.select([listener], [], [], 0.05)[0]:
                    continue
                conn, _ = listener.accept()
                with self._lock:
                    self._conns.add(conn)
                    self.connections += 1
                self._spawn(self._serve_tcp, "printer-conn", conn)
        finally:
            if listener is not None:
                listener.close()
            self._hang_up_all()
            self._note_listening(False)

    def _note_listening(self, listening: bool) -> None:
        with self._changed:
            self._listening = listening
            self._changed.notify_all()

    def _hang_up_all(self) -> None:
        # Shut down only: each connection's own thread sees the end and closes its socket.
        with self._lock:
            conns, self._conns = self._conns, set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _serve_tcp(self, conn: socket.socket) -> None:
        parser, pending = self._new_parser()
        try:
            while not self._stopping.is_set():
                if not select.select([conn], [], [], 0.1)[0]:
                    continue
                data = conn.recv(65536)
                if not data:
                    break
                parser.feed(data, time.monotonic())
                answer = self._answer(pending)
                if answer:
                    conn.sendall(answer)
        except (OSError, ValueError):
            pass  # connection closed by an unplug, or by the driver
        finally:
            parser.close()
            with self._lock:
                self._conns.discard(conn)
            conn.close()

    def _pty_loop(self) -> None:
        parser, pending = self._new_parser()
        link = self._pty
        while not self._stopping.is_set():
            if not link.wait_readable(0.1):
                continue
            data = link.read()
            received_at = time.monotonic()
            if "unplugged" in self.faults:
                parser, pending = self._new_parser()  # what it was given is lost
                continue
            parser.feed(data, received_at)
            answer = self._answer(pending)
            if answer:
                link.write(answer)

    def _new_parser(self) -> tuple[EscPosParser, list[int]]:
        pending: list[int] = []
        parser = EscPosParser(
            encoding=self.encoding,
            columns=COLUMNS[self.paper_mm],
            on_ticket=self._ticket_done,
            on_status_request=pending.append,
        )
        return parser, pending

    def _answer(self, pending: list[int]) -> bytes:
        """Bytes to send back for the DLE EOT requests parsed from the last chunk."""
        if not pending:
            return b""
        requests = [n for n in pending if 1 <= n <= 4]
        pending.clear()
        faults = self.faults
        with self._lock:
            self.status_requests += len(requests)
        if not requests or "silent" in faults or "unplugged" in faults:
            return b""
        if "partial" in faults:
            requests = [n for n in requests if n == 1]
        current = self.status_bytes()
        if "garbled" in faults:
            # Bit 7 set: never a valid status byte.
            answer = bytes(self._rng.randrange(256) | 0x80 for _ in requests)
        else:
            answer = bytes(current[n - 1] for n in requests)
        delay = faults.get("slow")
        if delay:
            time.sleep(float(delay))
        return answer

    def _ticket_done(self, ticket: RenderedTicket) -> None:
        faults = self.faults
        stopped = [f for f in _STOPS_PRINTING if f in faults]
        with self._changed:
            if stopped:
                ticket.printed = False
                ticket.fault = stopped[0]
                self._discarded.append(ticket)
            else:
                self._tickets.append(ticket)
            self._changed.notify_all()
        if stopped:
            log.info("printer simulator did not print a ticket: %s", stopped[0])
        elif self.on_ticket:
            self.on_ticket(ticket)
