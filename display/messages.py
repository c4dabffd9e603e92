"""Lobby display strings (English msgids; translations in server/translations)."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "title": _l("Lobby display"),
    "remote_ticket": _l("Taken from a phone"),  # a remote ticket (docs/architecture.md, "Remote queue")
    "emergency_notice": _l("We are opening more counters to shorten your wait. Thank you for your patience."),
    "now_calling": _l("Now calling"),
    "counter_n": _l("Counter %(counter)s"),
    "please_go": _l("Please go to counter %(counter)s"),
    "recent_calls": _l("Recent calls"),
    "waiting_title": _l("Waiting"),
    "waiting_n": _l("Waiting: %(n)s"),
    "est_wait": _l("about %(min)s min"),
    "est_soon": _l("less than a minute"),
    "counters_title": _l("Counters"),
    "counter_paused": _l("Paused"),
    "counter_closed": _l("Closed"),
    "counter_idle": _l("Available"),
    "welcome": _l("Welcome"),
    "called_again": _l("Called again"),
    "appointment": _l("Appointment"),
    # Spoken by the browser's speech synthesis; the number is spelled out character by character.
    "speech_call": _l("Number %(number)s, please go to counter %(counter)s."),
    "enable_sound": _l("Tap to enable sound"),
    "star_title": _l("Service star"),
    "star_month": _l("Service star of %(month)s"),
}
