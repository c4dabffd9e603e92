"""The kiosk's one check-in (docs/architecture.md, "Kiosk check-in"): a customer with an appointment
types its code, a customer who took a ticket on a phone types its number; one button, one box, one
answer. The dialog is kiosk/templates/kiosk/_check_in.html, the script kiosk/static/kiosk_check_in.js,
the endpoint POST /api/v1/branches/<code>/check-in (server/api/check_in_routes.py)."""
from flask_babel import lazy_gettext as _l

CHECK_IN_MESSAGES = {
    "check_in_button": _l("Check in: appointment or phone ticket"),
    "check_in_title": _l("Check in"),
    "check_in_code": _l("Appointment code or ticket number"),
    "check_in_hint": _l("The code is in your booking message; the number is on your phone's ticket page."),
    "check_in_submit": _l("Check in"),
    "check_in_done": _l("Checked in: %(number)s. Please wait for your number to be called."),
    "check_in.nothing_to_check_in": _l("No appointment with this code and no phone ticket with this number here."),
    "check_in.already_checked_in": _l("This ticket is already checked in. Please wait for your number."),
    "check_in.too_early": _l("Check-in opens one hour before your time."),
    "check_in.appointment_missed": _l("Your time has passed. Please take a ticket at the kiosk."),
    "check_in.appointment_no_show": _l("Your time has passed. Please take a ticket at the kiosk."),
    "check_in.appointment_cancelled": _l("This appointment was cancelled. Please take a ticket at the kiosk."),
    "check_in.not_today": _l("You can check in on the day of your appointment."),
    "check_in.other": _l("Check-in did not work. Please ask our staff."),
}
