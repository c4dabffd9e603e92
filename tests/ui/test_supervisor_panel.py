"""The supervisor panel as the duty supervisor uses it: the hall live, alerts and faults, the opening
check, emergency mode, the display's message line, the day's numbers and charts, and the day close.

This module's hub simulates every demo device (printer, LED displays, pads, keypad), so the devices
tab and the opening check show real device states and a rating comes from a simulated pad press.
The day close locks the day, so it runs last.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.live_hub import LiveHub
from tests.ui.browser_support import SCREENSHOTS, screenshot
from tests.ui.test_accessibility import serious_violations

DESK = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def hub(module_database_url, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("hub-log") / "hub.log"
    with LiveHub(module_database_url, log_path=log_path, extra_args=["--simulate-devices"],
                 env={"COUNTERFLOW_ALERT_INTERVAL_S": "1"}) as live:
        yield live


def open_panel(pages, username="supervisor", **options):
    page = pages.open("/supervisor/demo", viewport=DESK, **options)
    page.locator("#sv-user").fill(username)
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    return page


def test_the_hall_live_alerts_faults_opening_emergency_and_message(pages, staff, teller_at):
    teller1, c1 = teller_at(1)
    teller2, c2 = teller_at(2)
    page = open_panel(pages)

    issued = staff("guide").post("/branches/demo/tickets", {"service": "A"})
    called = teller1.post(f"/counters/{c1}/call-next")["ticket"]
    row = page.locator('#sv-counters tr[data-counter="1"]')
    expect(row.locator(".sv-ticket")).to_contain_text(called["number"])
    expect(row.locator(".sv-teller")).to_have_text("Teller1")
    assert called["number"] == issued["number"]
    teller2.post(f"/counters/{c2}/pause", {"reason": "meeting"})
    paused = page.locator('#sv-counters tr[data-counter="2"]')
    expect(paused).to_have_attribute("data-state", "paused")
    expect(paused.locator(".sv-pause")).to_have_text(re.compile(r"會議，已 00:0\d"))
    staff("guide").post("/branches/demo/tickets", {"service": "B"})
    expect(page.locator('#sv-queues tr[data-service="B"] .sv-waiting')).to_have_text("1")

    # A guide reports the ticket machine jammed: an alert to acknowledge, a fault to handle.
    fault = staff("guide").post("/faults", {"message": "取號機卡紙", "device": "printer-1"})
    alert = page.locator('#sv-alerts li[data-kind="device_fault"]')
    expect(alert).to_contain_text("設備故障：printer-1：取號機卡紙")  # the device named once
    screenshot(page, "supervisor-live")
    alert.get_by_role("button", name="確認").click()
    expect(alert).to_contain_text("已由 supervisor 確認")

    page.get_by_role("tab", name=re.compile("設備與開業")).click()
    item = page.locator(f'#sv-faults li[data-fault="{fault["id"]}"]')
    item.locator('[data-act="ack"]').click()
    dialog = page.locator("#sv-fault-dialog")
    dialog.get_by_label("備註").fill("已通知廠商")
    dialog.get_by_label(re.compile("應變措施")).fill("改用備用印表機")
    dialog.locator("#sv-fault-submit").click()
    expect(item).to_contain_text("應變措施：改用備用印表機")
    item.locator('[data-act="resolve"]').click()
    dialog.locator("#sv-fault-submit").click()  # a resolution needs a note
    expect(dialog.locator("#sv-fault-error")).to_have_text("請說明故障如何排除。")
    dialog.get_by_label("處理方式").fill("清除卡紙")
    dialog.locator("#sv-fault-submit").click()
    expect(page.locator("#sv-faults")).to_have_text("目前沒有未排除的故障。")
    assert staff("supervisor").get(f"/faults/{fault['id']}")["resolved_by"] == "user:supervisor"

    expect(page.locator('#sv-devices tr[data-device="printer-1"]')).to_have_attribute("data-state", "online")
    page.locator("#sv-opening-run").click()
    expect(page.locator("#sv-checklist li")).to_have_count(10, timeout=10000)
    expect(page.locator("#sv-check-summary")).to_contain_text("所有設備均已就緒。")
    page.locator("#sv-opening-open").click()
    expect(page.locator("#sv-opening-state")).to_contain_text("今日已由 supervisor 於")
    screenshot(page, "supervisor-devices")

    # Emergency mode: whoever starts it ends it. Another supervisor is told so, by name.
    page.get_by_role("tab", name=re.compile("大廳現況")).click()
    page.locator("#sv-emergency-reason").fill("等候超過 20 分鐘")
    page.locator("#sv-emergency-start").click()
    page.locator("#sv-emergency-confirm-ok").click()  # the plan starts only once confirmed
    expect(page.locator("#sv-emergency-banner")).to_contain_text("由 supervisor 於")
    staff("admin").post("/users", {"username": "supervisor2", "password": "demo", "role": "supervisor",
                                   "branch": "demo", "display_name": "Supervisor 2"})
    other = open_panel(pages, "supervisor2")
    expect(other.locator("#sv-emergency-banner")).to_contain_text("等候超過 20 分鐘")
    other.locator("#sv-emergency-end").click()
    expect(other.locator("#sv-error")).to_have_text("只有啟動應急方案的 supervisor 或系統管理員可以結束。")
    screenshot(other, "supervisor-emergency-refused")
    page.locator("#sv-emergency-end").click()
    expect(page.locator("#sv-emergency-banner")).to_be_hidden()
    expect(other.locator("#sv-emergency-banner")).to_be_hidden()

    # The lobby display's message line.
    display = pages.open("/display/demo")
    display.wait_for_function("() => window.counterflowDisplay.state.snapshots > 0")
    page.locator("#sv-message-input").fill("外幣業務今日 15:30 暫停 Foreign exchange closes at 15:30")
    page.get_by_role("button", name="顯示在叫號屏").click()
    expect(display.locator("#d-message-text")).to_have_text("外幣業務今日 15:30 暫停 Foreign exchange closes at 15:30")
    expect(other.locator("#sv-message-current")).to_contain_text("外幣業務今日 15:30 暫停")
    page.get_by_role("button", name="清除").click()
    expect(display.locator("#d-message-bar")).to_be_hidden()
    teller2.post(f"/counters/{c2}/resume")


def test_no_serious_accessibility_violations(pages, staff):
    page = open_panel(pages, bypass_csp=True)  # axe goes in as a script tag, which the CSP refuses
    staff("guide").post("/faults", {"message": "叫號屏無畫面"})
    expect(page.locator('#sv-alerts li[data-kind="device_fault"]').first).to_be_visible()
    found = {"hall": serious_violations(page)}
    page.get_by_role("tab", name=re.compile("設備與開業")).click()
    expect(page.locator("#sv-devices tbody tr").first).to_be_visible()
    found["devices"] = serious_violations(page)
    page.locator('#sv-faults [data-act="ack"]').first.click()
    found["fault dialog"] = serious_violations(page)
    page.keyboard.press("Escape")
    page.get_by_role("tab", name=re.compile("營業日與報表")).click()
    page.wait_for_function("() => window.counterflowSupervisor.reports.loaded")
    found["reports"] = serious_violations(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("#sv-numbers")).to_contain_text("Tickets issued")
    found["reports (English)"] = serious_violations(page)
    page.screenshot(path=str(SCREENSHOTS / "supervisor-reports-english.png"), full_page=True)
    assert not any(found.values()), found


def test_served_count_satisfaction_charts_staffing_and_the_day_close(pages, staff, teller_at):
    teller3, c3 = teller_at(3)
    page = open_panel(pages)
    page.get_by_role("tab", name=re.compile("營業日與報表")).click()
    page.wait_for_function("() => window.counterflowSupervisor.reports.loaded")

    staff("guide").post("/branches/demo/tickets", {"service": "B"})
    served = teller3.post(f"/counters/{c3}/call-next")["ticket"]
    teller3.post(f"/counters/{c3}/start")
    teller3.post(f"/counters/{c3}/complete")
    # The customer presses 5 on counter 3's satisfaction pad (simulated, unit 103 on bus 1).
    staff("admin").post("/sim/bus/1/press", {"unit": 103, "key": 5})
    teller_row = page.locator('#sv-tellers tr[data-teller="teller3"]')
    expect(teller_row.locator(".sv-served")).to_have_text("1")
    expect(teller_row.locator(".sv-satisfaction")).to_have_text("5 / 5（1）", timeout=10000)
    expect(page.locator('#sv-numbers [data-number="satisfaction"]')).to_contain_text("1 筆評價")
    assert staff("supervisor").get(f"/tickets/{served['id']}")["status"] == "done"

    charts = page.evaluate("""() => Object.fromEntries(Object.entries(window.counterflowSupervisor.charts)
        .map(([name, chart]) => [name, {canvas: chart.canvas.width > 0 && chart.canvas.height > 0,
                                        data: chart.data.datasets.map(d => d.data)}]))""")
    assert set(charts) >= {"hourly", "wait", "satisfaction"}
    assert all(c["canvas"] for c in charts.values())
    assert sum(charts["hourly"]["data"][0]) >= 1  # arrivals by hour
    assert sum(charts["wait"]["data"][0]) + sum(charts["wait"]["data"][1]) >= 1  # waits in bins
    assert 5 in charts["satisfaction"]["data"][0]

    # Staffing advice from history: today's tickets count once the history runs up to tomorrow.
    today = dt.datetime.now(ZoneInfo("Asia/Taipei")).date()
    page.locator("#sv-until").fill((today + dt.timedelta(days=1)).isoformat())
    page.locator("#sv-weekday").select_option(str(today.weekday()))
    page.get_by_role("button", name="顯示建議").click()
    expect(page.locator("#sv-staffing-table tbody tr").first).to_be_visible()
    staffing = page.evaluate("() => window.counterflowSupervisor.charts.staffing.data.datasets[0].data")
    assert staffing and all(n >= 1 for n in staffing)
    page.screenshot(path=str(SCREENSHOTS / "supervisor-reports.png"), full_page=True)

    with page.expect_popup() as popup:
        page.get_by_role("button", name="列印日結報表").click()
    report = popup.value
    report.wait_for_load_state()
    expect(report.locator("body")).to_contain_text("日結報表")
    expect(report.locator("body")).to_contain_text(re.compile("teller3", re.I))

    page.get_by_role("button", name="日結", exact=True).click()
    dialog = page.locator("#sv-close-dialog")
    expect(dialog).to_contain_text(f"確定要為 {today.isoformat()} 日結嗎？")
    dialog.get_by_role("button", name="日結").click()
    expect(page.locator("#sv-info")).to_contain_text("已完成日結")
    expect(page.locator("#sv-day-state")).to_contain_text("號碼帳目平衡")
    expect(page.locator("#sv-close-day")).to_be_disabled()
    expect(page.locator('#sv-counters tr[data-counter="3"]')).to_have_attribute("data-state", "closed")
    screenshot(page, "supervisor-day-closed")
