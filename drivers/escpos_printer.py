"""ESC/POS ticket printer driver.

    >>> from drivers import TicketPrinter
    >>> TicketPrinter.from_url("tcp://192.168.1.50:9100").print_test_page()

One `TicketPrinter` per physical printer. It connects on first use, and after a broken connection
(printer rebooted, cable pulled) it reconnects by itself on the next call. A lock serialises status
queries and print jobs, so a status answer is never read from the middle of a job.

`print_ticket` first asks the printer's real-time status: a printer that is out of paper, open,
offline or silent gets no job (it would keep the ticket in its buffer and print it minutes later);
`PrinterUnavailable` is raised instead so the hub can start its contingency.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from .errors import PrinterUnavailable
from .escpos_status import STATUS_REQUESTS, PrinterStatus, decode_status
from .escpos_transport import ConnectFailed, ConnectionLost, open_transport
from .ticket_layout import LayoutSettings, TicketContent, build_test_page, build_ticket
from .urls import parse_device_url

log = logging.getLogger(__name__)


class TicketPrinter:
    """A ticket printer reached through python-escpos (TCP 9100, serial, USB).

    Thread-safe. Public methods: `print_ticket`, `print_test_page`, `status`, `close`.
    """

    def __init__(
        self,
        url: str,
        *,
        encoding: str = "gb18030",
        paper_mm: int = 80,
        qr_mode: str = "native",
        timeout: float = 2.0,
        status_timeout: float | None = None,
        tz: tzinfo | str | None = None,
    ):
        parse_device_url(url)  # a malformed URL fails here, not at the first ticket
        if isinstance(tz, str):
            tz = ZoneInfo(tz)
        self.url = url
        self.settings = LayoutSettings(encoding=encoding, paper_mm=paper_mm, qr_mode=qr_mode, tz=tz)
        self.timeout = timeout
        # Real-time status is answered by the printer's firmware at once, even mid-print; a long
        # wait only delays the verdict on a dead printer.
        self.status_timeout = status_timeout if status_timeout is not None else min(timeout, 0.5)
        self._lock = threading.RLock()
        self._transport = None
        self._last_status = PrinterStatus.not_responding("never_asked")

    @classmethod
    def from_url(cls, url: str, **options) -> TicketPrinter:
        """`tcp://host:9100`, `serial:///dev/ttyUSB0?baud=19200` or `usb://04b8:0202`; `options` as for
        the constructor (encoding, paper_mm, qr_mode, timeout, status_timeout, tz).

        Nothing is opened until the first call, so a wrong address shows up as a status of
        not_responding (connection_failed), not as an exception here. Bad URLs raise BadDeviceUrl.
        """
        return cls(url, **options)

    # -- public API ---------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1..4 and decode. Never raises for device trouble; see PrinterStatus.state."""
        with self._lock:
            return self._status()

    def print_ticket(self, ticket: TicketContent) -> PrinterStatus:
        """Print one ticket and cut. Returns the status checked just before printing (online, or
        degraded when paper is near its end). Raises PrinterUnavailable when it cannot print."""
        data = build_ticket(ticket, self.settings)
        return self._print_job(data, what=f"ticket {ticket.number}")

    def print_test_page(self) -> PrinterStatus:
        """Print a page showing the settings, a column ruler, Chinese text, big text and a QR."""
        with self._lock:
            status = self._status()
            data = build_test_page(
                self.settings,
                url=self.url,
                status_text=f"{status.state} ({status.detail})",
                now=datetime.now(self.settings.tz or UTC),
            )
            return self._print_job(data, what="test page", checked=status)

    def close(self) -> None:
        with self._lock:
            self._drop_transport()

    def __enter__(self) -> TicketPrinter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"TicketPrinter({self.url!r}, encoding={self.settings.encoding!r}, "
            f"paper_mm={self.settings.paper_mm}, qr_mode={self.settings.qr_mode!r})"
        )

    # -- internals ------------------------------------------------------------------------------

    def _print_job(
        self, data: bytes, *, what: str, checked: PrinterStatus | None = None
    ) -> PrinterStatus:
        with self._lock:
            status = checked or self._status()
            if not status.ok:
                raise PrinterUnavailable(f"printer {self.url} cannot print {what}: "
                                         f"{status.state} ({status.detail})", status)
            try:
                self._transport._raw(data)
            except OSError as exc:
                # Not retried: part of the job may already be on paper, and a second copy of a
                # queue ticket is worse than a reported failure.
                self._drop_transport()
                raise PrinterUnavailable(
                    f"printer {self.url} lost the connection while printing {what}: {exc}",
                    PrinterStatus.not_responding("connection_lost", str(exc)),
                ) from exc
            log.info("printed %s on %s (%d bytes)", what, self.url, len(data))
            return status

    def _status(self) -> PrinterStatus:
        # A connection that was fine last time may be dead now (printer power-cycled); the first
        # read then sees the close, and one fresh connection is tried before giving a verdict.
        for attempt in (1, 2):
            try:
                transport = self._connect()
            except ConnectFailed as exc:
                return self._remember(PrinterStatus.not_responding("connection_failed", str(exc)))
            try:
                stale = transport.drain()
                if stale:
                    log.debug("discarded %d stale status bytes from %s", len(stale), self.url)
                transport._raw(b"".join(STATUS_REQUESTS))
                answers = transport.read_within(len(STATUS_REQUESTS), self.status_timeout)
            except (ConnectionLost, OSError) as exc:
                self._drop_transport()
                if attempt == 1:
                    log.info("printer %s connection lost (%s); reconnecting", self.url, exc)
                    continue
                return self._remember(PrinterStatus.not_responding("connection_lost", str(exc)))
            return self._remember(decode_status(answers))
        raise AssertionError("unreachable")

    def _remember(self, status: PrinterStatus) -> PrinterStatus:
        if status.state != self._last_status.state:
            log.info("printer %s status %s (%s)", self.url, status.state, status.detail)
        self._last_status = status
        return status

    def _connect(self):
        if self._transport is None:
            self._transport = open_transport(self.url, self.timeout)
        return self._transport

    def _drop_transport(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            try:
                transport.close()
            except Exception:  # closing a broken transport may fail in many ways; it is gone anyway
                log.debug("error closing printer transport %s", self.url, exc_info=True)
