"""Admin console strings for the ticket logo card (ticket_logo.js; English msgids)."""
from flask_babel import lazy_gettext as _l

LOGO_MESSAGES = {
    "logo.title": _l("Ticket logo"),
    "logo.note": _l("Printed at the top of every ticket of this branch, scaled to the printer's paper and in "
                    "black and white, as the previews show. PNG or JPEG, at most %(kib)s KiB."),
    "logo.none": _l("No logo: tickets start with the header lines."),
    "logo.meta": _l("%(width)s × %(height)s pixels, %(kib)s KiB, uploaded by %(by)s"),
    "logo.paper": _l("On %(mm)s mm paper"),
    "logo.file": _l("Logo image"),
    "logo.upload": _l("Upload logo"),
    "logo.remove": _l("Remove logo"),
    "logo.uploaded": _l("Logo saved. The next ticket prints it."),
    "logo.removed": _l("Logo removed."),
    "err.logo_format": _l("That file is not a PNG or JPEG image."),
    "err.logo_size": _l("The image must be between 8 and 4000 pixels a side."),
    "err.logo_too_large": _l("The image file is too large."),
    "err.logo_not_found": _l("This branch has no logo."),
}

LOGO_ERRORS = {code: f"err.{code}" for code in ("logo_format", "logo_size", "logo_too_large", "logo_not_found")}
