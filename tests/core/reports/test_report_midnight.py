"""The night after midnight: a business day's tickets still called after local midnight stay in that day's
report, as hours 24, 25, ... after its hour 23, and the customers waiting then are counted in that day.

Driven over real HTTP (a threaded server around the app) with the engine on the test's clock, across the
local midnight of branch `demo` (Asia/Taipei, UTC+8): 2026-03-02 23:00 local is 15:00 UTC.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import requests
from werkzeug.serving import make_server

from server.reports.hourly import hour_label

EVENING = dt.datetime(2026, 3, 2, 15, 0)  # 23:00 in Taipei
OLD_DAY, NEW_DAY = "2026-03-02", "2026-03-03"


@pytest.fixture
def live(app, hub_clock):
    """The hub answering on a loopback port, its engine on the test's clock."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    thread.join(timeout=5)


def at_local(clock, hour: int, minute: int) -> None:
    """Move the clock to hour:minute local time of the night starting 2026-03-02 23:00 (hour 24 = 00:00)."""
    clock.now = EVENING + dt.timedelta(hours=hour - 23, minutes=minute)


def test_calls_after_midnight_stay_in_their_day_as_hour_24_with_the_waiting_counted(live, hub_clock, bearer):
    http = requests.Session()
    http.headers["Authorization"] = bearer("teller1").headers["Authorization"]
    reader = requests.Session()
    reader.headers["Authorization"] = bearer("supervisor").headers["Authorization"]
    counters = http.get(f"{live}/branches/demo/counters", timeout=10).json()["counters"]
    counter = next(c["id"] for c in counters if c["number"] == 1)

    def issue(hour: int, minute: int) -> dict:
        at_local(hub_clock, hour, minute)
        response = http.post(f"{live}/branches/demo/tickets", json={"service": "A"}, timeout=10)
        assert response.status_code == 201, response.json()
        return response.json()

    def call(hour: int, minute: int) -> str:
        at_local(hub_clock, hour, minute)
        response = http.post(f"{live}/counters/{counter}/call-next", json={"complete_current": True}, timeout=10)
        assert response.status_code == 200, response.json()
        return response.json()["ticket"]["number"]

    old = [issue(23, minute) for minute in (0, 10, 20, 30)]
    assert {t["business_day"] for t in old} == {OLD_DAY}
    at_local(hub_clock, 23, 35)
    assert http.post(f"{live}/counters/{counter}/open", timeout=10).status_code == 200
    assert call(23, 40) == old[0]["number"]
    new = [issue(24, 5), issue(24, 15)]  # after local midnight: numbered in the new day
    assert {t["business_day"] for t in new} == {NEW_DAY}
    # The old day's tickets are still called first, oldest first, after midnight.
    assert [call(24, 30), call(25, 0), call(25, 30)] == [t["number"] for t in old[1:]]
    assert [call(25, 45), call(26, 0)] == [t["number"] for t in new]

    old_report = reader.get(f"{live}/branches/demo/reports/day", params={"date": OLD_DAY}, timeout=10).json()
    hours = {h["hour"]: h for h in old_report["hours"]}
    assert [h["hour"] for h in old_report["hours"]] == [23, 24, 25]  # after hour 23, not an "hour 0" before it
    assert [h["label"] for h in old_report["hours"]] == ["23:00–24:00", "24:00–01:00", "25:00–02:00"]
    assert [hours[h]["arrivals"] for h in (23, 24, 25)] == [4, 0, 0]
    assert [hours[h]["called"] for h in (23, 24, 25)] == [1, 1, 2]
    # Waiting: four by 23:30, three after the 23:40 call, all three still there at midnight.
    # 24:00-01:00: three wait until 00:30, two until 01:00 -> 90 + 60 = 150 customer-minutes = 2.5 on average.
    assert hours[24]["waiting_max"] == 3 and hours[24]["waiting_avg"] == 2.5
    # 01:00-02:00: the call at 01:00 leaves one, waiting until 01:30 -> 30 customer-minutes.
    assert hours[25]["waiting_max"] == 1 and hours[25]["waiting_avg"] == 0.5
    assert hours[23]["waiting_max"] == 4

    new_report = reader.get(f"{live}/branches/demo/reports/day", params={"date": NEW_DAY}, timeout=10).json()
    assert [(h["hour"], h["label"], h["arrivals"], h["called"]) for h in new_report["hours"]] == [
        (0, "00:00–01:00", 2, 0), (1, "01:00–02:00", 0, 1), (2, "02:00–03:00", 0, 1)]
    # The new day counts only its own two customers, never the old day's still waiting in the hall.
    assert max(h["waiting_max"] for h in new_report["hours"]) == 2

    chart = reader.get(f"{live}/branches/demo/charts/hourly", params={"date": OLD_DAY}, timeout=10).json()
    assert [h["label"] for h in chart["hours"]] == ["23:00–24:00", "24:00–01:00", "25:00–02:00"]
    printable = reader.get(f"{live}/branches/demo/reports/day/{OLD_DAY}/print", timeout=10)
    assert printable.status_code == 200 and "24:00–01:00" in printable.text


def test_hour_labels_keep_counting_after_midnight():
    assert hour_label(9) == "09:00–10:00"
    assert hour_label(23) == "23:00–24:00"
    assert hour_label(24) == "24:00–01:00"
    assert hour_label(30) == "30:00–07:00"
