"""Statistics of the hand-made day (see conftest.py) against answers worked out by hand."""
from __future__ import annotations

import pytest

from handmade import DAY, at


def row(rows: list[dict], key: str, value) -> dict:
    return next(r for r in rows if r[key] == value)


@pytest.fixture
def report(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)  # 10:00 Taipei: A005 has waited 30 min, past the 20-min target
    r = bearer("supervisor").get(f"/api/v1/branches/demo/reports/day?date={DAY}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_service_rows_settle_and_measure_the_day(report):
    a = row(report["services"], "service", "A")
    assert (a["issued"], a["done"], a["no_show"], a["cancelled"], a["transferred_out"], a["abandoned"], a["open"]) \
        == (5, 1, 1, 1, 1, 0, 1)
    assert a["balanced"] is True
    assert a["wait"] == {"count": 3, "mean_s": 340.0, "median_s": 300.0, "p90_s": 420.0, "max_s": 420.0}
    # A001, A002, A003 called within 20 min; A005 still waiting after 30 min is a miss; A004 left after 1 min.
    assert a["within_target"] == {"met": 3, "of": 4, "share": 0.75}
    assert a["service_time"] == {"count": 1, "mean_s": 240.0, "median_s": 240.0}
    assert a["satisfaction"]["rated"] == 1 and a["satisfaction"]["mean"] == 5.0
    assert a["satisfaction"]["response_rate"] == 1.0

    b = row(report["services"], "service", "B")
    assert (b["issued"], b["done"], b["wait"]["mean_s"], b["service_time"]["mean_s"]) == (1, 1, 660.0, 540.0)
    assert b["satisfaction"]["response_rate"] == 0.0 and b["satisfaction"]["mean"] is None


def test_transfer_counts_out_of_one_service_and_into_another(report):
    a = row(report["services"], "service", "A")
    c = row(report["services"], "service", "C")
    assert a["transferred_out"] == 1
    assert (c["issued_new"], c["transferred_in"], c["issued"], c["done"]) == (1, 1, 2, 2)
    # The follow-up's wait runs from the transfer (13 min) to its call (15 min), not from A003's issue.
    assert c["wait"] == {"count": 2, "mean_s": 300.0, "median_s": 300.0, "p90_s": 480.0, "max_s": 480.0}
    assert c["service_time"] == {"count": 2, "mean_s": 240.0, "median_s": 240.0}
    assert c["satisfaction"]["mean"] == 3.5 and c["satisfaction"]["distribution"] == \
        {"1": 0, "2": 0, "3": 1, "4": 1, "5": 0}


def test_totals(report):
    t = report["totals"]
    assert (t["issued"], t["issued_new"], t["transferred_in"]) == (8, 7, 1)
    assert (t["done"], t["no_show"], t["cancelled"], t["transferred_out"], t["abandoned"], t["open"]) == \
        (4, 1, 1, 1, 0, 1)
    # waits 120, 300, 300, 420, 480, 660 s
    assert t["wait"] == {"count": 6, "mean_s": 380.0, "median_s": 360.0, "p90_s": 660.0, "max_s": 660.0}
    assert t["within_target"] == {"met": 6, "of": 7, "share": 0.8571}
    assert t["service_time"] == {"count": 4, "mean_s": 315.0, "median_s": 270.0}
    assert t["satisfaction"] == {"rated": 3, "mean": 4.0, "distribution": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1},
                                 "response_rate": 0.75}
    assert report["balanced"] is True and report["problems"] == [] and report["day_close"] is None


def test_counter_and_teller_rows_count_tickets_handed_to_them(report):
    c1 = row(report["counters"], "counter", 1)
    assert (c1["issued"], c1["done"], c1["transferred_out"], c1["no_show"]) == (3, 2, 1, 0)
    assert c1["wait"]["mean_s"] == 460.0 and c1["wait"]["median_s"] == 420.0 and c1["wait"]["p90_s"] == 660.0
    assert c1["service_time"] == {"count": 2, "mean_s": 390.0, "median_s": 390.0}
    assert c1["satisfaction"]["response_rate"] == 0.5
    assert c1["pause"] == {"count": 1, "total_s": 600.0, "by_reason": {"lunch": {"count": 1, "total_s": 600.0}}}
    c2 = row(report["counters"], "counter", 2)
    assert (c2["issued"], c2["done"], c2["no_show"]) == (3, 2, 1)
    assert c2["satisfaction"]["mean"] == 3.5 and c2["pause"]["by_reason"] == {"break": {"count": 1, "total_s": 300.0}}
    assert row(report["counters"], "counter", 3)["issued"] == 0

    t1, t2 = row(report["tellers"], "teller", "teller1"), row(report["tellers"], "teller", "teller2")
    assert (t1["issued"], t1["done"], t1["pause"]["total_s"]) == (3, 2, 600.0)
    assert (t2["issued"], t2["done"], t2["no_show"], t2["pause"]["total_s"]) == (3, 2, 1, 300.0)
    nc = report["not_called"]
    assert (nc["issued"], nc["cancelled"], nc["open"]) == (2, 1, 1)
    assert sum(c["issued"] for c in report["counters"]) + nc["issued"] == report["totals"]["issued"]
    assert sorted((p["counter"], p["reason"], p["total_s"]) for p in report["pauses"]) == \
        [(1, "lunch", 600.0), (2, "break", 300.0)]


def test_hour_of_day_in_the_branch_time_zone(report):
    (nine,) = report["hours"]
    assert nine["hour"] == 9
    assert (nine["arrivals"], nine["transfers_in"], nine["called"], nine["served"], nine["no_show"]) == (7, 1, 6, 4, 1)
    assert nine["wait_mean_s"] == 380.0
    # Minutes waited in the hour: 5 + 5 + 11 + 7 + 8 + 2 + 1 + 30 = 69 -> 1.15 customers on average.
    assert nine["waiting_avg"] == 1.15 and nine["waiting_max"] == 5


def test_a_waiting_customer_counts_against_the_target_only_once_it_has_passed(handmade_day, hub_clock, bearer):
    at(hub_clock, 40)  # A005 has waited 10 of its 20 minutes
    body = bearer("supervisor").get(f"/api/v1/branches/demo/reports/day?date={DAY}").get_json()
    assert row(body["services"], "service", "A")["within_target"] == {"met": 3, "of": 3, "share": 1.0}


def test_staff_report_over_a_period(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)
    api = bearer("supervisor")
    body = api.get("/api/v1/branches/demo/reports/staff?from=2026-03-01&to=2026-03-31").get_json()
    assert body["period"]["days"] == 31
    assert row(body["tellers"], "teller", "teller1")["done"] == 2
    r = api.get("/api/v1/branches/demo/reports/staff?from=2026-03-05&to=2026-03-01")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_period"


def test_monthly_ranking_and_the_service_star(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)
    api = bearer("supervisor")
    body = api.get("/api/v1/branches/demo/reports/ranking?month=2026-03&min_rated=1").get_json()
    assert body["star"] == {"teller": "teller1", "name": "Teller1", "score": 100.0}
    t2 = row(body["tellers"], "teller", "teller2")
    # Both served 2 (volume index 1); teller2's mean 3.5 -> satisfaction index 0.625 -> 100 x (0.5 + 0.3125).
    assert (t2["rank"], t2["score"], t2["satisfaction_index"]) == (2, 81.25, 0.625)
    body = api.get("/api/v1/branches/demo/reports/ranking?month=2026-03&min_rated=2").get_json()
    assert body["star"]["teller"] == "teller2"
    t1 = row(body["tellers"], "teller", "teller1")
    assert t1["eligible"] is False and t1["rank"] is None and t1["score"] is None
    assert api.get("/api/v1/branches/demo/reports/ranking?month=2026-13").status_code == 400
    none = api.get("/api/v1/branches/demo/reports/ranking?month=2026-03").get_json()  # default 30 ratings
    assert none["star"] is None and none["rule"]["min_rated"] == 30


def test_chart_data(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)
    api = bearer("supervisor")
    hourly = api.get(f"/api/v1/branches/demo/charts/hourly?date={DAY}").get_json()
    assert hourly["hours"] == [{"hour": 9, "label": "09:00–10:00", "arrivals": 7, "served": 4, "waiting_avg": 1.15, "waiting_max": 5,
                                "wait_mean_s": 380.0}]
    waits = api.get(f"/api/v1/branches/demo/charts/wait-distribution?date={DAY}").get_json()
    counts = [(b["from_min"], b["count"]) for b in waits["bins"] if b["count"]]
    assert counts == [(0, 1), (5, 4), (10, 1)]  # waits of 2; 5, 5, 7, 8; 11 minutes
    assert waits["within_target_share"] == 1.0 and waits["targets_min"]["A"] == 20
    only_c = api.get(f"/api/v1/branches/demo/charts/wait-distribution?date={DAY}&service=C").get_json()
    assert only_c["total"] == 2
    sat = api.get(f"/api/v1/branches/demo/charts/satisfaction?from={DAY}&to={DAY}").get_json()
    assert [(t["teller"], t["rated"], t["mean"]) for t in sat["tellers"]] == [("teller1", 1, 5.0), ("teller2", 2, 3.5)]


def test_reports_are_for_the_supervisor_of_the_branch_and_admins(handmade_day, hub_clock, bearer):
    assert bearer("teller1").get(f"/api/v1/branches/demo/reports/day?date={DAY}").status_code == 403
    assert bearer("guide").get(f"/api/v1/branches/demo/charts/hourly?date={DAY}").status_code == 403
    assert bearer("admin").get(f"/api/v1/branches/demo/reports/day?date={DAY}").status_code == 200
    r = bearer("supervisor").get("/api/v1/branches/demo/reports/day?date=2026-02-30")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_date"
    assert bearer("supervisor").get("/api/v1/branches/nowhere/reports/day").status_code == 404
