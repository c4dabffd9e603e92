"""Opening check and opening record (開業登記).

Before opening, every device self-tests (status / health now, optionally a printed test page) and
the result is a checklist. A supervisor then opens the branch for the business day; the record
keeps who, when, the faults still open and the last checklist (run again at opening when none
was run today in this hub).
"""
from __future__ import annotations

import threading
import time

from sqlalchemy import select

from ..models import Branch, BranchOpening, Counter, Device
from ..queue.actors import Actor
from ..queue.clock import business_day, iso_utc
from ..queue.errors import Conflict, NotFound
from ..queue.rounds import has_round
from ..queue.uow import unit_of_work
from .faults import FaultBook
from .protocol import WORKING_STATES
from .views import opening_view

CHECK_TIMEOUT_S = 6.0


class OpeningDesk:
    def __init__(self, *, db, clock, publish, send, faults: FaultBook):
        self.db, self.clock, self.publish, self.send, self.faults = db, clock, publish, send, faults
        self._last: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _branch(self, session, code: str) -> Branch:
        branch = session.execute(select(Branch).where(Branch.code == code)).scalar_one_or_none()
        if branch is None:
            raise NotFound("branch_not_found", f"no branch with code {code!r}")
        return branch

    def check(self, branch_code: str, actor: Actor, *, test_page: bool = False) -> dict:
        with self.db.read() as session:
            branch = self._branch(session, branch_code)
            rows = session.execute(
                select(Device, Counter.number).outerjoin(Counter, Counter.id == Device.counter_id)
                .where(Device.branch_id == branch.id).order_by(Device.kind, Device.name)
            ).all()
            branch_id, timezone = branch.id, branch.timezone
        # Every device tests at once (one worker each, or one per bus): the check takes as long as
        # the slowest device, not the sum.
        pending = {device.id: self.send({"op": "self_test", "device": device.id, "test_page": test_page})
                   for device, _ in rows if device.enabled}
        deadline = time.monotonic() + CHECK_TIMEOUT_S
        checklist = []
        for device, counter_number in rows:
            item = {"device_id": device.id, "device": device.name, "kind": device.kind, "counter": counter_number,
                    "kiosk": device.kiosk}
            if not device.enabled:
                item.update(state="disabled", detail="disabled by an administrator", flags=[], ok=True)
            else:
                result = pending[device.id].wait(max(0.0, deadline - time.monotonic()))
                if result is None:
                    item.update(state="not_responding", detail=f"no answer within {CHECK_TIMEOUT_S:g} s",
                                flags=["no_answer"], ok=False)
                else:
                    state = result.get("state") or "unknown"
                    detail = result.get("detail") or result.get("error") or ""
                    item.update(state=state, detail=detail, flags=list(result.get("flags") or []),
                                ok=bool(result.get("ok")) and state in WORKING_STATES)
            checklist.append(item)
        now = self.clock()
        result = {
            "branch": branch_code,
            "business_day": business_day(now, timezone).isoformat(),
            "checked_at": iso_utc(now),
            "checked_by": actor.label,
            "test_page": test_page,
            "ok": all(item["ok"] for item in checklist),
            "checklist": checklist,
            "open_faults": self.faults.list(branch_id, open_only=True),
        }
        with self._lock:
            self._last[branch_code] = result
        return result

    def open(self, branch_code: str, actor: Actor) -> dict:
        with self.db.read() as session:
            branch = self._branch(session, branch_code)
            today = business_day(self.clock(), branch.timezone)
            branch_id, requires_round = branch.id, branch.opening_requires_round
            round_done = has_round(session, branch_id, today, "opening")
        with self._lock:
            last = self._last.get(branch_code)
        checked_today = last is not None and last["business_day"] == today.isoformat()
        if requires_round:
            self._require_record(branch_code, round_done=round_done, checked=checked_today)
        if last is None or last["business_day"] != today.isoformat():
            last = self.check(branch_code, actor)
        outstanding = self.faults.list(branch_id, open_only=True)
        with unit_of_work(self.db, self.clock, self.publish) as uow:
            s = uow.session
            branch = s.execute(select(Branch).where(Branch.id == branch_id).with_for_update()).scalar_one()
            existing = self._today(s, branch, today)
            if existing is not None:
                raise Conflict("branch_already_open", f"branch {branch_code} was opened today by {existing.opened_by}",
                               detail={"opening": opening_view(existing, branch_code)})
            opening = BranchOpening(branch_id=branch.id, business_day=today, opened_by=actor.label, opened_at=uow.now,
                                    checklist=last["checklist"],
                                    outstanding_faults=outstanding)
            s.add(opening)
            s.flush()
            view = opening_view(opening, branch_code)
            uow.emit("branch.opened", branch, {"opening": view})
            return view

    @staticmethod
    def _require_record(branch_code: str, *, round_done: bool, checked: bool) -> None:
        """The branch asks for the whole opening record (開業登記) first: today's opening round and a
        device check (docs/architecture.md, "Rounds")."""
        missing = [name for name, done in (("opening_round", round_done), ("device_check", checked)) if not done]
        if missing:
            raise Conflict("opening_record_incomplete",
                           f"branch {branch_code} opens after today's {' and '.join(m.replace('_', ' ') for m in missing)}",
                           detail={"missing": missing})

    def last_check(self, branch_code: str) -> dict | None:
        """The last device check this hub ran for the branch (any day), or None."""
        with self._lock:
            return self._last.get(branch_code)

    def today(self, branch_code: str) -> dict | None:
        with self.db.read() as session:
            branch = self._branch(session, branch_code)
            opening = self._today(session, branch, business_day(self.clock(), branch.timezone))
            return opening_view(opening, branch_code) if opening else None

    @staticmethod
    def _today(session, branch: Branch, day) -> BranchOpening | None:
        return session.execute(
            select(BranchOpening).where(BranchOpening.branch_id == branch.id, BranchOpening.business_day == day)
            .order_by(BranchOpening.id.desc())
        ).scalars().first()
