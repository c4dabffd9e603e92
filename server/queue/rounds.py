"""The supervisor's rounds (巡視表): the branch's round sheets and the rounds done on them.

A round is one walk of the hall on one sheet (opening, midday, closing): every item is answered
"ok" or "problem" with a note; a problem may become a device fault (through the fault book the
caller passes in: the domain knows no devices) or a task with an owner. Each change is one unit of
work publishing `round.recorded` / `round.updated` / `round.sheet_changed` / `round.settings` to the
staff rooms.
The opening round with the device check makes the opening record (開業登記); a branch may require
both before `open` (server/devices/opening.py). See docs/architecture.md, "Rounds".
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Branch, Round, RoundChecklist
from . import setup_audit
from .actors import Actor
from .clock import business_day, iso_utc
from .errors import Invalid, NotFound
from .repository import branch_by_code
from .round_sheets import KINDS, clean_items, default_items

MAX_NOTE = 500
MAX_OWNER = 60
RECORDED, UPDATED = "round.recorded", "round.updated"  # updated: a task of the round was done
SHEET_CHANGED, SETTINGS = "round.sheet_changed", "round.settings"

# (unit of work, branch, actor, message, device id or None) -> the fault's id. Given by the caller:
# the fault book belongs to the device layer (docs/architecture.md, "Layers").
FaultReporter = Callable[..., int]


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound("round_kind_not_found", f"a round is one of {', '.join(KINDS)}")
    return kind


def sheet(session: Session, branch_id: int, kind: str) -> dict:
    """The branch's sheet for a kind of round: its own, or the default from the seed."""
    row = session.execute(select(RoundChecklist).where(RoundChecklist.branch_id == branch_id,
                                                       RoundChecklist.kind == kind)).scalar_one_or_none()
    if row is None:
        return {"kind": kind, "items": default_items(kind), "default": True, "updated_by": None, "updated_at": None}
    return {"kind": kind, "items": row.items, "default": False, "updated_by": row.updated_by,
            "updated_at": iso_utc(row.updated_at)}


def round_view(r: Round) -> dict:
    return {"id": r.id, "kind": r.kind, "business_day": r.business_day.isoformat(), "done_by": r.done_by,
            "done_at": iso_utc(r.done_at), "problems": r.problems, "answers": r.answers}


def rounds_between(session: Session, branch_id: int, first: dt.date, last: dt.date,
                   kind: str | None = None) -> list[dict]:
    stmt = select(Round).where(Round.branch_id == branch_id, Round.business_day >= first, Round.business_day <= last)
    if kind:
        stmt = stmt.where(Round.kind == kind)
    return [round_view(r) for r in session.execute(stmt.order_by(Round.done_at, Round.id)).scalars()]


def has_round(session: Session, branch_id: int, day: dt.date, kind: str) -> bool:
    return session.execute(select(Round.id).where(Round.branch_id == branch_id, Round.business_day == day,
                                                  Round.kind == kind).limit(1)).first() is not None


def _note(value, code: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise Invalid(code, f"at most {limit} characters")
    return value.strip()


def _answers(items: list[dict], given) -> list[dict]:
    """Every item of the sheet answered once; a problem says what is wrong."""
    if not isinstance(given, list):
        raise Invalid("invalid_answers", "answers is a list, one per item of the sheet")
    by_key = {}
    for answer in given:
        if not isinstance(answer, dict) or not isinstance(answer.get("key"), str):
            raise Invalid("invalid_answers", "each answer has the item's key")
        if answer["key"] in by_key:
            raise Invalid("invalid_answers", f"item {answer['key']!r} is answered twice")
        by_key[answer["key"]] = answer
    unknown = sorted(set(by_key) - {item["key"] for item in items})
    if unknown:
        raise Invalid("unknown_item", f"the sheet has no item {unknown[0]!r}", detail={"keys": unknown})
    missing = [item["key"] for item in items if item["key"] not in by_key]
    if missing:
        raise Invalid("items_unanswered", f"{len(missing)} item(s) not answered", detail={"keys": missing})
    answers = []
    for item in items:
        given_answer = by_key[item["key"]]
        ok = given_answer.get("ok")
        if not isinstance(ok, bool):
            raise Invalid("invalid_answers", f"item {item['key']!r}: ok is true or false")
        note = _note(given_answer.get("note"), "invalid_note", MAX_NOTE)
        owner = _note(given_answer.get("task_owner"), "invalid_task_owner", MAX_OWNER)
        fault = given_answer.get("fault")
        if not ok and not note:
            raise Invalid("problem_note_required", f"item {item['key']!r}: say what the problem is",
                          detail={"key": item["key"]})
        if ok and (owner or fault):
            raise Invalid("invalid_answers", f"item {item['key']!r}: only a problem becomes a fault or a task")
        if fault is not None and not isinstance(fault, dict):
            raise Invalid("invalid_answers", f"item {item['key']!r}: fault is an object, e.g. {{\"device\": 3}}")
        answers.append({"key": item["key"], "group": item["group"], "text": item["text"], "ok": ok, "note": note,
                        "fault": fault, "task": {"owner": owner, "done_at": None, "done_by": None} if owner else None})
    return answers


class RoundOperations:
    """Editing sheets, recording rounds and the branch's opening rule, one unit of work each."""

    def __init__(self, uow_factory, report_fault: FaultReporter | None = None):
        self._uow = uow_factory
        self._report_fault = report_fault

    def set_sheet(self, branch_code: str, kind: str, items, actor: Actor) -> dict:
        check_kind(kind)
        items = clean_items(items)
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            row = uow.session.execute(select(RoundChecklist).where(RoundChecklist.branch_id == branch.id,
                                                                   RoundChecklist.kind == kind)
                                      .with_for_update()).scalar_one_or_none()
            if row is None:
                row = RoundChecklist(branch_id=branch.id, kind=kind)
                uow.session.add(row)
            row.items, row.updated_by, row.updated_at = items, actor.label, uow.now
            uow.session.flush()
            view = sheet(uow.session, branch.id, kind)
            uow.emit(SHEET_CHANGED, branch, {"sheet": view})
        return view

    def record(self, branch_code: str, kind: str, given_answers, actor: Actor) -> dict:
        """One round done now by `actor`; problems marked for it become faults in the same transaction."""
        check_kind(kind)
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            answers = _answers(sheet(uow.session, branch.id, kind)["items"], given_answers)
            for answer in answers:
                if answer["fault"] is not None:
                    answer["fault"] = self._fault_for(uow, branch, actor, answer)
            done = Round(branch_id=branch.id, kind=kind, business_day=business_day(uow.now, branch.timezone),
                         done_by=actor.label, done_at=uow.now, problems=sum(1 for a in answers if not a["ok"]),
                         answers=answers)
            uow.session.add(done)
            uow.session.flush()
            view = round_view(done)
            uow.emit(RECORDED, branch, {"round": view})
        return view

    def _fault_for(self, uow, branch: Branch, actor: Actor, answer: dict) -> dict:
        if self._report_fault is None:
            raise Invalid("faults_unavailable", "faults cannot be reported here")
        device = answer["fault"].get("device")
        if device is not None and (isinstance(device, bool) or not isinstance(device, int)):
            raise Invalid("invalid_answers", f"item {answer['key']!r}: fault.device is a device id")
        message = f"{answer['text']['zh_Hant']} / {answer['text']['en']}: {answer['note']}"[:400]
        return {"id": self._report_fault(uow, branch, actor, message, device), "device": device}

    def finish_task(self, branch_code: str, round_id: int, key: str, actor: Actor) -> dict:
        """The owner of a task (or a supervisor) says it is done."""
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            done = uow.session.execute(select(Round).where(Round.id == round_id, Round.branch_id == branch.id)
                                       .with_for_update()).scalar_one_or_none()
            if done is None:
                raise NotFound("round_not_found", f"no round with id {round_id}")
            answers = [dict(a) for a in done.answers]
            answer = next((a for a in answers if a["key"] == key and a.get("task")), None)
            if answer is None:
                raise NotFound("task_not_found", f"round {round_id} has no task for item {key!r}")
            answer["task"] = {**answer["task"], "done_at": iso_utc(uow.now), "done_by": actor.label}
            done.answers = answers  # a new list: JSON columns notice reassignment, not mutation
            uow.session.flush()
            view = round_view(done)
            uow.emit(UPDATED, branch, {"round": view})
        return view

    def set_opening_rule(self, branch_code: str, requires_round: bool, actor: Actor) -> dict:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code, lock=True)
            before = {"opening_requires_round": branch.opening_requires_round}
            branch.opening_requires_round = requires_round
            # A branch setting like the hall settings: kept in the set-up audit (docs/architecture.md,
            # "Set-up and its audit").
            setup_audit.record(uow.session, uow.now, actor.label, branch.id, "branch", branch.code, "changed",
                               before, {"opening_requires_round": requires_round})
            view = {"opening_requires_round": requires_round, "changed_by": actor.label}
            uow.emit(SETTINGS, branch, view)
        return view
