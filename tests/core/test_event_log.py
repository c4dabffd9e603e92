"""The event log (outbox): every committed event is written in its own transaction with its seq, a
refused operation writes nothing, and pruning removes old rows in small batches."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from server.models import EventLogEntry
from server.queue import event_log
from server.queue.errors import DomainError


def _log(db) -> list[tuple[int, str]]:
    with db.read() as s:
        return [(r.seq, r.name) for r in s.execute(select(EventLogEntry).order_by(EventLogEntry.seq)).scalars()]


def test_every_committed_event_is_in_the_log_with_its_seq(engine, db, events, teller):
    before = _log(db)
    engine.issue("demo", "A", teller)
    engine.issue("demo", "B", teller)
    added = _log(db)[len(before):]
    assert added == [(e.seq, str(e.name)) for e in events]
    assert [seq for seq, _ in added] == list(range(added[0][0], added[0][0] + len(added)))
    with db.read() as s:
        row = s.get(EventLogEntry, (events[0].branch_id, events[0].seq))
        assert row.data == events[0].data


def test_a_refused_operation_writes_nothing_to_the_log(engine, db, teller):
    before = _log(db)
    with pytest.raises(DomainError):
        engine.issue("demo", "Z", teller)  # no such service
    assert _log(db) == before


def test_pruning_removes_rows_older_than_the_cutoff_in_batches(engine, db, clock, teller):
    for _ in range(4):
        engine.issue("demo", "A", teller)  # 8 events at the old time
    clock.advance(days=2)
    engine.issue("demo", "A", teller)  # 2 events, kept
    cutoff = clock() - dt.timedelta(days=1)
    removed = []
    while True:
        with db.write() as s:
            n = event_log.prune(s, cutoff, 3)
        removed.append(n)
        if n < 3:
            break
    assert removed == [3, 3, 2]
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(EventLogEntry)).scalar() == 2
