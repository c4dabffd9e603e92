"""The service star on the wall (服務明星): the supervisor posts a month's star on the lobby display's
rotation, with the name the branch chooses, or takes it down. Which teller is the star is the
monthly ranking's answer (server/reports/ranking.py); the API asks it and passes the result here, so
the domain stays free of reports (docs/architecture.md, "Layers")."""
from __future__ import annotations

from .actors import Actor
from .errors import Invalid
from .repository import branch_by_code

STAR_EVENT = "display.star"
MAX_NAME = 60


def star_view(branch) -> dict | None:
    """What the display shows, or None when nothing is posted."""
    if not branch.wall_star_name:
        return None
    return {"month": branch.wall_star_month, "name": branch.wall_star_name}


class WallStarOperations:
    def __init__(self, uow_factory):
        self._uow = uow_factory

    def post(self, branch_code: str, month: str, name: str, actor: Actor) -> dict | None:
        name = (name or "").strip()
        if not name or len(name) > MAX_NAME:
            raise Invalid("invalid_star_name", f"the name on the wall is 1-{MAX_NAME} characters")
        return self._set(branch_code, month, name, actor)

    def take_down(self, branch_code: str, actor: Actor) -> None:
        return self._set(branch_code, "", "", actor)

    def _set(self, branch_code: str, month: str, name: str, actor: Actor) -> dict | None:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            branch.wall_star_month, branch.wall_star_name = month, name
            view = star_view(branch)
            uow.emit(STAR_EVENT, branch, {"star": view, "by": actor.label})
        return view
