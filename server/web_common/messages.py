"""Strings every page uses. English msgids; translations in server/translations."""
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "connection_lost": _l("Connection lost. Reconnecting…"),
    "connection_back": _l("Connected again."),
    "language": _l("Language"),
    "minutes": _l("%(n)s min"),
    "not_found_title": _l("Not found"),
    "not_found": _l("There is nothing at this address. Please check the link or ask our staff."),
}

# Each language's name in that language (an endonym): the same whatever the page language is, so a
# visitor can find their own; therefore not a translated string.
LANGUAGE_NAMES = {"zh_Hant": "繁體", "zh_Hans": "简体", "en": "English"}
