"""Staff accounts, bearer tokens and who may do what.

Tokens are random strings shown once; only their SHA-256 is stored, so a copy of the database
does not let anyone sign in. Staff tokens expire; device tokens live until revoked.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .models import ROLES, ApiToken, Counter, User
from .queue.actors import Actor
from .queue.errors import Conflict, DomainError, Forbidden, Invalid

DEVICE_KINDS = ("kiosk", "display", "agent", "pad")
# Hash cost: pbkdf2 keeps sign-in fast enough for a kiosk of tellers while staying salted and slow.
PASSWORD_METHOD = "pbkdf2:sha256:200000"


class Unauthorized(DomainError):
    kind = "unauthorized"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request."""

    kind: str  # user | device
    name: str
    role: str | None  # staff role, or None for a device
    user_id: int | None
    branch_id: int | None
    device_kind: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(kind=self.kind, name=self.name, user_id=self.user_id, role=self.role, branch_id=self.branch_id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def in_branch(self, branch_id: int) -> bool:
        return self.is_admin or self.branch_id == branch_id


def create_user(session: Session, username: str, password: str, role: str, branch_id: int | None,
                display_name: str = "") -> User:
    if role not in ROLES:
        raise Invalid("invalid_role", f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise Invalid("invalid_username", "username: 1-64 letters, digits, '.', '-' or '_'")
    if not password or len(password) < 4:
        raise Invalid("invalid_password", "password must be at least 4 characters")
    if role != "admin" and branch_id is None:
        raise Invalid("branch_required", f"a {role} belongs to a branch")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict("user_exists", f"user {username} already exists")
    user = User(username=username, display_name=display_name or username, role=role, branch_id=branch_id,
                password_hash=generate_password_hash(password, method=PASSWORD_METHOD), active=True)
    session.add(user)
    session.flush()
    return user


def sign_in(session: Session, username: str, password: str, now: dt.datetime, ttl_hours: int) -> tuple[str, User]:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    # Same message for unknown user and wrong password: do not reveal which accounts exist.
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        raise Unauthorized("invalid_credentials", "wrong username or password")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=hash_token(token), user_id=user.id, branch_id=user.branch_id, created_at=now,
                         expires_at=now + dt.timedelta(hours=ttl_hours)))
    return token, user


def create_device_token(session: Session, name: str, kind: str, branch_id: int, now: dt.datetime) -> str:
    if kind not in DEVICE_KINDS:
        raise Invalid("invalid_device_kind", f"device kind must be one of {', '.join(DEVICE_KINDS)}")
    if not name or len(name) > 120:
        raise Invalid("invalid_device_name", "device name: 1-120 characters")
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=hash_token(token), device_name=name, device_kind=kind, branch_id=branch_id,
                         created_at=now))
    return token


def revoke_token(session: Session, token: str, now: dt.datetime) -> None:
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now


def authenticate(session: Session, token: str, now: dt.datetime) -> Principal:
    return authenticate_with_expiry(session, token, now)[0]


def authenticate_with_expiry(session: Session, token: str, now: dt.datetime) -> tuple[Principal, dt.datetime | None]:
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("invalid_token", "the token is unknown or was revoked; sign in again")
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized("token_expired", "the token has expired; sign in again")
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            raise Unauthorized("invalid_token", "the account is disabled")
        return Principal("user", user.username, user.role, user.id, user.branch_id), row.expires_at
    return Principal("device", row.device_name or "device", None, None, row.branch_id, row.device_kind), None


# ---------------------------------------------------------------------------- permissions
def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles and not principal.is_admin:
        raise Forbidden("forbidden", f"this needs the role {' or '.join(roles)}")


def require_branch(principal: Principal, branch_id: int) -> None:
    if not principal.in_branch(branch_id):
        raise Forbidden("wrong_branch", "you do not belong to this branch")


def may_issue(principal: Principal, branch_id: int, priority: str, channel: str) -> None:
    """Kiosks and staff issue tickets; only a guide or above hands out priority classes."""
    require_branch(principal, branch_id)
    if principal.kind == "device":
        if principal.device_kind not in ("kiosk", "agent"):
            raise Forbidden("forbidden", "this device may not issue tickets")
        if priority != "normal":
            raise Forbidden("priority_needs_staff", "priority tickets are issued by a guide")
        return
    if priority != "normal" and principal.role not in ("guide", "supervisor", "admin"):
        raise Forbidden("priority_needs_staff", "priority tickets are issued by a guide")


def may_act_on_counter(principal: Principal, counter, action: str) -> None:
    """A teller acts only on the counter they opened; supervisors on their branch; admins anywhere.
    `counter`: anything with branch_id, staff_id and number (the engine passes the locked row)."""
    require_branch(principal, counter.branch_id)
    if principal.kind == "device":
        if principal.device_kind == "agent":
            return  # a device agent relays keypad presses for the teller signed in there
        raise Forbidden("forbidden", "this device may not operate counters")
    if principal.role in ("supervisor", "admin"):
        return
    if principal.role != "teller":
        raise Forbidden("forbidden", "only tellers and supervisors operate counters")
    if action == "open":
        return
    if counter.staff_id != principal.user_id:
        raise Forbidden("not_your_counter", f"you are not signed in at counter {counter.number}")


class PrincipalCache:
    """Remembers authenticated tokens for a few seconds, so a busy counter does not pay a database
    read per request. Revocation in this process is immediate (`forget`); another hub process
    notices a revoked token within `ttl_s`."""

    def __init__(self, ttl_s: float = 10.0, max_entries: int = 10_000):
        import threading

        self.ttl_s, self.max_entries = ttl_s, max_entries
        self._entries: dict[str, tuple[float, Principal, dt.datetime | None]] = {}
        self._lock = threading.Lock()

    def get(self, token: str, now: dt.datetime) -> Principal | None:
        import time

        with self._lock:
            entry = self._entries.get(token)
        if entry is None:
            return None
        cached_at, principal, expires_at = entry
        if time.monotonic() - cached_at > self.ttl_s or (expires_at is not None and expires_at <= now):
            self.forget(token)
            return None
        return principal

    def put(self, token: str, principal: Principal, expires_at: dt.datetime | None) -> None:
        import time

        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[token] = (time.monotonic(), principal, expires_at)

    def forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token, None)
