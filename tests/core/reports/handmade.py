"""The hand-made business day shared by the report tests: its script and the helpers to move its clock.

The day (branch `demo`, 2026-03-02, times in minutes after 09:00 Taipei = 01:00 UTC):
  0 A001, 1 A002, 2 B001, 3 A003, 4 C001 issued; counter 1 (A, B) opened by teller1, counter 2 (A, C) by teller2
  5 c1 calls A001 (wait 5 min); 6 c2 calls A002 (wait 5); 6 c1 starts A001
 10 c1 completes A001 (service 4 min), pad rates 5; c1 calls A003 (wait 7)
 12 c2: A002 no-show; c2 calls C001 (wait 8)
 13 c1 transfers A003 to service C (follow-up A003 in C); c1 calls B001 (wait 11)
 15 c2 completes C001 (service 3), rated 3; c2 calls the follow-up (wait 2, counted from the transfer)
 20 c2 completes the follow-up (service 5), rated 4
 21 c2 pauses "break"; 22 c1 completes B001 (service 9), not rated; 23 c1 pauses "lunch"
 25 A004 issued; 26 the guide cancels it; 26 c2 resumes; 30 A005 issued (still waiting); 33 c1 resumes
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from server.models import Counter, User
from server.queue.actors import Actor

START = dt.datetime(2026, 3, 2, 1, 0, 0)
DAY = "2026-03-02"


def at(clock, minute: float) -> None:
    clock.now = START + dt.timedelta(minutes=minute)


def ids(db) -> dict:
    with db.read() as s:
        counters = {n: i for i, n in s.execute(select(Counter.id, Counter.number))}
        users = {u: i for i, u in s.execute(select(User.id, User.username))}
    return {"counters": counters, "users": users}


def actor(found: dict, username: str, role: str) -> Actor:
    return Actor(kind="user", name=username, user_id=found["users"][username], role=role)
