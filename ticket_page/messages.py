"""Ticket page strings (English msgids; translations in server/translations)."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "title": _l("Your ticket"),
    "your_number": _l("Your number"),
    "people_ahead": _l("People ahead of you: %(n)s"),
    "estimated_wait": _l("Estimated wait: about %(min)s min"),
    "wait_under_minute": _l("Estimated wait: less than a minute"),
    "no_wait": _l("You will be called shortly"),
    "no_counter_open": _l("No counter is serving this service right now."),
    "your_turn": _l("It's your turn!"),
    "please_go": _l("Please go to counter %(counter)s"),
    "called_again": _l("Called again"),
    "serving": _l("Being served at counter %(counter)s"),
    "status.done": _l("Thank you for your visit."),
    "status.no_show": _l("Your number was called but you were not there. Please ask our staff."),
    "status.cancelled": _l("This ticket was cancelled."),
    "status.abandoned": _l("This ticket has expired."),
    "status.transferred": _l("Your ticket was transferred. Please wait to be called again."),
    "enable_alerts": _l("Turn on sound and vibration"),
    "alerts_on": _l("Sound and vibration are on."),
    "keep_open": _l("Keep this page open: it updates by itself."),
    "rate_prompt": _l("How was our service?"),
    "rate_score": _l("%(n)s of 5"),
    "rate_thanks": _l("Thank you for your rating."),
    "rate_failed": _l("Your rating could not be sent."),
    "comment_label": _l("A short comment for the branch (optional), sent with your rating"),
}
