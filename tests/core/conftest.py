"""Fixtures for the hub: engine with an injectable clock, Flask test client, signed-in helpers."""
from __future__ import annotations

import datetime as dt

import pytest

from server.db import Database
from server.events import EventBus
from server.queue import QueueEngine
from server.queue.actors import Actor


class FakeClock:
    """A clock the test moves by hand (naive UTC, like the stored times)."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 3, 2, 1, 0, 0)):  # 09:00 in Taipei
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def events():
    return []


@pytest.fixture
def engine(db, clock, events):
    bus = EventBus()
    bus.subscribe(events.append)
    return QueueEngine(db, publish=bus.publish, clock=clock)


@pytest.fixture
def teller():
    return Actor(kind="user", name="teller1", user_id=1, role="teller")


@pytest.fixture
def client(app):
    return app.test_client()


class Api:
    """A signed-in API caller for tests."""

    def __init__(self, client, username: str, password: str = "demo"):
        self.client = client
        response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_json()
        self.token = response.get_json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, json=None, **kw):
        return self.client.post(path, headers=self.headers, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.client.put(path, headers=self.headers, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch(path, headers=self.headers, json=json, **kw)


@pytest.fixture
def signed_in(client):
    cache: dict[str, Api] = {}

    def _get(username: str) -> Api:
        if username not in cache:
            cache[username] = Api(client, username)
        return cache[username]

    return _get


@pytest.fixture
def hub(app):
    """The app's hub (engine, database, event bus, devices)."""
    return app.extensions["counterflow"]


@pytest.fixture
def published(hub):
    """Every event the hub publishes from now on."""
    seen = []
    hub.bus.subscribe(seen.append)
    yield seen
    hub.bus.unsubscribe(seen.append)
