"""The roster (排班): planning and its rules, copying a week, the week against the staffing advice,
a teller's own schedule, and planned against actual counter time in the day report.

The test week is Monday 2026-03-02 (the hand-made day, 09:00 Taipei = 01:00 UTC) to Sunday 03-08. The demo
branch has no history before that day and no opening hours, so the advice uses the simulator's defaults:
30 customers an hour from 09:00 to 17:00, shared by the active services A, B, C, V (7.5 each) with their
default times 240, 480, 600, 420 s: a = 30 x 435 / 3600 = 3.625 erlangs. By Erlang C, 4 counters leave
C = 0.8 -> 80 % within 10 min fails; 5 counters: C = 0.39, share = 1 - 0.39 e^(-1.375 x 600/435) = 0.94,
over 20 min 30 x 0.39 e^(-3.79) = 0.26 per hour <= 0.5 -> 5 counters in each hour 9-16.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handmade import actor, at
from server.models import CounterSession
from server.reports.staffing import counters_needed

WEEK = "2026-03-02"
ROSTER = "/api/v1/branches/demo/roster"


@pytest.fixture
def sup(hub_clock, bearer):
    at(hub_clock, 0)
    return bearer("supervisor")


def plan(api, **fields):
    body = {"staff": "teller1", "day": WEEK, "kind": "counter", "counter": 1, "from": "09:00", "to": "17:00",
            **fields}
    return api.post(f"{ROSTER}/shifts", json={k: v for k, v in body.items() if v is not None})


def error(response, status: int) -> str:
    assert response.status_code == status, response.get_json()
    body = response.get_json()["error"]
    assert body["message"]
    return body["code"]


def test_a_planned_shift_with_its_break_counts_in_the_weeks_hours(sup):
    r = plan(sup, breaks=[{"from": "12:00", "to": "12:30"}], **{"from": "09:30"})
    assert r.status_code == 201, r.get_json()
    shift = r.get_json()
    assert (shift["staff"], shift["counter"], shift["from"], shift["to"], shift["worked_min"]) == \
        ("teller1", 1, "09:30", "17:00", 420)
    week = sup.get(f"{ROSTER}?week=2026-03-04").get_json()
    assert week["week"] == WEEK and [s["id"] for s in week["shifts"]] == [shift["id"]]
    monday = {h["hour"]: h for h in week["days"][0]["hours"]}
    assert week["days"][0]["source"] == "simulator_defaults" and week["days"][0]["history_days"] == 0
    assert sorted(monday) == list(range(9, 17))
    assert [monday[h]["planned"] for h in (9, 10, 12, 16)] == [0.5, 1.0, 0.5, 1.0]
    assert counters_needed(30, 435).servers == 5  # the module docstring's hand computation
    assert all(h["needed"] == 5 for h in monday.values())
    assert monday[9]["short"] == 4.5 and monday[10]["short"] == 4.0
    assert week["days"][0]["short_hours"] == 8
    assert week["days"][1]["hours"][0]["planned"] == 0  # Tuesday: nothing planned, all short


def test_planning_up_to_the_advice_clears_the_shortfall(sup):
    for n in range(1, 5):
        assert plan(sup, staff=f"teller{n}", counter=n).status_code == 201
    duty = plan(sup, staff="supervisor", counter=None, kind="duty", **{"from": "08:00", "to": "09:00"})
    assert duty.status_code == 201
    monday = sup.get(ROSTER).get_json()["days"][0]
    assert {h["planned"] for h in monday["hours"]} == {4.0} and {h["short"] for h in monday["hours"]} == {1.0}
    # The duty hour before opening has no counter: it counts nowhere.
    assert all(h["hour"] != 8 for h in monday["hours"])


def test_clashes_are_refused_with_clear_errors(sup):
    assert plan(sup).status_code == 201
    assert error(plan(sup, counter=2, **{"from": "16:00", "to": "18:00"}), 409) == "staff_double_booked"
    assert error(plan(sup, staff="teller2", **{"from": "08:00", "to": "09:30"}), 409) == "counter_double_staffed"
    assert plan(sup, staff="teller2", **{"from": "17:00", "to": "21:00"}).status_code == 201  # back to back is fine
    assert error(plan(sup, kind="rest", counter=None, **{"from": None, "to": None}), 409) == "rest_day"
    assert plan(sup, staff="teller3", kind="rest", counter=None, **{"from": None, "to": None}).status_code == 201
    assert error(plan(sup, staff="teller3", counter=3), 409) == "rest_day"


@pytest.mark.parametrize("fields, status, code", [
    ({"from": "17:00", "to": "09:00"}, 400, "invalid_time"),
    ({"to": "24:30"}, 400, "invalid_time"),
    ({"from": "9:00"}, 400, "invalid_value"),  # five characters, HH:MM
    ({"from": "09:60"}, 400, "invalid_time"),
    ({"breaks": [{"from": "08:00", "to": "08:30"}]}, 400, "invalid_break"),
    ({"breaks": [{"from": "12:00", "to": "13:00"}, {"from": "12:30", "to": "13:30"}]}, 400, "invalid_break"),
    ({"breaks": ["12:00"]}, 400, "invalid_break"),
    ({"counter": 99}, 400, "unknown_counter"),
    ({"counter": None}, 400, "invalid_counter"),
    ({"staff": "guide"}, 400, "unknown_staff"),
    ({"staff": "nobody"}, 400, "unknown_staff"),
    ({"kind": "duty"}, 400, "invalid_counter"),
    ({"kind": "holiday"}, 400, "invalid_kind"),
    ({"day": "2026-02-30"}, 400, "invalid_day"),
])
def test_bad_shifts(sup, fields, status, code):
    assert error(plan(sup, **fields), status) == code
    assert sup.get(ROSTER).get_json()["shifts"] == []


def test_changing_and_removing_a_shift(sup):
    first = plan(sup).get_json()
    second = plan(sup, staff="teller2", counter=2).get_json()
    # Moving teller2 onto counter 1 would double-staff it; moving teller1 away first frees it.
    moved = dict(staff="teller2", day=WEEK, kind="counter", counter=1, **{"from": "09:00", "to": "12:00"})
    assert error(sup.put(f"{ROSTER}/shifts/{second['id']}", json=moved), 409) == "counter_double_staffed"
    changed = sup.put(f"{ROSTER}/shifts/{first['id']}", json={**moved, "staff": "teller1", "counter": 3})
    assert changed.status_code == 200 and changed.get_json()["counter"] == 3
    assert sup.put(f"{ROSTER}/shifts/{second['id']}", json=moved).get_json()["counter"] == 1
    assert sup.client.delete(f"{ROSTER}/shifts/{first['id']}", headers=sup.headers).status_code == 200
    assert error(sup.client.delete(f"{ROSTER}/shifts/{first['id']}", headers=sup.headers), 404) == "shift_not_found"
    assert [s["id"] for s in sup.get(ROSTER).get_json()["shifts"]] == [second["id"]]


def test_copying_a_week_forward(sup, published):
    plan(sup, breaks=[{"from": "12:00", "to": "13:00"}])
    plan(sup, staff="teller2", day="2026-03-07", kind="rest", counter=None, **{"from": None, "to": None})
    r = sup.post(f"{ROSTER}/copy-week", json={"from_week": "2026-03-04", "to_week": "2026-03-09"})
    assert r.get_json() == {"copied": 2, "week": "2026-03-09"}
    copied = sup.get(f"{ROSTER}?week=2026-03-09").get_json()["shifts"]
    assert [(s["day"], s["staff"], s["kind"], s["from"], s["breaks"]) for s in copied] == [
        ("2026-03-09", "teller1", "counter", "09:00", [{"from": "12:00", "to": "13:00"}]),
        ("2026-03-14", "teller2", "rest", None, [])]
    again = sup.post(f"{ROSTER}/copy-week", json={"from_week": WEEK, "to_week": "2026-03-09"})
    assert error(again, 409) == "week_not_empty"
    replaced = sup.post(f"{ROSTER}/copy-week", json={"from_week": WEEK, "to_week": "2026-03-09", "replace": True})
    assert replaced.get_json()["copied"] == 2 and len(sup.get(f"{ROSTER}?week=2026-03-09").get_json()["shifts"]) == 2
    assert error(sup.post(f"{ROSTER}/copy-week", json={"from_week": WEEK, "to_week": WEEK}), 400) == "invalid_week"
    assert [e.data["week"] for e in published if e.name == "roster.changed"][-1] == "2026-03-09"


def test_a_teller_sees_their_own_schedule_this_week_and_next(sup, bearer):
    plan(sup)
    plan(sup, staff="teller2", counter=2)
    plan(sup, day="2026-03-10", counter=2, **{"from": "13:00", "to": "17:00"})
    plan(sup, day="2026-03-16")  # the week after next: not shown
    mine = bearer("teller1").get(f"{ROSTER}/mine").get_json()
    assert (mine["week"], mine["today"]) == (WEEK, WEEK)
    assert [(s["day"], s["counter"], s["from"]) for s in mine["shifts"]] == [(WEEK, 1, "09:00"),
                                                                             ("2026-03-10", 2, "13:00")]
    assert error(bearer("teller1").post(f"{ROSTER}/shifts", json={"staff": "teller1", "day": WEEK}), 403)
    assert bearer("teller1").get(ROSTER).status_code == 403


def test_the_day_report_sets_actual_counter_time_against_the_plan(handmade_day, sup, hub_clock, engine, db):
    # handmade day: teller1 opened counter 1 and teller2 counter 2 at minute 4 (09:04); nobody planned teller2.
    plan(sup, to="12:00")
    plan(sup, staff="teller3", counter=3, **{"from": "09:00", "to": "10:00"})
    at(hub_clock, 60)
    c2 = handmade_day["counters"][2]
    engine.close_counter(c2, actor(handmade_day, "teller2", "teller"))  # teller2 leaves at 10:00, nobody at the counter
    at(hub_clock, 94)
    report = sup.get(f"/api/v1/branches/demo/reports/day?date={WEEK}").get_json()
    rows = {(r["teller"], r["counter"]): r for r in report["roster"]}
    assert rows[("teller1", 1)] == {"teller": "teller1", "name": "Teller1", "counter": 1, "planned_min": 180,
                                    "actual_min": 90, "difference_min": -90}  # still open at 10:34
    assert (rows[("teller2", 2)]["planned_min"], rows[("teller2", 2)]["actual_min"]) == (0, 56)
    assert (rows[("teller3", 3)]["planned_min"], rows[("teller3", 3)]["actual_min"]) == (60, 0)
    assert sup.get(f"{ROSTER}/actual?date={WEEK}").get_json() == {"date": WEEK, "rows": report["roster"]}
    with db.read() as s:
        sessions = s.execute(select(CounterSession).order_by(CounterSession.id)).scalars().all()
    assert [(x.counter_id, x.closed_at is None) for x in sessions] == [(handmade_day["counters"][1], True),
                                                                      (c2, False)]
    csv = sup.get(f"/api/v1/branches/demo/reports/day?date={WEEK}&format=csv&table=roster")
    assert csv.status_code == 200, csv.get_data(as_text=True)
    assert csv.get_data(as_text=True).splitlines()[1:] == ["teller1,Teller1,1,180,90,-90", "teller2,Teller2,2,0,56,56",
                                                          "teller3,Teller3,3,60,0,-60"]
    printed = sup.get(f"/api/v1/branches/demo/reports/day?date={WEEK}&format=html&lang=en").get_data(as_text=True)
    assert 'id="roster"' in printed and "Planned (min)" in printed and "<td>-90</td>" in printed


def test_staffing_advice_on_a_new_branch_uses_the_simulator_defaults_and_says_so(sup):
    body = sup.get("/api/v1/branches/demo/staffing").get_json()
    assert body["source"] == "simulator_defaults"
    assert body["assumptions"] == {"arrivals_per_hour": 30.0, "hours": [9, 17], "service_time": "default_service_s"}
    assert body["history"]["to"] == WEEK  # today is in the window
    assert [(h["hour"], h["arrivals_per_hour"], h["counters"]) for h in body["hours"]][:2] == [(9, 30.0, 5),
                                                                                             (10, 30.0, 5)]


def test_todays_tickets_are_history_for_the_advice(sup, bearer, hub_clock):
    guide = bearer("guide")
    for _ in range(6):
        assert guide.post("/api/v1/branches/demo/tickets", json={"service": "A"}).status_code == 201
    body = sup.get("/api/v1/branches/demo/staffing").get_json()
    assert body["source"] == "history" and body["history"]["days_used"] == 1
    assert [(h["hour"], h["arrivals_per_hour"]) for h in body["hours"]] == [(9, 6.0)]


def test_the_day_close_ends_every_counter_session_and_the_closed_day_keeps_the_comparison(handmade_day, sup,
                                                                                          hub_clock, db):
    plan(sup, to="12:00")
    at(hub_clock, 120)  # 11:00: both counters still open since 09:04
    closed = sup.post("/api/v1/branches/demo/day-close", json={"date": WEEK})
    assert closed.status_code == 201, closed.get_json()
    with db.read() as s:
        ends = [x.closed_at for x in s.execute(select(CounterSession)).scalars()]
    assert len(ends) == 2 and all(end == hub_clock.now for end in ends)
    at(hub_clock, 300)  # later reads do not grow the closed sessions
    rows = {r["teller"]: r for r in sup.get(f"/api/v1/branches/demo/reports/day?date={WEEK}").get_json()["roster"]}
    assert (rows["teller1"]["planned_min"], rows["teller1"]["actual_min"]) == (180, 116)
    assert (rows["teller2"]["planned_min"], rows["teller2"]["actual_min"]) == (0, 116)


def test_a_branch_without_an_active_service_needs_no_counter(sup, bearer):
    admin = bearer("admin")
    for code in "ABCV":
        r = admin.client.patch(f"/api/v1/branches/demo/services/{code}", json={"active": False}, headers=admin.headers)
        assert r.status_code == 200, r.get_json()
    body = sup.get("/api/v1/branches/demo/staffing").get_json()
    assert (body["source"], body["hours"], body["assumptions"]["arrivals_per_hour"]) == ("simulator_defaults", [], 0.0)
    assert all(day["hours"] == [] for day in sup.get(ROSTER).get_json()["days"])
