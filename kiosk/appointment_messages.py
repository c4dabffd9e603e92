"""Kiosk strings for checking in an appointment by its code (kiosk_appointments.js)."""
from flask_babel import lazy_gettext as _l

APPOINTMENT_MESSAGES = {
    "have_appointment": _l("I have an appointment"),
    "appointment_code": _l("Appointment code"),
    "appointment_check_in": _l("Check in"),
    "appointment_not_found": _l("No appointment with this code here."),
    "appointment.too_early": _l("Check-in opens one hour before your time."),
    "appointment.appointment_missed": _l("Your time has passed. Please take a ticket at the kiosk."),
    "appointment.appointment_no_show": _l("Your time has passed. Please take a ticket at the kiosk."),
    "appointment.not_today": _l("You can check in on the day of your appointment."),
    "appointment.other": _l("That did not work. Please try again."),
}
