"""The supervisor panel's report section: the staff report over a period and the monthly ranking with the
service star shown in the panel, printed in a new tab and downloaded as CSV and XLSX, in zh-Hant, zh-Hans
and en. Screenshots of each language go to /tmp/shots-office/ (and var/screenshots/)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.ui.browser_support import PHONE, screenshot

DESK = {"width": 1440, "height": 900}
SHOTS = Path("/tmp/shots-office")
RATED = 30  # the ranking's default minimum of rated services for a star


def open_reports(pages, locale="zh-TW"):
    page = pages.open("/supervisor/demo", viewport=DESK, locale=locale)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    page.locator("#sv-tab-reports").click()
    return page


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#sv-rf").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    screenshot(page, name)


def serve_and_rate(staff, teller, cid, n, score):
    """n customers served at the counter, each rating from their own ticket page."""
    for _ in range(n):
        ticket = staff("guide").post("/branches/demo/tickets", {"service": "A"})
        teller.post(f"/counters/{cid}/call-next")
        teller.post(f"/counters/{cid}/start")
        teller.post(f"/counters/{cid}/complete")
        staff("guide").session.post(f"{staff('guide').base}/public/tickets/{ticket['tracking_token']}/rating",
                                    json={"score": score}, timeout=10).raise_for_status()


def test_staff_report_and_ranking_shown_printed_and_downloaded(pages, staff, teller_at):
    teller1, c1 = teller_at(1)
    teller2, c2 = teller_at(2)
    serve_and_rate(staff, teller1, c1, RATED, 5)
    serve_and_rate(staff, teller2, c2, 2, 3)
    today = dt.datetime.now(ZoneInfo("Asia/Taipei")).date()

    page = open_reports(pages)
    kind = page.locator("#sv-rf-kind")
    expect(page.locator("#sv-rf-summary")).to_contain_text(today.isoformat())  # the day report: print or download

    # The staff report over a period, in the panel.
    kind.select_option("staff")
    expect(page.locator("#sv-rf-from")).to_be_visible()
    page.locator("#sv-rf-from").fill(today.replace(day=1).isoformat())
    page.get_by_role("button", name="顯示", exact=True).click()
    row = page.locator('#sv-rf-table tr[data-teller="teller1"]')
    expect(row.locator(".sv-served")).to_have_text(str(RATED))
    expect(page.locator('#sv-rf-table tr[data-teller="teller2"] .sv-served')).to_have_text("2")
    expect(page.locator("#sv-rf-summary")).to_contain_text("2 位櫃員")
    shoot(page, "reports-staff-zh-Hant")

    # Downloaded as CSV, with headers in the panel's language.
    with page.expect_download() as download:
        page.get_by_role("button", name="下載 CSV").click()
    assert download.value.suggested_filename.endswith("-staff.csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert {(r["櫃員"], r["完成"]) for r in rows if r["櫃員"]} == {("teller1", str(RATED)), ("teller2", "2")}

    # The monthly ranking: teller1 has enough rated services and is the service star.
    kind.select_option("ranking")
    page.get_by_role("button", name="顯示", exact=True).click()
    expect(page.locator("#sv-rf-star")).to_contain_text(f"{today:%Y-%m} 服務明星：Teller1")
    expect(page.locator('#sv-rf-table tr.is-star')).to_have_attribute("data-teller", "teller1")
    expect(page.locator('#sv-rf-table tr[data-teller="teller2"] td').first).to_have_text("未列名")
    shoot(page, "reports-ranking-zh-Hant")

    with page.expect_download() as download:
        page.get_by_role("button", name="下載 Excel（XLSX）").click()
    assert download.value.suggested_filename == f"counterflow-demo-{today:%Y-%m}-ranking.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    sheet = list(book["ranking"].iter_rows(values_only=True))
    assert sheet[0][:2] == ("名次", "櫃員") and sheet[1][1] == "teller1" and sheet[1][-1] is True

    with page.expect_popup() as popup:
        page.get_by_role("button", name="列印", exact=True).click()
    printed = popup.value
    printed.wait_for_load_state()
    expect(printed.locator("#star")).to_contain_text("服務明星: Teller1")
    printed.screenshot(path=str(SHOTS / "reports-ranking-print-zh-Hant.png"))

    # Switching the panel to Simplified Chinese and English re-renders the section and prints in it.
    page.get_by_role("button", name="简体").click()
    expect(page.locator("#sv-rf-star")).to_contain_text("服务明星：Teller1")
    expect(page.locator("#sv-rf-title")).to_have_text("报表：查看、打印、下载")
    shoot(page, "reports-ranking-zh-Hans")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="打印", exact=True).click()
    expect(popup.value.locator("h1")).to_contain_text("月度排名与服务明星")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#sv-rf-star")).to_contain_text(f"Service star of {today:%Y-%m}: Teller1")
    shoot(page, "reports-ranking-en")
    kind.select_option("day")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Print", exact=True).click()
    day_page = popup.value
    day_page.wait_for_load_state()
    expect(day_page.locator("h1")).to_contain_text("Day-end report")
    # The time printed is the branch's wall clock, to the minute.
    expect(day_page.locator(".meta")).to_contain_text(re.compile(r"Generated: \d{4}-\d\d-\d\d \d\d:\d\d(?!:)"))
    day_page.screenshot(path=str(SHOTS / "reports-day-print-en.png"), full_page=True)


def test_the_comment_book_from_ticket_page_and_paper_to_archive(pages, staff, teller_at):
    teller3, c3 = teller_at(3)
    ticket = staff("guide").post("/branches/demo/tickets", {"service": "B"})
    teller3.post(f"/counters/{c3}/call-next")
    teller3.post(f"/counters/{c3}/complete")

    panel = open_reports(pages)
    expect(panel.locator("#sv-cb-list")).to_contain_text("這裡沒有意見。")

    # The customer rates from their phone and leaves a short comment with it.
    phone = pages.open(f"/t/{ticket['tracking_token']}", viewport=PHONE)
    phone.get_by_label("給分行的簡短意見").fill("櫃員很親切，等候區可以多放幾張椅子")
    phone.screenshot(path=str(SHOTS / "comment-ticket-page-zh-Hant.png"))
    phone.get_by_role("button", name="4 分").click()
    expect(phone.locator("#tp-rate-result")).to_have_text("感謝您的評分。")
    expect(phone.locator("#tp-comment-row")).to_be_hidden()

    # It reaches the panel live; a guide types in a comment card from the box.
    item = panel.locator("#sv-cb-list li[data-source], #sv-cb-list li").filter(has_text="多放幾張椅子")
    expect(item).to_have_attribute("data-status", "open")
    expect(item).to_contain_text("取號網頁")
    expect(item).to_contain_text("評分 4 / 5")
    panel.locator("#sv-cb-text").fill("希望延長中午的服務時間")
    panel.locator("#sv-cb-number").fill("A015")
    panel.get_by_role("button", name="登記", exact=True).click()
    paper = panel.locator("#sv-cb-list li").filter(has_text="延長中午")
    expect(paper).to_contain_text("紙本，票號 A015")

    item.get_by_role("textbox").fill("謝謝您的建議，已增加座椅。")
    item.get_by_role("button", name="送出回覆").click()
    expect(item).to_have_attribute("data-status", "answered")
    expect(item).to_contain_text("回覆：謝謝您的建議，已增加座椅。")
    shoot_cb(panel, "comment-book-zh-Hant")
    item.get_by_role("button", name="標示已處理").click()
    expect(item).to_have_attribute("data-status", "handled")
    panel.get_by_role("button", name="简体").click()
    expect(panel.locator("#sv-cb-title")).to_have_text("意见簿")
    shoot_cb(panel, "comment-book-zh-Hans")
    panel.get_by_role("button", name="English").click()
    expect(paper).to_contain_text("on paper, ticket A015")
    shoot_cb(panel, "comment-book-en")
    item.get_by_role("button", name="Archive").click()
    expect(panel.locator("#sv-cb-list li").filter(has_text="多放幾張椅子")).to_have_count(0)
    panel.locator("#sv-cb-filter").select_option("archived")
    expect(panel.locator('#sv-cb-list li[data-status="archived"]')).to_contain_text("多放幾張椅子")

    day = staff("supervisor").get("/branches/demo/reports/day")["comments"]
    assert (day["received"], day["answered"], day["open"]) == (2, 1, 1)


def shoot_cb(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#sv-cb").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_the_service_star_posted_on_the_lobby_display(pages, staff):
    # teller1's 30 rated services (the first test of this module) make them this month's star.
    panel = open_reports(pages)
    panel.locator("#sv-rf-kind").select_option("ranking")
    panel.get_by_role("button", name="顯示", exact=True).click()
    expect(panel.locator("#sv-ws-state")).to_have_text("大廳顯示屏目前沒有服務明星。")
    display = pages.open("/display/demo", viewport={"width": 1920, "height": 1080})
    expect(display.locator(".d-recent")).to_be_visible()
    expect(display.locator("#d-star")).to_be_hidden()

    panel.locator("#sv-ws-name").fill("王小明")
    panel.get_by_role("button", name="張貼於大廳顯示屏").click()
    expect(panel.locator("#sv-ws-state")).to_contain_text("大廳顯示屏正在輪播：王小明")
    shoot(panel, "wall-star-panel-zh-Hant")
    # The display shows it at once, in the recent calls' place, then takes turns with them.
    expect(display.locator("#d-star-name")).to_have_text("王小明")
    expect(display.locator("#d-star")).to_be_visible()
    expect(display.locator(".d-recent")).to_be_hidden()
    expect(display.locator("#d-star-month")).to_contain_text("服務明星")
    display.screenshot(path=str(SHOTS / "wall-star-display-zh-Hant.png"))
    expect(display.locator(".d-recent")).to_be_visible(timeout=12000)
    english = pages.open("/display/demo?lang=en", viewport={"width": 1920, "height": 1080}, locale="en-US")
    expect(english.locator("#d-star-month")).to_contain_text("Service star of")
    english.screenshot(path=str(SHOTS / "wall-star-display-en.png"))
    hans = pages.open("/display/demo?lang=zh-Hans", viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    expect(hans.locator("#d-star-month")).to_contain_text("服务明星")
    hans.screenshot(path=str(SHOTS / "wall-star-display-zh-Hans.png"))

    panel.get_by_role("button", name="從顯示屏撤下").click()
    expect(display.locator("#d-star")).to_be_hidden()
    expect(display.locator(".d-recent")).to_be_visible()
    assert staff("supervisor").get("/branches/demo/wall-star") == {"star": None}
