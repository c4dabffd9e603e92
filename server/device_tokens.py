"""Device tokens (kiosk, display, agent, pad): list, create with an optional expiry, revoke, rotate.

Used by the API (admin) and the CLI alike; every change leaves an audit record (server/audit.py).
Rotation issues a new token for the same device and revokes the old one in one transaction, so a
token copied from a kiosk URL stops working the moment the new one is handed out.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, auth
from .models import ApiToken, Branch
from .queue import setup_audit
from .queue.errors import NotFound


def view(row: ApiToken, code: str | None, now: dt.datetime) -> dict:
    expired = row.expires_at is not None and row.expires_at <= now
    return {"id": row.id, "name": row.device_name, "kind": row.device_kind, "branch": code,
            "created_at": row.created_at.isoformat() + "Z",
            "expires_at": row.expires_at.isoformat() + "Z" if row.expires_at else None,
            "revoked_at": row.revoked_at.isoformat() + "Z" if row.revoked_at else None,
            "active": row.revoked_at is None and not expired}


def list_tokens(session: Session, now: dt.datetime, branch_id: int | None = None) -> list[dict]:
    stmt = (select(ApiToken, Branch.code).join(Branch, Branch.id == ApiToken.branch_id)
            .where(ApiToken.device_name.is_not(None)).order_by(ApiToken.id))
    if branch_id is not None:
        stmt = stmt.where(ApiToken.branch_id == branch_id)
    return [view(row, code, now) for row, code in session.execute(stmt).all()]


def create(session: Session, name: str, kind: str, branch: Branch, now: dt.datetime, *,
           expires_in_days: int | None = None, by: str = "") -> tuple[str, dict]:
    expires_at = now + dt.timedelta(days=expires_in_days) if expires_in_days else None
    token, row = auth.create_device_token_row(session, name, kind, branch.id, now, expires_at)
    audit.record(session, "device_token_created", now, username=by, token_id=row.id, detail=f"{kind} {name}")
    session.flush()
    created = view(row, branch.code, now)
    setup_audit.record(session, now, by, branch.id, "device_token", name, "created", after=_audit(created))
    return token, created


def _device_row(session: Session, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or row.device_name is None:
        raise NotFound("token_not_found", f"no device token with id {token_id}")
    return row


def revoke(session: Session, token_id: int, now: dt.datetime, *, by: str = "") -> dict:
    row = _device_row(session, token_id)
    code = session.get(Branch, row.branch_id).code
    if row.revoked_at is None:
        before = view(row, code, now)
        row.revoked_at = now
        audit.record(session, "device_token_revoked", now, username=by, token_id=row.id,
                     detail=f"{row.device_kind} {row.device_name}")
        setup_audit.record(session, now, by, row.branch_id, "device_token", row.device_name, "revoked",
                           _audit(before), _audit(view(row, code, now)))
    return view(row, code, now)


def rotate(session: Session, token_id: int, now: dt.datetime, *, expires_in_days: int | None = None,
           by: str = "") -> tuple[str, dict]:
    """A new token for the same device; the old one is revoked. Without `expires_in_days` the new
    token keeps the old one's lifetime length, if it had one."""
    old = _device_row(session, token_id)
    if expires_in_days is None and old.expires_at is not None:
        lifetime = old.expires_at - old.created_at
    else:
        lifetime = dt.timedelta(days=expires_in_days) if expires_in_days else None
    if old.revoked_at is None:
        old.revoked_at = now
    token, row = auth.create_device_token_row(session, old.device_name, old.device_kind, old.branch_id, now,
                                              now + lifetime if lifetime else None)
    audit.record(session, "device_token_rotated", now, username=by, token_id=row.id,
                 detail=f"{row.device_kind} {row.device_name}: replaces token {old.id}")
    session.flush()
    code = session.get(Branch, row.branch_id).code
    setup_audit.record(session, now, by, row.branch_id, "device_token", row.device_name, "rotated",
                       {"id": old.id}, _audit(view(row, code, now)))
    return token, view(row, code, now)


def _audit(token_view: dict) -> dict:
    """A token's audit fields: never the token itself (only its hash is stored anyway)."""
    return {k: token_view[k] for k in ("id", "kind", "expires_at", "revoked_at", "active")}
