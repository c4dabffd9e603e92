"""Staff accounts as the admin console changes them: create, change role/branch/name, deactivate or
reactivate, reset the password. Each change is audited in setup_changes (who, when, before -> after;
never a password) in the caller's transaction. Deactivating or resetting a password signs the
account out everywhere: its tokens are revoked, so its sockets lose their rooms too
(docs/architecture.md, "Security")."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import auth
from .models import ROLES, ApiToken, Branch, User
from .queue import setup_audit
from .queue.errors import Invalid, NotFound


def view(user: User, branch_code: str | None) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "branch": branch_code, "active": user.active}


def _code(session: Session, branch_id: int | None) -> str | None:
    return session.get(Branch, branch_id).code if branch_id is not None else None


def _user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username).with_for_update()).scalar_one_or_none()
    if user is None:
        raise NotFound("user_not_found", f"no staff account {username!r}")
    return user


def create(session: Session, now: dt.datetime, by: str, username: str, password: str, role: str,
           branch: Branch | None, display_name: str = "") -> dict:
    user = auth.create_user(session, username, password, role, branch.id if branch else None, display_name)
    created = view(user, branch.code if branch else None)
    setup_audit.record(session, now, by, user.branch_id, "user", username, "created", after=created)
    return created


def change(session: Session, now: dt.datetime, by: str, username: str, changes: dict) -> dict:
    """`changes`: role, branch (a code, or None for an admin), display_name, active."""
    user = _user(session, username)
    before = view(user, _code(session, user.branch_id))
    if "role" in changes:
        if changes["role"] not in ROLES:
            raise Invalid("invalid_role", f"role must be one of {', '.join(ROLES)}")
        user.role = changes["role"]
    if "branch" in changes:
        code = changes["branch"]
        user.branch_id = None
        if code:
            branch = session.execute(select(Branch).where(Branch.code == code)).scalar_one_or_none()
            if branch is None:
                raise NotFound("branch_not_found", f"no branch {code}")
            user.branch_id = branch.id
    if user.role != "admin" and user.branch_id is None:
        raise Invalid("branch_required", f"a {user.role} belongs to a branch")
    if "display_name" in changes:
        user.display_name = (changes["display_name"] or user.username)[:120]
    if "active" in changes:
        user.active = bool(changes["active"])
    # A role, branch or deactivation change takes effect now, not when the old sign-in expires.
    if any(before[k] != v for k, v in view(user, _code(session, user.branch_id)).items() if k != "display_name"):
        _sign_out_everywhere(session, user, now)
    after = view(user, _code(session, user.branch_id))
    # Filed under the account's branch after the change (a move shows in the new branch's log).
    setup_audit.record(session, now, by, user.branch_id, "user", username, "changed", before, after)
    return after


def reset_password(session: Session, now: dt.datetime, by: str, username: str, password: str) -> dict:
    if not password or len(password) < 4:
        raise Invalid("invalid_password", "password must be at least 4 characters")
    user = _user(session, username)
    user.password_hash = auth.hash_password(password)
    _sign_out_everywhere(session, user, now)
    setup_audit.record(session, now, by, user.branch_id, "user", username, "password_reset")
    return view(user, _code(session, user.branch_id))


def _sign_out_everywhere(session: Session, user: User, now: dt.datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now))
