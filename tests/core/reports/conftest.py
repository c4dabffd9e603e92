"""Fixtures for the report tests: the hand-made day (see handmade.py) and fast bearer tokens."""
from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import select

from handmade import actor, at, ids
from server.auth import hash_token
from server.models import ApiToken, User


@pytest.fixture
def handmade_day(db, engine, clock):
    found = ids(db)
    c1, c2 = found["counters"][1], found["counters"][2]
    t1, t2 = actor(found, "teller1", "teller"), actor(found, "teller2", "teller")
    guide = actor(found, "guide", "guide")
    tickets = {}
    for minute, service in ((0, "A"), (1, "A"), (2, "B"), (3, "A"), (4, "C")):
        at(clock, minute)
        view = engine.issue("demo", service, guide)
        tickets[view["number"]] = view["id"]
    engine.open_counter(c1, t1, found["users"]["teller1"])
    engine.open_counter(c2, t2, found["users"]["teller2"])
    at(clock, 5); assert engine.call_next(c1, t1)["ticket"]["number"] == "A001"
    at(clock, 6); assert engine.call_next(c2, t2)["ticket"]["number"] == "A002"
    engine.start(c1, t1)
    at(clock, 10); engine.complete(c1, t1); engine.rate(c1, 5, t1)
    assert engine.call_next(c1, t1)["ticket"]["number"] == "A003"
    at(clock, 12); engine.no_show(c2, t2)
    assert engine.call_next(c2, t2)["ticket"]["number"] == "C001"
    at(clock, 13)
    follow_up = engine.transfer(c1, t1, to_service="C")["follow_up"]
    tickets["A003>C"] = follow_up["id"]
    assert engine.call_next(c1, t1)["ticket"]["number"] == "B001"
    at(clock, 15); engine.complete(c2, t2); engine.rate(c2, 3, t2)
    assert engine.call_next(c2, t2)["ticket"]["id"] == follow_up["id"]
    at(clock, 20); engine.complete(c2, t2); engine.rate(c2, 4, t2)
    at(clock, 21); engine.pause(c2, t2, "break")
    at(clock, 22); engine.complete(c1, t1)
    at(clock, 23); engine.pause(c1, t1, "lunch")
    at(clock, 25); tickets["A004"] = engine.issue("demo", "A", guide)["id"]
    at(clock, 26); engine.cancel(tickets["A004"], guide); engine.resume(c2, t2)
    at(clock, 30); tickets["A005"] = engine.issue("demo", "A", guide)["id"]
    at(clock, 33); engine.resume(c1, t1)
    return {**found, "tickets": tickets}


@pytest.fixture
def hub_clock(app, clock):
    """The API's engine runs on the test's clock."""
    app.extensions["counterflow"].engine.clock = clock
    return clock


class Caller:
    """An API caller holding a bearer token."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, json=None, **kw):
        return self.client.post(path, headers=self.headers, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.client.put(path, headers=self.headers, json=json, **kw)


@pytest.fixture
def bearer(app, client):
    """A signed-in caller without the (deliberately slow) password check: the token row is made directly."""

    def _make(username: str) -> Caller:
        token = secrets.token_urlsafe(24)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with app.extensions["counterflow"].db.write() as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one()
            s.add(ApiToken(token_hash=hash_token(token), user_id=user.id, branch_id=user.branch_id, created_at=now,
                           expires_at=now + dt.timedelta(hours=1)))
        return Caller(client, token)

    return _make
