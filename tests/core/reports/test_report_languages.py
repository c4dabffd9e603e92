"""Reports in the reader's language (zh-Hant, zh-Hans, en) through the translation catalogs, times in the
branch's zone, and the panel's report files (POST /supervisor/<code>/report-file) for the day report, the
staff report over a period and the monthly ranking with the service star."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from handmade import DAY, at


@pytest.fixture
def api(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)  # 02:00 UTC = 10:00 in Taipei
    return bearer("supervisor")


def report_file(api, **form):
    return api.client.post("/supervisor/demo/report-file", data={"token": api.headers["Authorization"][7:], **form})


@pytest.mark.parametrize("lang, title, lunch, settlement", [
    ("zh-Hant", "日結報表", "午餐", "帳實"),
    ("zh-Hans", "日结报表", "午餐", "账实"),
    ("en", "Day-end report", "Lunch", "Balanced"),
])
def test_printable_day_report_speaks_one_language_with_local_times(api, lang, title, lunch, settlement):
    page = api.get(f"/api/v1/branches/demo/reports/day?date={DAY}&format=html&lang={lang}").data.decode()
    assert f'<html lang="{lang}">' in page and title in page and settlement in page
    # Generated at 02:00 UTC: printed as the branch's 10:00, never as raw UTC with seconds.
    assert "2026-03-02 10:00" in page and "T02:00" not in page and "Z<" not in page
    # The pause reason code "lunch" is said in words; "break" (a teller's own word) stays as written.
    reasons = re.findall(r'<td class="l">[^<]*</td><td class="l">([^<]+)</td><td>\d+</td>', page)
    assert sorted(reasons) == sorted([lunch, "break"])
    others = {"zh-Hant": ["日结", "Day-end report"], "zh-Hans": ["日結報表", "Day-end report"],
              "en": ["日結報表", "日结报表"]}[lang]
    assert not any(word in page for word in others)


def test_closed_day_prints_the_close_time_in_the_branch_zone(api):
    assert api.post("/api/v1/branches/demo/day-close", json={"date": DAY}).status_code == 201
    page = api.get(f"/api/v1/branches/demo/reports/day/{DAY}/print?lang=en").data.decode()
    assert "Closed at: 2026-03-02 10:00" in page and "user:supervisor" in page


def test_spreadsheet_headers_in_words_when_a_language_is_asked(api):
    plain = api.get(f"/api/v1/branches/demo/reports/staff?from={DAY}&to={DAY}&format=csv")
    assert plain.data.decode("utf-8-sig").startswith("teller,name,issued,done")
    worded = api.get(f"/api/v1/branches/demo/reports/staff?from={DAY}&to={DAY}&format=csv&lang=zh-Hans")
    header = next(csv.reader(io.StringIO(worded.data.decode("utf-8-sig"))))
    assert header[:4] == ["柜员", "name", "发号", "完成"] and "平均等候 (s)" in header


def test_ranking_prints_with_its_service_star(api):
    page = api.get("/api/v1/branches/demo/reports/ranking?month=2026-03&min_rated=1&format=html&lang=zh-Hant")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.data.decode()
    assert "服務明星" in text and re.search(r'id="star">★ 服務明星: <b>[^<]+</b>', text)
    assert "2026-03-02 10:00" in text
    none = api.get("/api/v1/branches/demo/reports/ranking?month=2026-03&format=html&lang=en").data.decode()
    assert "No service star this month" in none  # 30 rated services needed by default


def test_panel_report_files_print_and_download_each_kind(api):
    day = report_file(api, kind="day", format="html", date=DAY, lang="zh-Hans")
    assert day.status_code == 200 and "日结报表" in day.data.decode()
    assert "attachment" not in day.headers.get("Content-Disposition", "")
    staff = report_file(api, kind="staff", format="csv", **{"from": DAY, "to": DAY}, lang="en")
    assert staff.status_code == 200 and staff.mimetype == "text/csv"
    assert staff.headers["Content-Disposition"] == \
        'attachment; filename="counterflow-demo-2026-03-02-2026-03-02-staff.csv"'
    rows = list(csv.DictReader(io.StringIO(staff.data.decode("utf-8-sig"))))
    assert sorted((r["Teller"], r["Done"]) for r in rows if r["Teller"]) == [("teller1", "2"), ("teller2", "2")]
    ranking = report_file(api, kind="ranking", format="xlsx", month="2026-03", lang="zh-Hant")
    assert ranking.status_code == 200 and ranking.mimetype.endswith("spreadsheetml.sheet")
    sheet = list(load_workbook(io.BytesIO(ranking.data), read_only=True)["ranking"].iter_rows(values_only=True))
    assert sheet[0][:3] == ("名次", "櫃員", "name") and sheet[0][-1] == "服務明星"
    assert {row[1] for row in sheet[1:]} == {"teller1", "teller2"}
    print_ranking = report_file(api, kind="ranking", format="html", month="2026-03", lang="en")
    assert "Monthly ranking and service star" in print_ranking.data.decode()


def test_panel_report_files_refuse_bad_forms_and_strangers(api, bearer):
    assert report_file(api, kind="week", format="csv").status_code == 400
    assert report_file(api, kind="day", format="pdf").status_code == 400
    assert report_file(api, kind="day", format="csv", date="2026-02-30").status_code == 400
    refused = api.client.post("/supervisor/demo/report-file", data={"token": "nope", "kind": "day"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"]
    teller = bearer("teller1")
    forbidden = api.client.post("/supervisor/demo/report-file",
                                data={"token": teller.headers["Authorization"][7:], "kind": "day"})
    assert forbidden.status_code == 403
