"""Counter terminal strings for the tickets it may call, transfer targets and notes (English msgids)."""
from flask_babel import lazy_gettext as _l

TICKET_MESSAGES = {
    "no_ticket_paused": _l("Service is paused. Resume service to call the next customer."),
    "no_ticket_nobody": _l("No customer at the counter. Nobody is waiting for this counter."),
    "callable_title": _l("Tickets you may call"),
    "callable_count": _l("(%(n)s)"),
    "call_this": _l("Call %(number)s"),
    "waited_min": _l("waiting %(min)s min"),
    "note_from": _l("Note: %(note)s"),
    "transfer_note": _l("Note for the receiving teller"),
    "target_waiting": _l("%(n)s waiting"),
    "target_open": _l("%(n)s counters open"),
    "target_closed": _l("closed, cannot receive"),
    "msg.closed_by_supervisor": _l("Counter %(counter)s was closed by a supervisor: %(reason)s"),
    "err.target_counter_closed": _l("That counter is closed. Choose an open counter or send the ticket to the "
                                    "service queue."),
    "err.not_callable_here": _l("This ticket is not for this counter."),
    "err.ticket_not_found": _l("There is no such ticket."),
    "err.note_too_long": _l("The note is too long."),
}

TICKET_ERRORS = {code: f"err.{code}" for code in (
    "target_counter_closed", "not_callable_here", "ticket_not_found", "note_too_long")}
