"""Exports opened back with their own readers: the csv module, openpyxl, and the printable page."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from handmade import DAY, at


@pytest.fixture
def api(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)
    return bearer("supervisor")


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_day_report_csv_holds_the_settlement_of_every_row(api):
    rows = read_csv(api.get(f"/api/v1/branches/demo/reports/day?date={DAY}&format=csv"))
    by_scope = {(r["scope"], r["key"]): r for r in rows}
    a = by_scope[("service", "A")]
    assert (a["name"], a["issued"], a["done"], a["no_show"], a["cancelled"], a["transferred_out"], a["open"],
            a["balanced"]) == ("Personal", "5", "1", "1", "1", "1", "1", "true")
    assert float(a["wait_mean_s"]) == 340.0 and float(a["within_target_share"]) == 0.75
    assert by_scope[("counter", "1")]["issued"] == "3" and by_scope[("teller", "teller2")]["no_show"] == "1"
    total = by_scope[("total", "")]
    assert total["issued"] == "8" and float(total["satisfaction_mean"]) == 4.0 and total["score_5"] == "1"
    hours = read_csv(api.get(f"/api/v1/branches/demo/reports/day?date={DAY}&format=csv&table=hours"))
    assert [(h["hour"], h["arrivals"], h["waiting_max"]) for h in hours] == [("9", "7", "5")]
    assert api.get(f"/api/v1/branches/demo/reports/day?date={DAY}&format=csv&table=nope").status_code == 400
    assert api.get(f"/api/v1/branches/demo/reports/day?date={DAY}&format=pdf").status_code == 400


def test_day_report_xlsx_has_one_sheet_per_table(api):
    r = api.get(f"/api/v1/branches/demo/reports/day?date={DAY}&format=xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(r.data), read_only=True)
    assert book.sheetnames == ["settlement", "services", "counters", "tellers", "hours", "pauses", "emergencies",
                               "rounds", "comments", "appointments", "roster", "remote", "problems"]
    services = list(book["services"].iter_rows(values_only=True))
    header, rows = services[0], {row[0]: dict(zip(services[0], row)) for row in services[1:]}
    assert header[:3] == ("service", "name_zh", "name_en")
    assert rows["C"]["name_zh"] == "理財" and rows["C"]["transferred_in"] == 1 and rows["C"]["wait_p90_s"] == 480
    assert rows["A"]["balanced"] is True
    pauses = list(book["pauses"].iter_rows(values_only=True))
    assert sorted(pauses[1:]) == [(1, "teller1", "lunch", 1, 600), (2, "teller2", "break", 1, 300)]


def test_staff_ranking_and_staffing_exports(api):
    tellers = read_csv(api.get("/api/v1/branches/demo/reports/staff?from=2026-03-01&to=2026-03-31&format=csv"))
    assert [(t["teller"], t["done"]) for t in tellers] == [("teller1", "2"), ("teller2", "2")]
    ranking = read_csv(api.get("/api/v1/branches/demo/reports/ranking?month=2026-03&min_rated=1&format=csv"))
    assert [(r["rank"], r["teller"], r["star"]) for r in ranking] == [("1", "teller1", "true"), ("2", "teller2", "false")]
    r = api.get(f"/api/v1/branches/demo/staffing?weekday=mon&until={DAY}&format=xlsx")
    book = load_workbook(io.BytesIO(r.data), read_only=True)
    assert next(book["staffing"].iter_rows(values_only=True))[:5] == \
        ("hour", "arrivals_per_hour", "mean_service_s", "offered_load", "counters")


def test_printable_day_report(api):
    for path in (f"/api/v1/branches/demo/reports/day/{DAY}/print", f"/api/v1/branches/demo/reports/day?date={DAY}&format=html"):
        r = api.get(path)
        assert r.status_code == 200 and r.mimetype == "text/html"
        page = r.data.decode()
        assert "日結報表" in page and "@media print" in page  # one language: the default zh-Hant
        assert "示範分行" in page and "尚未日結" in page  # not closed yet
    api.post("/api/v1/branches/demo/day-close", json={})
    page = api.get(f"/api/v1/branches/demo/reports/day/{DAY}/print").data.decode()
    assert "user:supervisor" in page and "帳實相符" in page
