"""The remote queue in the day report (docs/architecture.md, "Remote queue"): tickets taken from a phone
in the period, how many checked in (and how: door, kiosk, staff), how many were missed (no-show) and
how many missed customers rejoined. Counts only: no contact ever reaches a report."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import RemoteTicket, Ticket
from ..queue.states import TicketStatus
from .periods import Period

VIAS = ("door", "kiosk", "staff")


def counts(session: Session, branch_id: int, period: Period) -> dict:
    rows = session.execute(
        select(Ticket.status, RemoteTicket.checked_in_via, RemoteTicket.rejoined_from_id.is_not(None), func.count())
        .join(RemoteTicket, RemoteTicket.ticket_id == Ticket.id)
        .where(Ticket.branch_id == branch_id, Ticket.channel == "remote", Ticket.business_day >= period.first,
               Ticket.business_day <= period.last)
        .group_by(Ticket.status, RemoteTicket.checked_in_via, RemoteTicket.rejoined_from_id.is_not(None))).all()
    result = {"issued": 0, "checked_in": 0, "no_show": 0, "rejoined": 0, **{f"checked_in_{v}": 0 for v in VIAS}}
    for status, via, rejoined, n in rows:
        result["issued"] += n
        if via in VIAS:  # a rejoined ticket was checked in by its first ticket's check-in
            result["checked_in"] += n
            result[f"checked_in_{via}"] += n
        if status == TicketStatus.NO_SHOW:
            result["no_show"] += n
        if rejoined:
            result["rejoined"] += n
    return result
