"""The comment book (意見簿): customers' comments and what the branch did about them.

A comment arrives from the customer's ticket page with its rating (counter_ops.rate_ticket writes it
in the rating's own transaction), or on paper from the comment box (意見箱), registered by staff.
A supervisor then answers it, marks it handled and archives it; each step is one unit of work that
records who and when and publishes `comment.received` / `comment.updated` to the supervisor room
(docs/architecture.md, "The domain"). A comment's status follows from those steps:
open -> answered -> handled -> archived (answering is optional; archiving needs handled).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Comment
from .actors import Actor
from .clock import business_day, iso_utc
from .errors import Conflict, Invalid, NotFound
from .repository import branch_by_code

MAX_TEXT = 1000
MAX_REPLY = 2000
MAX_CONTACT = 120
STATUSES = ("open", "answered", "handled", "archived")
RECEIVED, UPDATED = "comment.received", "comment.updated"


def status_of(c: Comment) -> str:
    if c.archived_at:
        return "archived"
    if c.handled_at:
        return "handled"
    if c.replied_at:
        return "answered"
    return "open"


def comment_view(c: Comment) -> dict:
    return {"id": c.id, "business_day": c.business_day.isoformat(), "number": c.number or None,
            "source": c.source, "score": c.score, "text": c.text, "contact": c.contact,
            "received_at": iso_utc(c.received_at), "registered_by": c.registered_by, "status": status_of(c),
            "reply": c.reply, "replied_by": c.replied_by, "replied_at": iso_utc(c.replied_at) if c.replied_at else None,
            "handled_by": c.handled_by, "handled_at": iso_utc(c.handled_at) if c.handled_at else None,
            "archived_by": c.archived_by, "archived_at": iso_utc(c.archived_at) if c.archived_at else None}


def clean_text(text, limit: int, code: str = "invalid_comment", required: bool = True) -> str:
    value = (text or "").strip() if isinstance(text, str) else None
    if value is None or (required and not value) or len(value) > limit:
        raise Invalid(code, f"say it in 1-{limit} characters" if required else f"at most {limit} characters")
    return value


def list_comments(session: Session, branch_id: int, status: str | None = None, limit: int = 200) -> list[dict]:
    """Newest first; `status` filters (open, answered, handled, archived; default: all but archived)."""
    rows = session.execute(select(Comment).where(Comment.branch_id == branch_id)
                           .order_by(Comment.received_at.desc(), Comment.id.desc())).scalars()
    views = [comment_view(c) for c in rows]
    wanted = [v for v in views if (v["status"] == status if status else v["status"] != "archived")]
    return wanted[:limit]


def day_counts(session: Session, branch_id: int, first: dt.date, last: dt.date) -> dict:
    """Comments received in the period, how many were answered, and how many are still open."""
    rows = session.execute(select(Comment).where(Comment.branch_id == branch_id, Comment.business_day >= first,
                                                 Comment.business_day <= last)).scalars().all()
    statuses = [status_of(c) for c in rows]
    return {"received": len(rows), "answered": sum(1 for c in rows if c.replied_at),
            "open": statuses.count("open"), "from_ticket_page": sum(1 for c in rows if c.source == "ticket_page"),
            "on_paper": sum(1 for c in rows if c.source == "paper")}


class CommentOperations:
    """Registering, answering, handling and archiving comments, one unit of work each."""

    def __init__(self, uow_factory):
        self._uow = uow_factory

    def register(self, branch_code: str, actor: Actor, text: str, *, number: str = "", contact: str = "",
                 score: int | None = None, received_on: dt.date | None = None) -> dict:
        """A comment received on paper (the comment box), typed in by staff."""
        text = clean_text(text, MAX_TEXT)
        contact = clean_text(contact, MAX_CONTACT, "invalid_contact", required=False)
        number = clean_text(number, 16, "invalid_number", required=False)
        if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5):
            raise Invalid("invalid_score", "a rating is a whole number from 1 to 5")
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            today = business_day(uow.now, branch.timezone)
            if received_on is not None and received_on > today:
                raise Invalid("day_in_future", "that day has not started yet")
            comment = Comment(branch_id=branch.id, business_day=received_on or today, number=number,
                              source="paper", score=score, text=text, contact=contact, received_at=uow.now,
                              registered_by=actor.label, reply="")
            uow.session.add(comment)
            uow.session.flush()
            view = comment_view(comment)
            uow.emit(RECEIVED, branch, {"comment": view})
        return view

    def _change(self, branch_code: str, comment_id: int, change) -> dict:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            comment = uow.session.execute(select(Comment).where(Comment.id == comment_id,
                                                                Comment.branch_id == branch.id)
                                          .with_for_update()).scalar_one_or_none()
            if comment is None:
                raise NotFound("comment_not_found", f"no comment with id {comment_id}")
            if comment.archived_at:
                raise Conflict("comment_archived", "this comment is archived")
            change(comment, uow.now)
            uow.session.flush()
            view = comment_view(comment)
            uow.emit(UPDATED, branch, {"comment": view})
        return view

    def reply(self, branch_code: str, comment_id: int, actor: Actor, reply: str) -> dict:
        """The branch's answer (a later answer replaces it, with who and when)."""
        reply = clean_text(reply, MAX_REPLY, "invalid_reply")

        def answer(c: Comment, now: dt.datetime) -> None:
            c.reply, c.replied_by, c.replied_at = reply, actor.label, now

        return self._change(branch_code, comment_id, answer)

    def mark_handled(self, branch_code: str, comment_id: int, actor: Actor) -> dict:
        def handle(c: Comment, now: dt.datetime) -> None:
            if c.handled_at:
                raise Conflict("comment_handled", "this comment is already handled")
            c.handled_by, c.handled_at = actor.label, now

        return self._change(branch_code, comment_id, handle)

    def archive(self, branch_code: str, comment_id: int, actor: Actor) -> dict:
        def archive(c: Comment, now: dt.datetime) -> None:
            if not c.handled_at:
                raise Conflict("comment_not_handled", "mark the comment handled before archiving it")
            c.archived_by, c.archived_at = actor.label, now

        return self._change(branch_code, comment_id, archive)
