"""The kiosk checks a remote ticket in by its number (docs/architecture.md, "Remote queue"): a customer
who took a ticket on the phone and cannot scan the door poster types the number here. The form is
kiosk/templates/kiosk/check_in.html, the script kiosk/static/check_in.js."""
from flask_babel import lazy_gettext as _l

CHECK_IN_MESSAGES = {
    "check_in_title": _l("Check in a remote ticket"),
    "check_in_number": _l("Ticket number"),
    "check_in_submit": _l("Check in"),
    "check_in_done": _l("Checked in: %(number)s"),
    "check_in_unknown": _l("No waiting remote ticket has this number."),
    "check_in_failed": _l("Check-in did not work. Please ask our staff."),
}
