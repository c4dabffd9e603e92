"""Branch page and door page strings (English msgids; translations in server/translations)."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "title": _l("Take a ticket from your phone"),
    "intro": _l("Choose a service to take a ticket now. You keep your place while you are on your way."),
    "waiting_n": _l("Waiting: %(n)s"),
    "estimated_wait": _l("Estimated wait: about %(min)s min"),
    "wait_under_minute": _l("Estimated wait: less than a minute"),
    "no_wait": _l("You will be called shortly"),
    "no_counter_open": _l("No counter is serving this service right now."),
    "take": _l("Take a ticket"),
    "contact_label": _l("Phone number or e-mail for a message before your turn (optional)"),
    "contact_help": _l("Kept only until the branch closes for the day, never shown on any screen."),
    "check_in_note": _l("When you arrive, check in: scan the QR code at the door with this phone, or enter your "
                        "number at the kiosk. You are called only after checking in."),
    "book": _l("Book an appointment"),
    "remote_off": _l("This branch does not take tickets from phones right now."),
    "hall_closed": _l("The branch is not taking tickets now."),
    "too_many": _l("Too many tickets from this phone. Please try again later."),
    "take_failed": _l("Sorry, no ticket could be taken. Please try again."),
    "invalid_contact": _l("Please give a phone number (digits only) or an e-mail address."),
    "loading": _l("Loading…"),
    "door_title": _l("Check in"),
    "door_checking": _l("Checking in…"),
    "door_done": _l("You are checked in: ticket %(number)s. Please wait to be called."),
    "door_open_ticket": _l("Show my ticket"),
    "door_none": _l("No ticket from this phone is waiting to check in. Open your ticket page on this phone "
                    "first, or ask our staff."),
    "door_failed": _l("Check-in did not work. Please ask our staff."),
}
