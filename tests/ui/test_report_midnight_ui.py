"""The supervisor's hourly chart for a day whose tickets were called after local midnight: the night shows
as 24:00–01:00 after 23:00, in every language (docs/architecture.md, "Reports across midnight").

Yesterday's evening is written through the real engine on a clock of the test's (the live hub serves it).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from server.db import Database
from server.models import Counter, User
from server.queue import QueueEngine
from server.queue.actors import Actor

DESK = {"width": 1440, "height": 900}
ZONE = ZoneInfo("Asia/Taipei")
SHOTS = Path(os.environ.get("COUNTERFLOW_SHOTS_DIR", "/tmp/shots-longrun"))


class Clock:
    def __init__(self):
        self.now = None

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def yesterday(hub, module_database_url) -> str:
    """Three tickets issued yesterday from 23:00 local, one called before midnight, two after."""
    day = dt.datetime.now(ZONE).date() - dt.timedelta(days=1)
    evening = dt.datetime.combine(day, dt.time(23, 0), tzinfo=ZONE).astimezone(dt.UTC).replace(tzinfo=None)
    db = Database(module_database_url)
    clock = Clock()
    engine = QueueEngine(db, publish=None, clock=clock)
    with db.read() as s:
        counter = s.execute(select(Counter.id).where(Counter.number == 1)).scalar_one()
        user = s.execute(select(User.id).where(User.username == "teller1")).scalar_one()
    teller = Actor(kind="user", name="teller1", user_id=user, role="teller")
    for minutes in (0, 10, 20):
        clock.now = evening + dt.timedelta(minutes=minutes)
        engine.issue("demo", "A", teller)
    clock.now = evening + dt.timedelta(minutes=30)
    engine.open_counter(counter, teller, user)
    for minutes in (40, 80, 110):  # 23:40, then 00:20 and 00:50 of the night after
        clock.now = evening + dt.timedelta(minutes=minutes)
        engine.call_next(counter, teller, complete_current=True)
    clock.now = evening + dt.timedelta(minutes=115)
    engine.complete(counter, teller)
    db.dispose()
    return day.isoformat()


@pytest.mark.parametrize("locale", ["zh-TW", "zh-CN", "en"])
def test_the_hourly_chart_lists_the_night_after_23_00(pages, yesterday, locale):
    page = pages.open("/supervisor/demo", viewport=DESK, locale=locale)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    page.locator("#sv-tab-reports").click()
    page.wait_for_function("() => window.counterflowSupervisor.reports.loaded")
    page.locator("#sv-day").fill(yesterday)
    page.locator("#sv-day").dispatch_event("change")
    page.wait_for_function("() => (window.counterflowSupervisor.charts.hourly?.data.labels || [])"
                           ".includes('24:00–01:00')")
    labels = page.evaluate("() => window.counterflowSupervisor.charts.hourly.data.labels")
    assert labels == ["23:00–24:00", "24:00–01:00"]  # not an "0:00" before 23:00
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#sv-chart-hourly-title").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"reports-midnight-{locale}.png"), full_page=True)
