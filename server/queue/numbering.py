"""Ticket numbers: A001, A002 ... per service per business day, handed out atomically."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import NumberSequence


def format_number(service_code: str, seq: int) -> str:
    # Three digits as printed on most ticket rolls; grows past 999 instead of wrapping.
    return f"{service_code}{seq:03d}"


def next_seq(conn: Connection | Session, service_id: int, day: dt.date) -> int:
    """Atomically increment and return the day's counter for a service.

    An upsert with RETURNING is one statement on both SQLite and PostgreSQL, so two
    concurrent issuers can never read the same value.
    """
    dialect = conn.dialect.name if isinstance(conn, Connection) else conn.get_bind().dialect.name
    return conn.execute(_UPSERT[dialect], {"for_service": service_id, "for_day": day}).scalar_one()


def _upsert(insert):
    return (
        insert(NumberSequence)
        .values(service_id=bindparam("for_service"), business_day=bindparam("for_day"), last=1)
        .on_conflict_do_update(
            index_elements=[NumberSequence.service_id, NumberSequence.business_day],
            set_={"last": NumberSequence.last + 1},
        )
        .returning(NumberSequence.last)
    )


_UPSERT = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}


__all__ = ["format_number", "next_seq"]
