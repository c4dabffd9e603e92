"""The branch logos for print jobs: each ticket's print command carries its branch's logo already
scaled and dithered for the printer's paper (a 1-bit PNG of a few KiB, base64: commands are plain JSON
dicts, also to branch agents), rendered once per logo and paper width by the printer's own code
(drivers/ticket_logo.py). Rendering from the upload costs up to half a second of CPU for a large
photo; the rendered PNG passes through the driver unchanged in about 10 ms.

A print asks only when the logo was last set (one indexed read) and renders again when that moved, so
an upload in the admin console is on the next ticket, from any hub process.
"""
from __future__ import annotations

import base64
import threading

from drivers.ticket_layout import PAPER
from drivers.ticket_logo import preview_png

from ..queue.ticket_logo import logo_of, logo_stamp


class LogoCache:
    def __init__(self, db):
        self.db = db
        self._lock = threading.Lock()
        self._rendered: dict[tuple[int, int], tuple[object, str | None]] = {}  # (branch, dots) -> (stamp, b64)

    def for_printer(self, branch_id: int, paper_mm: int) -> str | None:
        """The branch's logo as printed on this paper (base64 PNG), or None when it has none."""
        dots = PAPER.get(paper_mm, PAPER[80])[1]
        key = (branch_id, dots)
        with self.db.read() as session:
            stamp = logo_stamp(session, branch_id)
            with self._lock:
                cached = self._rendered.get(key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            logo = logo_of(session, branch_id) if stamp is not None else None
            image = logo.image if logo is not None else None
        encoded = base64.b64encode(preview_png(image, dots)).decode("ascii") if image else None
        with self._lock:
            self._rendered[key] = (stamp, encoded)
        return encoded
