"""Counter terminal strings for the teller's own schedule (my_roster.js; English msgids)."""
from flask_babel import lazy_gettext as _l

ROSTER_MESSAGES = {
    "my_roster_title": _l("My schedule"),
    "my_roster_this_week": _l("This week"),
    "my_roster_next_week": _l("Next week"),
    "my_roster_none": _l("Nothing planned."),
    "my_roster_counter": _l("Counter %(counter)s, %(from)s–%(to)s"),
    "my_roster_duty": _l("Duty %(from)s–%(to)s"),
    "my_roster_rest": _l("Rest day"),
    "my_roster_break": _l("break %(from)s–%(to)s"),
    "my_roster_sep": _l(", "),  # between a shift's parts
    "my_roster_today": _l("today"),
    "weekday_short.0": _l("Mon"),
    "weekday_short.1": _l("Tue"),
    "weekday_short.2": _l("Wed"),
    "weekday_short.3": _l("Thu"),
    "weekday_short.4": _l("Fri"),
    "weekday_short.5": _l("Sat"),
    "weekday_short.6": _l("Sun"),
}
