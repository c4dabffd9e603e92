"""Audit records of sign-ins, refusals, lockouts, sign-outs and device-token changes (auth_events).

Written in the caller's session when there is one to commit with (a sign-in), or in a write of
their own when the caller's work is rolled back (a refused sign-in)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from .models import AuthEvent

KINDS = ("sign_in", "sign_in_failed", "sign_in_locked", "sign_out", "device_token_created",
         "device_token_revoked", "device_token_rotated", "teller_signed_out")


def record(session: Session, kind: str, at: dt.datetime, *, username: str | None = None,
           address: str | None = None, token_id: int | None = None, detail: str = "") -> None:
    assert kind in KINDS, kind
    session.add(AuthEvent(at=at, kind=kind, username=(username or None) and username[:64],
                          address=(address or None) and address[:64], token_id=token_id, detail=detail[:200]))
