"""Who acts: a signed-in staff member, a device, or the system itself."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # user | device | system
    name: str
    user_id: int | None = None
    role: str | None = None
    branch_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


SYSTEM = Actor(kind="system", name="counterflow")
