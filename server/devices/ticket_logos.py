"""The branch logos for print jobs: each ticket's print command carries its branch's logo (base64, as
commands are plain JSON dicts, also to branch agents), read from `branch_logos`.

A print asks only when the logo was last set (one indexed read) and re-reads the image when that
moved, so an upload in the admin console is on the next ticket, from any hub process.
"""
from __future__ import annotations

import base64
import threading

from ..queue.ticket_logo import logo_of, logo_stamp


class LogoCache:
    def __init__(self, db):
        self.db = db
        self._lock = threading.Lock()
        self._by_branch: dict[int, tuple[object, str | None]] = {}

    def for_branch(self, branch_id: int) -> str | None:
        """The branch's logo as base64, or None."""
        with self.db.read() as session:
            stamp = logo_stamp(session, branch_id)
            with self._lock:
                cached = self._by_branch.get(branch_id)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            logo = logo_of(session, branch_id) if stamp is not None else None
            encoded = base64.b64encode(logo.image).decode("ascii") if logo is not None else None
        with self._lock:
            self._by_branch[branch_id] = (stamp, encoded)
        return encoded
