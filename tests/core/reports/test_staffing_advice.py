"""Staffing advice from a known history: four Mondays of identical, hand-written traffic.

Each Monday (local time): 10:00-11:00 40 tickets of A; 11:00-12:00 15 of A; none 12:00-13:00; 13:00-14:00
8 of A and 4 of B. A takes exactly 4 minutes, B 8 minutes. By hand (Erlang C, target 80% within 10 min,
expected number per hour waiting over 20 min at most 0.5):
- 10h: a = 40 x 4/60 = 2.667 erlangs. 3 counters: C = 0.798, share within 10 min = 1 - 0.798 e^(-0.333x10/4)
  = 0.653, too few. 4 counters: C = 0.378, share = 1 - 0.378 e^(-1.333x10/4) = 0.987, over 20 min: 40 x
  0.378 e^(-6.67) = 0.02 per hour -> 4.
- 11h: a = 1.0: one counter is not even stable; 2 counters: C = 1/3, share = 1 - e^(-2.5)/3 = 0.973 -> 2.
- 13h: 12 per hour with mean (8x4 + 4x8)/12 = 5.33 min: a = 1.067 -> 2 (C = 0.36, share 0.94).
"""
from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import select

from handmade import at
from server.models import Branch, Counter, Service, Ticket

MONDAYS = [dt.date(2026, 2, 2), dt.date(2026, 2, 9), dt.date(2026, 2, 16), dt.date(2026, 2, 23)]
UTC_OFFSET = dt.timedelta(hours=8)  # Asia/Taipei


def _write_history(db):
    with db.write() as s:
        branch = s.execute(select(Branch).where(Branch.code == "demo")).scalar_one()
        services = {sv.code: sv.id for sv in s.execute(select(Service).where(Service.branch_id == branch.id)).scalars()}
        counter = s.execute(select(Counter.id).where(Counter.number == 1)).scalar_one()
        plan = [(10, "A", 40, 240), (11, "A", 15, 240), (13, "A", 8, 240), (13, "B", 4, 480)]
        busy_day = dt.date(2026, 2, 24)  # a Tuesday and a Monday before the window: both must be ignored
        days = [(d, plan) for d in MONDAYS] + [(busy_day, [(10, "A", 200, 240)]),
                                               (dt.date(2026, 1, 26), [(10, "A", 200, 240)])]
        for day, day_plan in days:
            seqs = {}
            for hour, code, count, service_s in day_plan:
                for i in range(count):
                    seq = seqs[code] = seqs.get(code, 0) + 1
                    arrived = dt.datetime.combine(day, dt.time(hour)) - UTC_OFFSET + dt.timedelta(seconds=i * 3600 / count)
                    called = arrived + dt.timedelta(seconds=30)
                    s.add(Ticket(branch_id=branch.id, service_id=services[code], business_day=day, seq=seq,
                                 number=f"{code}{seq:03d}", priority=2, channel="kiosk", status="done",
                                 public_token=secrets.token_urlsafe(16), created_at=arrived, arrived_at=arrived,
                                 called_at=called, started_at=called,
                                 finished_at=called + dt.timedelta(seconds=service_s), counter_id=counter,
                                 transfer_gen=0, recall_count=0, requeue_count=0))


@pytest.fixture
def api(db, hub_clock, bearer):
    _write_history(db)
    at(hub_clock, 0)  # Monday 2026-03-02 09:00
    return bearer("supervisor")


def test_counters_needed_per_hour_from_four_mondays(api):
    body = api.get("/api/v1/branches/demo/staffing?weekday=mon&weeks=4").get_json()
    # The history runs up to and including today (Monday 2026-03-02, no tickets yet).
    assert body["history"] == {"from": "2026-02-02", "to": "2026-03-02", "weeks": 4, "days_used": 4, "tickets": 268}
    assert body["source"] == "history" and body["assumptions"] is None
    hours = {h["hour"]: h for h in body["hours"]}
    assert sorted(hours) == [10, 11, 12, 13]
    assert (hours[10]["arrivals_per_hour"], hours[10]["mean_service_s"], hours[10]["counters"]) == (40.0, 240.0, 4)
    assert hours[10]["share_within_target"] == pytest.approx(0.987, abs=0.001)
    assert hours[10]["prob_wait"] == pytest.approx(0.378, abs=0.001)
    assert (hours[11]["arrivals_per_hour"], hours[11]["counters"]) == (15.0, 2)
    assert hours[11]["prob_wait"] == pytest.approx(1 / 3, abs=1e-4)
    assert (hours[12]["arrivals_per_hour"], hours[12]["counters"]) == (0.0, 0)
    assert (hours[13]["arrivals_per_hour"], hours[13]["mean_service_s"], hours[13]["counters"]) == (12.0, 320.0, 2)
    assert body["counters_available"] == 4 and all(h["shortfall"] == 0 for h in body["hours"])
    assert body["mean_service_s"] == {"A": 240.0, "B": 480.0, "C": 600.0, "V": 420.0}  # C, V: configured defaults


def test_a_stricter_target_and_one_service(api):
    strict = api.get("/api/v1/branches/demo/staffing?weekday=0&weeks=4&target_share=0.99&target_wait_min=2")
    # 99% within 2 min at 10h: 6 counters leave 0.062 e^(-3.333x2/4) = 1.2% over 2 min; 7 leave 0.24%.
    assert {h["hour"]: h["counters"] for h in strict.get_json()["hours"]}[10] == 7
    only_b = api.get("/api/v1/branches/demo/staffing?weekday=monday&weeks=4&service=B").get_json()
    # B alone: 4 per hour x 8 min, a = 0.533. One counter: share = 1 - 0.533 e^(-0.467x10/8) = 0.70 -> 2.
    assert [(h["hour"], h["arrivals_per_hour"], h["counters"]) for h in only_b["hours"]] == [(13, 4.0, 2)]
    assert only_b["counters_available"] == 2  # counters 1 and 3 serve B


def test_bad_staffing_queries(api):
    for query in ("weekday=funday", "weeks=0", "target_share=2", "service=Z", "until=yesterday"):
        r = api.get(f"/api/v1/branches/demo/staffing?{query}")
        assert r.status_code == 400, query
