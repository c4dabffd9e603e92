"""Staff accounts, bearer tokens and who may do what.

Tokens are random strings shown once; only their SHA-256 is stored, so a copy of the database
does not let anyone sign in. Staff tokens expire; device tokens live until revoked or their optional
expiry. Passwords: argon2id (docs/architecture.md, "Security"); PBKDF2 hashes from before are
verified once more and replaced at the next successful sign-in.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

from .models import ROLES, ApiToken, User
from .queue.actors import Actor
from .queue.errors import Conflict, DomainError, Invalid

DEVICE_KINDS = ("kiosk", "display", "agent", "pad")
# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): memory-hard, ~20 ms a sign-in.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY_HASH: list[str] = []


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches. With no stored hash (unknown user) a dummy hash is verified, so an
    unknown username costs the same time as a known one and cannot be told apart."""
    if not stored:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(HASHER.hash(secrets.token_urlsafe(16)))
        stored = _DUMMY_HASH[0]
        password = password + "\x00never"
    if stored.startswith("pbkdf2:"):
        return check_password_hash(stored, password)
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return not stored.startswith("$argon2") or HASHER.check_needs_rehash(stored)


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
                password_hash=hash_password(password), active=True)
    session.add(user)
    session.flush()
    return user


def sign_in(session: Session, username: str, password: str, now: dt.datetime, ttl_hours: int) -> tuple[str, User]:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    # Same message and the same work for an unknown user and a wrong password: do not reveal which
    # accounts exist (verify_password checks a dummy hash when there is no user).
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not user.active or not matches:
        raise Unauthorized("invalid_credentials", "wrong username or password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)  # an old PBKDF2 hash becomes argon2id now
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=hash_token(token), user_id=user.id, branch_id=user.branch_id, created_at=now,
                         expires_at=now + dt.timedelta(hours=ttl_hours)))
    return token, user


def create_device_token(session: Session, name: str, kind: str, branch_id: int, now: dt.datetime,
                        expires_at: dt.datetime | None = None) -> str:
    return create_device_token_row(session, name, kind, branch_id, now, expires_at)[0]


def create_device_token_row(session: Session, name: str, kind: str, branch_id: int, now: dt.datetime,
                            expires_at: dt.datetime | None = None) -> tuple[str, ApiToken]:
    if kind not in DEVICE_KINDS:
        raise Invalid("invalid_device_kind", f"device kind must be one of {', '.join(DEVICE_KINDS)}")
    if not name or len(name) > 120:
        raise Invalid("invalid_device_name", "device name: 1-120 characters")
    token = secrets.token_urlsafe(32)
    row = ApiToken(token_hash=hash_token(token), device_name=name, device_kind=kind, branch_id=branch_id,
                   created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    return token, row


def revoke_token(session: Session, token: str, now: dt.datetime) -> ApiToken | None:
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    return row


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
    return Principal("device", row.device_name or "device", None, None, row.branch_id, row.device_kind), row.expires_at


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

    def clear(self) -> None:
        """A token revoked by id (device tokens): the cache cannot tell which entry it was."""
        with self._lock:
            self._entries.clear()
