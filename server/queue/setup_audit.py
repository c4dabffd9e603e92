"""The set-up audit (setup_changes): who changed which branch, service, counter, staff account,
device or device token, when, and the fields before -> after.

Written in the same transaction as the change it describes, so a change without its record (or a
record of a change that was rolled back) cannot exist. Callers hand over plain views (dicts); a
"changed" record keeps only the fields that differ. Passwords and tokens never appear in a view.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Branch, SetupChange

ENTITIES = ("branch", "service", "counter", "user", "device", "device_token")


def record(session: Session, at: dt.datetime, actor: str, branch_id: int | None, entity: str, key: str,
           action: str, before: dict | None = None, after: dict | None = None) -> SetupChange | None:
    """Add one audit row; a "changed" whose views are equal is no change and leaves no row."""
    assert entity in ENTITIES, entity
    if before is not None and after is not None:
        before, after = _differences(before, after)
        if not before and not after:
            return None
    row = SetupChange(at=at, actor=(actor or "unknown")[:120], branch_id=branch_id, entity=entity,
                      entity_key=str(key)[:120], action=action[:24], before=before, after=after)
    session.add(row)
    return row


def _differences(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def view(row: SetupChange, branch_code: str | None) -> dict:
    return {"id": row.id, "at": row.at.isoformat() + "Z", "actor": row.actor, "branch": branch_code,
            "entity": row.entity, "key": row.entity_key, "action": row.action, "before": row.before,
            "after": row.after}


def recent(session: Session, branch_id: int | None = None, limit: int = 100) -> list[dict]:
    """Newest first; `branch_id` None means every branch (and the records of no branch)."""
    stmt = (select(SetupChange, Branch.code).outerjoin(Branch, Branch.id == SetupChange.branch_id)
            .order_by(SetupChange.id.desc()).limit(limit))
    if branch_id is not None:
        stmt = stmt.where(SetupChange.branch_id == branch_id)
    return [view(row, code) for row, code in session.execute(stmt).all()]
