"""What the ticket page adds for a remote ticket (docs/architecture.md, "Remote queue"): the branch's
nudge distance, the rejoin window and paths. The page script is ticket_page/static/remote_ticket.js."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.models import Ticket
from server.queue.remote import read_settings

MESSAGES = {
    "not_checked_in": _l("Not checked in yet. When you arrive, scan the QR code at the door with this phone "
                         "or enter your number at the kiosk. You keep your place meanwhile."),
    "checked_in": _l("Checked in. Please wait in the hall."),
    "remote_badge": _l("Taken from a phone"),
    "near": _l("Almost your turn: %(n)s ahead of you. Please come to the branch now."),
    "notify_on": _l("Show notifications"),
    "rejoin": _l("Rejoin the queue"),
    "rejoin_help": _l("Missed your turn? You may take a new number of the same service for a short while."),
    "rejoin_closed": _l("The time to rejoin has passed. Please ask our staff."),
    "rejoin_failed": _l("Rejoining did not work. Please ask our staff."),
}


def remote_config(token: str) -> dict:
    with current_app.extensions["counterflow"].db.read() as session:
        branch_id = session.execute(select(Ticket.branch_id).where(Ticket.public_token == token)).scalar_one()
        settings = read_settings(session, branch_id)
    return {"nudge_places": settings["nudge_places"], "rejoin_window_s": settings["rejoin_window_s"],
            "rejoin_path": f"/api/v1/public/tickets/{token}/rejoin"}
