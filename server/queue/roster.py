"""The roster (排班): the supervisor's plan of who works when, per teller and business day.

A shift is one of three kinds: `counter` (at a counter, from-to, with breaks inside), `duty` (duty
outside the hall's hours - opening up, the closing routine - with no counter) or `rest` (a rest day, no
times). The rules, checked in the unit of work that writes a shift (docs/architecture.md, "Roster"):
- times are "HH:MM" within the day (00:00-24:00), from before to; breaks lie inside and do not overlap;
- a teller is on at most one shift at a time, and a rest day is the teller's only entry that day;
- a counter has at most one teller planned at a time.
Each change publishes `roster.changed` (staff rooms only) so open panels and terminals reload.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import Counter, RosterShift, User
from .actors import Actor
from .errors import Conflict, Invalid, NotFound
from .repository import branch_by_code

KINDS = ("counter", "duty", "rest")
ROSTER_ROLES = ("teller", "supervisor")
MAX_BREAKS = 4
MAX_NOTE = 200
CHANGED = "roster.changed"
_TIME = re.compile(r"^(\d\d):([0-5]\d)$")


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: the roster is planned a week at a time."""
    return day - dt.timedelta(days=day.weekday())


def minutes(text, field: str) -> int:
    """'HH:MM' -> minutes after midnight; 24:00 is the end of the day."""
    match = _TIME.match(text) if isinstance(text, str) else None
    value = int(match[1]) * 60 + int(match[2]) if match else -1
    if not 0 <= value <= 24 * 60:
        raise Invalid("invalid_time", f"{field}: a time of the day as HH:MM, 00:00 to 24:00")
    return value


def clock(value: int | None) -> str | None:
    return None if value is None else f"{value // 60:02d}:{value % 60:02d}"


def shift_view(s: RosterShift, counters: dict[int, int], staff: dict[int, User]) -> dict:
    user = staff.get(s.staff_id)
    return {"id": s.id, "day": s.day.isoformat(), "kind": s.kind,
            "staff": user.username if user else None,
            "staff_name": (user.display_name or user.username) if user else None,
            "counter": counters.get(s.counter_id) if s.counter_id else None,
            "from": clock(s.start_min), "to": clock(s.end_min),
            "breaks": [{"from": clock(a), "to": clock(b)} for a, b in s.breaks],
            "worked_min": worked_minutes(s), "note": s.note}


def worked_minutes(s: RosterShift) -> int:
    if s.start_min is None or s.end_min is None:
        return 0
    return s.end_min - s.start_min - sum(b - a for a, b in s.breaks)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class ShiftSpec:
    """A shift as asked for, checked on its own (the rules against other shifts need the session)."""

    def __init__(self, data: dict):
        self.kind = data.get("kind", "counter")
        if self.kind not in KINDS:
            raise Invalid("invalid_kind", f"kind: one of {', '.join(KINDS)}")
        self.staff = data.get("staff")
        if not isinstance(self.staff, str) or not self.staff:
            raise Invalid("invalid_staff", "staff: the teller's username")
        try:
            self.day = dt.date.fromisoformat(data.get("day") or "")
        except (TypeError, ValueError):
            raise Invalid("invalid_day", "day: a date as YYYY-MM-DD") from None
        self.note = data.get("note") or ""
        if not isinstance(self.note, str) or len(self.note) > MAX_NOTE:
            raise Invalid("invalid_note", f"note: at most {MAX_NOTE} characters")
        self.counter = data.get("counter")
        self.start = self.end = None
        self.breaks: list[list[int]] = []
        if self.kind == "rest":
            if data.get("from") or data.get("to") or data.get("breaks") or self.counter is not None:
                raise Invalid("invalid_rest", "a rest day has no counter, times or breaks")
            return
        if self.kind == "counter" and (isinstance(self.counter, bool) or not isinstance(self.counter, int)):
            raise Invalid("invalid_counter", "counter: the counter's number")
        if self.kind == "duty" and self.counter is not None:
            raise Invalid("invalid_counter", "duty outside hours has no counter")
        self.start, self.end = minutes(data.get("from"), "from"), minutes(data.get("to"), "to")
        if self.start >= self.end:
            raise Invalid("invalid_time", "from must be before to, within one day")
        self.breaks = self._breaks(data.get("breaks") or [])

    def _breaks(self, raw) -> list[list[int]]:
        if not isinstance(raw, list) or len(raw) > MAX_BREAKS:
            raise Invalid("invalid_break", f"breaks: a list of at most {MAX_BREAKS} {{from, to}}")
        spans = []
        for item in raw:
            if not isinstance(item, dict):
                raise Invalid("invalid_break", "each break is {\"from\": \"HH:MM\", \"to\": \"HH:MM\"}")
            span = (minutes(item.get("from"), "break from"), minutes(item.get("to"), "break to"))
            if not self.start <= span[0] < span[1] <= self.end:
                raise Invalid("invalid_break", "a break lies inside its shift, from before to")
            if any(_overlap(span, other) for other in spans):
                raise Invalid("invalid_break", "breaks may not overlap")
            spans.append(span)
        return [list(s) for s in sorted(spans)]

    @property
    def span(self) -> tuple[int, int] | None:
        return None if self.start is None else (self.start, self.end)


class RosterOperations:
    """Planning, changing, removing and copying shifts; one unit of work each."""

    def __init__(self, uow_factory):
        self._uow = uow_factory

    def plan(self, branch_code: str, actor: Actor, data: dict, shift_id: int | None = None) -> dict:
        """Add a shift, or replace shift `shift_id` with `data`."""
        spec = ShiftSpec(data)
        with self._uow() as uow:
            s = uow.session
            branch = branch_by_code(s, branch_code, lock=True)  # one roster writer per branch at a time
            shift = self._shift(s, branch.id, shift_id) if shift_id is not None else RosterShift(branch_id=branch.id)
            user = s.execute(select(User).where(User.username == spec.staff)).scalar_one_or_none()
            if user is None or user.role not in ROSTER_ROLES or user.branch_id != branch.id or not user.active:
                raise Invalid("unknown_staff", f"{spec.staff!r} is not an active teller of this branch")
            counter_id = None
            if spec.kind == "counter":
                counter_id = s.execute(select(Counter.id).where(Counter.branch_id == branch.id,
                                                                Counter.number == spec.counter)).scalar_one_or_none()
                if counter_id is None:
                    raise Invalid("unknown_counter", f"this branch has no counter {spec.counter}")
            self._check_clashes(s, branch.id, spec, user.id, counter_id, shift_id)
            shift.staff_id, shift.day, shift.kind, shift.counter_id = user.id, spec.day, spec.kind, counter_id
            shift.start_min, shift.end_min, shift.breaks, shift.note = spec.start, spec.end, spec.breaks, spec.note
            shift.planned_by, shift.planned_at = actor.label, uow.now
            s.add(shift)
            s.flush()
            view = shift_view(shift, _counter_numbers(s, branch.id), {user.id: user})
            uow.emit(CHANGED, branch, {"week": week_start(spec.day).isoformat(), "staff": [user.username]})
        return view

    def remove(self, branch_code: str, shift_id: int) -> None:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code, lock=True)
            shift = self._shift(uow.session, branch.id, shift_id)
            user = uow.session.get(User, shift.staff_id)
            uow.session.delete(shift)
            uow.emit(CHANGED, branch, {"week": week_start(shift.day).isoformat(),
                                       "staff": [user.username] if user else []})

    def copy_week(self, branch_code: str, actor: Actor, source: dt.date, target: dt.date, *,
                  replace: bool = False) -> int:
        """Copy the week starting `source` onto the week starting `target` (both Mondays). A target week
        that has shifts is refused unless `replace`, which clears it first. Returns the shifts copied."""
        if source.weekday() or target.weekday():
            raise Invalid("invalid_week", "weeks start on a Monday")
        if source == target:
            raise Invalid("invalid_week", "copy to another week")
        with self._uow() as uow:
            s = uow.session
            branch = branch_by_code(s, branch_code, lock=True)
            in_week = lambda monday: (RosterShift.branch_id == branch.id, RosterShift.day >= monday,  # noqa: E731
                                      RosterShift.day < monday + dt.timedelta(days=7))
            existing = s.execute(select(RosterShift.id).where(*in_week(target)).limit(1)).first()
            if existing and not replace:
                raise Conflict("week_not_empty", "the target week already has shifts; copy with replace to overwrite")
            s.execute(delete(RosterShift).where(*in_week(target)))
            shift_by = target - source
            rows = s.execute(select(RosterShift).where(*in_week(source))).scalars().all()
            for row in rows:
                s.add(RosterShift(branch_id=branch.id, staff_id=row.staff_id, day=row.day + shift_by, kind=row.kind,
                                  counter_id=row.counter_id, start_min=row.start_min, end_min=row.end_min,
                                  breaks=list(row.breaks), note=row.note, planned_by=actor.label, planned_at=uow.now))
            usernames = sorted({u for u, in s.execute(select(User.username).where(
                User.id.in_({r.staff_id for r in rows} or {-1})))})
            uow.emit(CHANGED, branch, {"week": target.isoformat(), "staff": usernames})
        return len(rows)

    @staticmethod
    def _shift(s: Session, branch_id: int, shift_id: int) -> RosterShift:
        shift = s.execute(select(RosterShift).where(RosterShift.id == shift_id, RosterShift.branch_id == branch_id)
                          .with_for_update()).scalar_one_or_none()
        if shift is None:
            raise NotFound("shift_not_found", f"no shift with id {shift_id}")
        return shift

    @staticmethod
    def _check_clashes(s: Session, branch_id: int, spec: ShiftSpec, staff_id: int, counter_id: int | None,
                       shift_id: int | None) -> None:
        same_day = s.execute(select(RosterShift).where(RosterShift.day == spec.day, RosterShift.id != (shift_id or -1),
                                                       RosterShift.branch_id == branch_id)).scalars().all()
        for other in same_day:
            other_span = None if other.start_min is None else (other.start_min, other.end_min)
            if other.staff_id == staff_id:
                if spec.kind == "rest" or other.kind == "rest":
                    raise Conflict("rest_day", f"{spec.staff} rests on {spec.day.isoformat()}: "
                                               "a rest day is the teller's only entry that day")
                if _overlap(spec.span, other_span):
                    raise Conflict("staff_double_booked", f"{spec.staff} already has a shift "
                                   f"{clock(other.start_min)}-{clock(other.end_min)} that day")
            elif counter_id is not None and other.counter_id == counter_id and _overlap(spec.span, other_span):
                raise Conflict("counter_double_staffed", f"counter {spec.counter} is already planned "
                               f"{clock(other.start_min)}-{clock(other.end_min)} that day")


def _counter_numbers(s: Session, branch_id: int) -> dict[int, int]:
    return dict(s.execute(select(Counter.id, Counter.number).where(Counter.branch_id == branch_id)).all())


def shifts_between(s: Session, branch_id: int, first: dt.date, last: dt.date,
                   staff_id: int | None = None) -> list[dict]:
    """The shifts of days first..last (inclusive), by day, start and counter; one teller's with `staff_id`."""
    stmt = select(RosterShift).where(RosterShift.branch_id == branch_id, RosterShift.day >= first,
                                     RosterShift.day <= last)
    if staff_id is not None:
        stmt = stmt.where(RosterShift.staff_id == staff_id)
    rows = s.execute(stmt).scalars().all()
    staff = {u.id: u for u in s.execute(select(User).where(User.id.in_({r.staff_id for r in rows} or {-1}))).scalars()}
    counters = _counter_numbers(s, branch_id)
    views = [shift_view(r, counters, staff) for r in rows]
    return sorted(views, key=lambda v: (v["day"], v["from"] or "", v["counter"] or 0, v["staff"] or ""))


def plannable_staff(s: Session, branch_id: int) -> list[dict]:
    """Who may be put on the roster: the branch's active tellers and supervisors."""
    users = s.execute(select(User).where(User.branch_id == branch_id, User.active.is_(True),
                                         User.role.in_(ROSTER_ROLES)).order_by(User.username)).scalars()
    return [{"username": u.username, "name": u.display_name or u.username, "role": u.role} for u in users]
