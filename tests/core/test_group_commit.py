"""SQLite group commit: concurrent units share one commit, a failing unit fails alone, and nobody is
answered before the commit that holds their change."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select, text

from server.db import Database
from server.models import Ticket


@pytest.fixture
def sqlite_db(tmp_path):
    from server import migrate
    from server.demo import ensure_demo

    url = f"sqlite:///{tmp_path / 'group.db'}"
    migrate.upgrade(url)
    database = Database(url)
    ensure_demo(database)
    yield database
    database.dispose()


def test_concurrent_writers_share_commits_and_each_change_is_committed_before_its_answer(sqlite_db):
    commits = []
    event.listen(sqlite_db.write_engine, "commit", lambda conn: commits.append(1))
    answered_but_missing = []
    start = threading.Barrier(16)

    def writer(i: int) -> None:
        start.wait()
        for j in range(25):
            key = f"{i}-{j}"
            with sqlite_db.write() as s:
                s.execute(text("INSERT INTO branches (code, name_zh, name_en, timezone, event_seq, "
                               "display_message, config_version) VALUES (:c, 'x', 'x', 'UTC', 0, '', 0)"),
                          {"c": f"g{key}"})
            with sqlite_db.read() as s:  # answered: it must be visible to a new reader at once
                if s.execute(text("SELECT 1 FROM branches WHERE code = :c"), {"c": f"g{key}"}).first() is None:
                    answered_but_missing.append(key)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with sqlite_db.read() as s:
        created = s.execute(text("SELECT count(*) FROM branches WHERE code LIKE 'g%'")).scalar_one()
    assert created == 16 * 25
    assert answered_but_missing == []
    assert len(commits) < 16 * 25, "no commit was shared"


def test_a_failing_unit_is_rolled_back_alone_while_the_others_commit(sqlite_db):
    start = threading.Barrier(8)
    errors = []

    def writer(i: int) -> None:
        start.wait()
        for j in range(20):
            try:
                with sqlite_db.write() as s:
                    s.execute(text("INSERT INTO branches (code, name_zh, name_en, timezone, event_seq, "
                                   "display_message, config_version) VALUES (:c, 'x', 'x', 'UTC', 0, '', 0)"),
                              {"c": f"f{i}-{j}"})
                    if j % 2:
                        raise ValueError("refused")
            except ValueError:
                errors.append((i, j))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with sqlite_db.read() as s:
        codes = set(s.execute(text("SELECT code FROM branches WHERE code LIKE 'f%'")).scalars())
    assert len(errors) == 8 * 10
    assert codes == {f"f{i}-{j}" for i in range(8) for j in range(0, 20, 2)}


def test_engine_operations_in_parallel_hand_out_unique_numbers(sqlite_db):
    from server.queue import QueueEngine
    from server.queue.actors import SYSTEM

    engine = QueueEngine(sqlite_db)
    numbers = []
    lock = threading.Lock()

    def issue() -> None:
        for _ in range(30):
            view = engine.issue("demo", "A", SYSTEM)
            with lock:
                numbers.append(view["number"])

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(numbers) == len(set(numbers)) == 240
    with sqlite_db.read() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 240
