"""One ticket printer: prints on command, polls its real-time status between jobs.

The driver (drivers.TicketPrinter) serialises status queries with jobs and refuses to send a job
to a printer that cannot print it; this worker turns what the driver says into state reports.
"""
from __future__ import annotations

import base64
import datetime as dt
import logging
import time

from drivers import BadDeviceUrl, PrinterStatus, PrinterUnavailable, TicketContent, TicketPrinter

from .health import HealthTracker, Observation
from .protocol import DeviceConfig, Reporter, now_iso, reply
from .worker import Timing, Worker

log = logging.getLogger(__name__)

TICKET_FIELDS = ("branch_name", "service_name_zh", "service_name_en", "number", "people_ahead",
                 "estimated_wait_s", "tracking_url", "footer", "header")


def ticket_content(data: dict) -> TicketContent:
    """The print command's ticket (JSON) as the driver's TicketContent."""
    issued = dt.datetime.fromisoformat(str(data["issued_at"]).replace("Z", "+00:00"))
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=dt.UTC)
    logo = base64.b64decode(data["logo"]) if data.get("logo") else None  # JSON carries it in base64
    return TicketContent(issued_at=issued, logo=logo, **{k: data.get(k) for k in TICKET_FIELDS})


class PrinterWorker(Worker):
    def __init__(self, config: DeviceConfig, url: str, report: Reporter, timing: Timing):
        super().__init__(config.name, report, timing)
        self.config = config
        self.url = url
        self.tick_interval = timing.health_interval
        self.tracker = HealthTracker(fail_threshold=timing.printer_fail_threshold,
                                     base_delay=timing.health_interval, backoff_max=timing.backoff_max)
        self.printer: TicketPrinter | None = None

    def setup(self) -> None:
        s = self.config.settings
        try:
            self.printer = TicketPrinter.from_url(
                self.url, encoding=s.get("encoding", "gb18030"), paper_mm=int(s.get("paper_mm", 80)),
                qr_mode=s.get("qr_mode", "native"), timeout=self.timing.printer_timeout,
                status_timeout=self.timing.printer_status_timeout, tz=self.config.timezone)
        except (BadDeviceUrl, ValueError) as exc:
            self._observe(PrinterStatus.not_responding("bad_configuration", f"cannot use this printer: {exc}"))

    def teardown(self) -> None:
        if self.printer is not None:
            self.printer.close()

    def tick(self) -> None:
        if self.printer is not None and self.tracker.due():
            self._observe(self.printer.status())

    def seen_devices(self) -> list[int]:
        seen = self.tracker.last_seen
        return [self.config.id] if seen and time.monotonic() - seen < self.timing.seen_every else []

    # -- commands ---------------------------------------------------------------------------------
    def handle(self, command: dict) -> dict:
        if self.printer is None:
            return reply(False, self.tracker.current.detail or "printer not configured", state=self.tracker.state)
        op = command.get("op")
        if op == "print_ticket":
            return self._print(lambda: self.printer.print_ticket(ticket_content(command["ticket"])))
        if op == "test_page":
            return self._print(self.printer.print_test_page)
        if op == "self_test":
            status = self._observe(self.printer.status())
            if command.get("test_page") and status.ok:
                return self._print(self.printer.print_test_page)
            return reply(status.ok, None if status.ok else f"{status.state}: {status.detail}",
                         state=status.state, detail=status.detail, flags=sorted(status.flags))
        return super().handle(command)

    def _print(self, job) -> dict:
        try:
            status = job()
        except PrinterUnavailable as exc:
            status = exc.status or PrinterStatus.not_responding("unknown", str(exc))
            self._observe(status, print_pending=True)
            return reply(False, f"{status.state}: {status.detail}", state=status.state, detail=status.detail)
        self._observe(status)
        return reply(True, state=status.state, detail=status.detail, printed_at=now_iso())

    def _observe(self, status: PrinterStatus, *, print_pending: bool = False) -> PrinterStatus:
        flags = tuple(sorted(status.flags))
        if status.state == "not_responding":
            # A status poll between jobs may miss once to noise; a print that finds the printer
            # silent may not: the printer leaves `online` at once (docs/architecture.md, "Devices").
            changed = self.tracker.missed(status.detail, flags, at_once=print_pending)
        else:
            changed = self.tracker.answered(Observation(status.state, status.detail, flags))
        if changed:
            current = self.tracker.current
            self.report({"event": "device.state", "device": self.config.id, "state": current.state,
                         "detail": current.detail, "flags": list(current.flags), "info": {}, "at": now_iso()})
        return status
