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

# The staff pages' sign-in and header (common/staff.html, cf.staffSession in counterflow.js): a page adds
# its own "sign_in_title", its "not allowed" message and its "err.other".
STAFF_MESSAGES = {
    "username": _l("Username"),
    "password": _l("Password"),
    "sign_in": _l("Sign in"),
    "sign_out": _l("Sign out"),
    "wrong_credentials": _l("Wrong username or password."),
    "session_ended": _l("Your session has ended. Please sign in again."),
    "signed_in_as": _l("Signed in as %(name)s"),
    "err.forbidden": _l("You are not allowed to do this."),
    "err.network": _l("The hub cannot be reached. Check the network and try again."),
    "err.database_unavailable": _l("The hub is reconnecting to its database. Please try again in a moment."),
}

# API error code -> message key, for what every staff page may meet signing in and calling the API.
STAFF_ERRORS = {
    "wrong_branch": "err.forbidden", "network_error": "err.network", "database_unavailable": "err.database_unavailable",
    "invalid_token": "session_ended", "token_expired": "session_ended", "auth_required": "session_ended",
    "invalid_credentials": "wrong_credentials",
}

# Each language's name in that language (an endonym): the same whatever the page language is, so a
# visitor can find their own; therefore not a translated string.
LANGUAGE_NAMES = {"zh_Hant": "繁體", "zh_Hans": "简体", "en": "English"}
