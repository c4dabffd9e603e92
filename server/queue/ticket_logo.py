"""The branch's ticket logo as set-up: stored per branch, replaced or removed by an admin, each change
audited (setup_changes, as a change of the branch's `logo` field) and announced to the staff rooms as
`ticket_logo.changed` (docs/architecture.md, "Set-up and its audit").

The image is checked before it gets here (drivers/ticket_logo.py, by the API): this module only keeps
it, so the domain knows nothing of image formats or printers.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BranchLogo
from . import setup_audit
from .actors import Actor
from .clock import iso_utc
from .errors import NotFound
from .repository import branch_by_code

CHANGED = "ticket_logo.changed"


def describe(logo: BranchLogo | None) -> str | None:
    """What the audit shows of a logo: its kind, size and weight, never the bytes."""
    if logo is None:
        return None
    return f"{logo.mimetype} {logo.width}x{logo.height}, {len(logo.image)} bytes"


def logo_view(logo: BranchLogo) -> dict:
    return {"mimetype": logo.mimetype, "width": logo.width, "height": logo.height, "bytes": len(logo.image),
            "uploaded_by": logo.uploaded_by, "uploaded_at": iso_utc(logo.uploaded_at)}


def logo_of(session: Session, branch_id: int) -> BranchLogo | None:
    return session.get(BranchLogo, branch_id)


def logo_stamp(session: Session, branch_id: int):
    """When the logo was last set (None: no logo): a cheap read to see if a cached copy is current."""
    return session.execute(select(BranchLogo.uploaded_at).where(BranchLogo.branch_id == branch_id)).scalar()


class TicketLogoOperations:
    def __init__(self, uow_factory):
        self._uow = uow_factory

    def set(self, branch_code: str, actor: Actor, image: bytes, *, mimetype: str, width: int, height: int) -> dict:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            logo = logo_of(uow.session, branch.id)
            before = describe(logo)
            if logo is None:
                logo = BranchLogo(branch_id=branch.id)
                uow.session.add(logo)
            logo.image, logo.mimetype, logo.width, logo.height = image, mimetype, width, height
            logo.uploaded_by, logo.uploaded_at = actor.label, uow.now
            setup_audit.record(uow.session, uow.now, actor.name, branch.id, "branch", branch.code, "changed",
                               {"logo": before}, {"logo": describe(logo)})
            uow.session.flush()
            view = logo_view(logo)
            uow.emit(CHANGED, branch, {"logo": view})
        return view

    def remove(self, branch_code: str, actor: Actor) -> None:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            logo = logo_of(uow.session, branch.id)
            if logo is None:
                raise NotFound("logo_not_found", "this branch has no ticket logo")
            setup_audit.record(uow.session, uow.now, actor.name, branch.id, "branch", branch.code, "changed",
                               {"logo": describe(logo)}, {"logo": None})
            uow.session.delete(logo)
            uow.emit(CHANGED, branch, {"logo": None})
