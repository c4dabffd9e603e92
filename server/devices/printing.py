"""Printing an issued ticket: a Hub.ticket_hooks hook that asks the device manager and waits, bounded.

Which printer:
- a ticket issued by a kiosk (device token) prints on the printer whose `kiosk` is that kiosk's
  token name;
- a ticket issued by staff prints on the branch's printer with settings {"default": true}, else
  on the branch's only printer (backup printers not counted), else nowhere;
- a backup printer is one whose settings say {"backup_for": NAME} (or a list of names), NAME being
  a kiosk name, the name of the printer it stands in for, or "*" for any printer of the branch.
  It prints only when the first choice definitely did not (a fault, not a timeout: a slow printer
  might still print, and two tickets with one number would be worse than none).

Contingency: the ticket is issued whatever happens. The response says `printed: false` and
`print_error`, so the kiosk shows the number and its QR on screen; the printer's fault raises an
alert through its health report. Mobile tickets are never printed; with no printer at all
`printed` stays null (`print_error: "no_printer"`).
"""
from __future__ import annotations

import logging
import time

from flask import has_request_context, request

from ..queue.actors import Actor
from .directory import Directory, DeviceInfo
from .ticket_logos import LogoCache

log = logging.getLogger(__name__)


def _names(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def choose_printers(directory: Directory, branch_code: str, actor: Actor) -> list[DeviceInfo]:
    """First choice, then backups, for a ticket issued in `branch_code` by `actor`."""
    printers = directory.printers(branch_code)
    issuer = actor.name if actor.kind == "device" else None
    primary = None
    if issuer is not None:
        primary = next((p for p in printers if p.kiosk == issuer), None)
    else:
        defaults = [p for p in printers if p.settings.get("default")]
        mains = [p for p in printers if not p.settings.get("backup_for")]
        primary = defaults[0] if defaults else (mains[0] if len(mains) == 1 else None)
    stands_for = {n for n in (issuer, primary.name if primary else None) if n} | {"*"}
    backups = [p for p in printers if p is not primary and _names(p.settings.get("backup_for")) & stands_for]
    return ([primary] if primary else []) + backups


def tracking_url(settings, token: str) -> str:
    base = settings.public_base_url
    if not base:
        base = request.url_root if has_request_context() else f"http://{settings.host}:{settings.port}"
    return f"{base.rstrip('/')}/t/{token}"


class TicketPrinting:
    """The hook: (branch_code, ticket view, actor) -> ticket view with printed / print_error."""

    def __init__(self, *, directory: Directory, send, engine, settings):
        self.directory, self.send, self.engine, self.settings = directory, send, engine, settings
        self.logos = LogoCache(engine.db)  # the branch's logo on each ticket (ticket_logos.py)

    def __call__(self, branch_code: str, ticket: dict, actor: Actor) -> dict:
        if ticket.get("channel") == "mobile":
            return ticket
        printers = choose_printers(self.directory, branch_code, actor)
        if not printers:
            return dict(ticket, print_error="no_printer", printed_on=None)
        deadline = time.monotonic() + self.settings.device_print_timeout_s
        errors: list[str] = []
        printed_on = None
        for printer in printers:
            left = deadline - time.monotonic()
            if left <= 0.05:
                errors.append(f"{printer.name}: no time left")
                break
            content = self._content(printer, ticket)  # each printer in its own script
            pending = self.send({"op": "print_ticket", "device": printer.id, "ticket": content,
                                 "deadline": time.time() + left})
            result = pending.wait(left)
            if result is None:
                errors.append(f"{printer.name}: no answer within {self.settings.device_print_timeout_s:g} s")
                pending.add_done_callback(self._late(ticket["id"], printer))
                break  # it may still print: trying a backup now could print the number twice
            if result.get("ok"):
                printed_on = printer.name
                break
            errors.append(f"{printer.name}: {result.get('error')}")
        printed = printed_on is not None
        printer_id = next((p.id for p in printers if p.name == printed_on), printers[0].id)
        self.engine.mark_printed(ticket["id"], printed, printer_id)
        if not printed:
            log.warning("ticket not printed", extra={"ticket": ticket["number"], "errors": errors})
        return dict(ticket, printed=printed, printed_on=printed_on, print_error=None if printed else "; ".join(errors))

    def _content(self, printer: DeviceInfo, ticket: dict) -> dict:
        return {
            "branch_name": (printer.branch_name_zh_hans if self._simplified(printer) else "") or printer.branch_name,
            "service_name_zh": self._chinese_name(printer, ticket),
            "service_name_en": ticket.get("service_name_en") or "",
            "number": ticket["number"],
            "people_ahead": int(ticket.get("people_ahead") or 0),
            "estimated_wait_s": ticket.get("estimated_wait_s"),
            "issued_at": ticket.get("created_at"),
            "tracking_url": tracking_url(self.settings, ticket.get("tracking_token", "")),
            "footer": printer.settings.get("footer"),
            "header": list(printer.settings.get("header") or []),
            "logo": self.logos.for_printer(printer.branch_id, self._paper_mm(printer)),
        }

    @staticmethod
    def _paper_mm(printer: DeviceInfo) -> int:
        try:
            return int(printer.settings.get("paper_mm", 80))
        except (TypeError, ValueError):
            return 80

    @staticmethod
    def _simplified(printer: DeviceInfo) -> bool:
        """A gb18030 printer prints its labels in Simplified Chinese (drivers/ticket_layout.py), so the
        branch and service names too (server/queue/names.py); a Big5 printer prints Traditional ones."""
        return printer.settings.get("encoding", "gb18030") == "gb18030"

    def _chinese_name(self, printer: DeviceInfo, ticket: dict) -> str:
        if self._simplified(printer) and ticket.get("service_name_zh_hans"):
            return ticket["service_name_zh_hans"]
        return ticket.get("service_name_zh") or ""

    def _late(self, ticket_id: int, printer: DeviceInfo):
        def done(result: dict) -> None:
            if result.get("ok"):
                log.info("ticket printed after the issue timed out", extra={"ticket_id": ticket_id,
                                                                           "printer": printer.name})
                self.engine.mark_printed(ticket_id, True, printer.id)
        return done
