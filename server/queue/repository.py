"""Lookups that many operations and queries share, written once."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Branch, Counter, Ticket
from .errors import NotFound


def branch_by_code(session: Session, code: str, *, lock: bool = False) -> Branch:
    stmt = select(Branch).where(Branch.code == code)
    if lock:
        stmt = stmt.with_for_update()
    branch = session.execute(stmt).scalar_one_or_none()
    if branch is None:
        raise NotFound("branch_not_found", f"no branch with code {code!r}")
    return branch


def branch_id_by_code(session: Session, code: str) -> int:
    branch_id = session.execute(select(Branch.id).where(Branch.code == code)).scalar_one_or_none()
    if branch_id is None:
        raise NotFound("branch_not_found", f"no branch with code {code!r}")
    return branch_id


def counter_by_id(session: Session, counter_id: int) -> Counter:
    found = session.get(Counter, counter_id)
    if found is None:
        raise NotFound("counter_not_found", f"no counter with id {counter_id}")
    return found


def ticket_by_id(session: Session, ticket_id: int) -> Ticket:
    found = session.get(Ticket, ticket_id)
    if found is None:
        raise NotFound("ticket_not_found", f"no ticket with id {ticket_id}")
    return found
