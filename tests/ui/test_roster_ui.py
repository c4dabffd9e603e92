"""The roster (排班) in a real browser: the supervisor plans shifts in the panel's roster tab, is refused a
clash, copies the week forward and sees the counters planned against those the staffing advice needs
(the simulator's defaults on this new branch, said so); the teller sees their own schedule on the counter
terminal, updated live. Screenshots in zh-Hant, zh-Hans and en go to /tmp/shots-roster/ (and var/screenshots/)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.ui.browser_support import screenshot
from tests.ui.test_accessibility import serious_violations

DESK = {"width": 1440, "height": 900}
SHOTS = Path("/tmp/shots-roster")


def shoot(page, name, full_page=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    screenshot(page, name)


def open_roster(pages, locale="zh-TW", **options):
    page = pages.open("/supervisor/demo", viewport=DESK, locale=locale, **options)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    page.locator("#sv-tab-roster").click()
    expect(page.locator("#sv-ro-grid tbody tr").first).to_be_visible()
    return page


def plan(page, staff, day, kind="counter", counter="1", start="09:00", end="17:00", lunch=("12:00", "13:00")):
    form = page.locator("#sv-ro-form")
    form.locator("#sv-ro-staff").select_option(staff)
    form.locator("#sv-ro-day").select_option(day)
    form.locator("#sv-ro-kind").select_option(kind)
    if kind == "counter":
        form.locator("#sv-ro-counter").select_option(counter)
    if kind != "rest":
        form.locator("input[name=from]").fill(start)
        form.locator("input[name=to]").fill(end)
        form.locator("input[name=break_from]").fill(lunch[0])
        form.locator("input[name=break_to]").fill(lunch[1])
    form.locator("button[type=submit]").click()


def test_supervisor_plans_the_week_and_the_teller_sees_it(pages, staff):
    today = dt.datetime.now(ZoneInfo("Asia/Taipei")).date()
    monday = today - dt.timedelta(days=today.weekday())
    tomorrow = today + dt.timedelta(days=1)
    page = open_roster(pages)

    # Nothing planned: every hour of the simulator's default day (09-17) is short, and each day says why.
    cover = page.locator("#sv-ro-cover")
    expect(cover.locator("thead")).to_contain_text("尚無歷史資料：依模擬器預設客流")
    expect(cover.locator(f'td[data-day="{today.isoformat()}"][data-hour="10"]')).to_have_class("sv-num is-short")

    plan(page, "teller1", today.isoformat())
    expect(page.locator("#sv-info")).to_have_text("已排班。")
    cell = page.locator('#sv-ro-grid tr[data-staff="teller1"]')
    expect(cell).to_contain_text("1 號櫃檯 · 09:00–17:00，休息 12:00–13:00")
    expect(cover.locator(f'td[data-day="{today.isoformat()}"][data-hour="12"]')).to_have_text("0 / 5，缺 5")
    expect(cover.locator(f'td[data-day="{today.isoformat()}"][data-hour="10"]')).to_have_text("1 / 5，缺 4")

    # The same teller twice at once, and a counter double-staffed, are refused in words.
    plan(page, "teller1", today.isoformat(), counter="2", start="16:00", end="18:00", lunch=("", ""))
    expect(page.locator("#sv-error")).to_have_text("這位櫃員在該時段已有班次。")
    plan(page, "teller2", today.isoformat(), counter="1", start="08:00", end="10:00", lunch=("", ""))
    expect(page.locator("#sv-error")).to_have_text("這個櫃檯在該時段已排了櫃員。")
    plan(page, "teller2", today.isoformat(), kind="duty", start="17:00", end="19:00", lunch=("", ""))
    plan(page, "teller3", today.isoformat(), kind="rest")
    expect(page.locator('#sv-ro-grid tr[data-staff="teller3"]')).to_contain_text("休假日")
    expect(page.locator('#sv-ro-grid tr[data-staff="teller2"]')).to_contain_text("值班 17:00–19:00")
    shoot(page, "roster-zh-Hant")

    # The teller's own schedule on the counter terminal, this week and next, updated when the roster changes.
    terminal = pages.open("/counter", viewport=DESK)
    terminal.locator("#ct-user").fill("teller1")
    terminal.locator("#ct-pass").fill("demo")
    terminal.locator("#ct-signin-form button[type=submit]").click()
    terminal.locator('#ct-counter-list [data-counter="1"] button').click()
    terminal.wait_for_function("() => window.counterflowCounter.state.snapshots > 0")
    mine = terminal.locator("#ct-roster")
    today_row = mine.locator(f'[data-day="{today.isoformat()}"]')
    expect(today_row).to_contain_text("1 號櫃檯，09:00–17:00，休息 12:00–13:00")
    expect(today_row).to_have_class("ct-roster-day is-today")
    expect(mine).not_to_contain_text("Teller2")
    staff("supervisor").post("/branches/demo/roster/shifts", {"staff": "teller1", "day": tomorrow.isoformat(),
                                                               "kind": "duty", "from": "08:00", "to": "09:00",
                                                               "note": "開門"})
    expect(mine.locator(f'[data-day="{tomorrow.isoformat()}"]')).to_contain_text("值班 08:00–09:00，開門")
    shoot(terminal, "roster-terminal-zh-Hant", full_page=False)
    for locale in ("zh_Hans", "en"):
        terminal.locator(f'.ct-lang button[data-locale="{locale}"]').click()
        shoot(terminal, f"roster-terminal-{locale.replace('_', '-')}", full_page=False)
    expect(terminal.locator("#ct-roster-title")).to_have_text("My schedule")
    expect(today_row).to_contain_text("Counter 1, 09:00–17:00, break 12:00–13:00")

    # Copy the week forward; a second copy asks before replacing, and then replaces.
    page.locator("#sv-ro-copy").click()
    next_monday = (monday + dt.timedelta(days=7)).isoformat()
    expect(page.locator("#sv-info")).to_contain_text(f"到 {next_monday} 那一週")
    expect(page.locator('#sv-ro-grid tr[data-staff="teller1"]')).to_contain_text("1 號櫃檯 · 09:00–17:00")
    assert page.locator("#sv-ro-week").input_value() == next_monday
    page.locator("#sv-ro-prev").click()
    expect(page.locator("#sv-ro-grid")).to_have_attribute("data-week", monday.isoformat())
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#sv-ro-copy").click()
    expect(page.locator("#sv-info")).to_contain_text(f"到 {next_monday} 那一週")
    expect(page.locator("#sv-ro-grid")).to_have_attribute("data-week", next_monday)
    copied = staff("supervisor").get(f"/branches/demo/roster?week={next_monday}")["shifts"]
    assert sorted((s["staff"], s["kind"]) for s in copied) == sorted(
        [("teller1", "counter"), ("teller2", "duty"), ("teller3", "rest")]
        + ([("teller1", "duty")] if tomorrow < monday + dt.timedelta(days=7) else []))

    # Removing a shift.
    page.locator("#sv-ro-prev").click()
    expect(page.locator("#sv-ro-grid")).to_have_attribute("data-week", monday.isoformat())
    page.locator('#sv-ro-grid tr[data-staff="teller3"] .sv-ro-remove').click()
    expect(page.locator("#sv-info")).to_have_text("已刪除班次。")
    expect(page.locator('#sv-ro-grid tr[data-staff="teller3"]')).not_to_contain_text("休假日")

    # Planned against actual counter time today: teller1 is planned 7 hours and has had counter 1 open since
    # the terminal opened it.
    actual = page.locator('#sv-ro-actual tr[data-teller="teller1"][data-counter="1"] td')
    expect(actual.nth(1)).to_have_text("7:00")
    assert actual.nth(3).inner_text().startswith("−")

    for locale in ("zh_Hans", "en"):
        page.locator(f'.sv-lang button[data-locale="{locale}"]').click()
        shoot(page, f"roster-{locale.replace('_', '-')}")
    expect(cover.locator("thead")).to_contain_text("no history yet: needed from the simulator's default traffic")
    expect(cover.locator(f'td[data-day="{today.isoformat()}"][data-hour="10"]')).to_have_text("1 / 5, 4 short")


def test_staffing_advice_on_a_new_branch_says_it_uses_the_simulators_defaults(pages):
    page = pages.open("/supervisor/demo", viewport=DESK)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    page.locator("#sv-tab-reports").click()
    basis = page.locator("#sv-staffing-basis")
    expect(basis).to_have_attribute("data-source", "simulator_defaults")
    expect(basis).to_contain_text("這個星期幾還沒有歷史資料：建議依模擬器的預設客流計算，"
                                  "09:00 至 17:00 每小時 30 位客戶")
    expect(page.locator("#sv-staffing-table tbody tr")).to_have_count(8)
    basis.scroll_into_view_if_needed()
    shoot(page, "staffing-defaults-zh-Hant", full_page=False)


def test_the_roster_tab_and_my_schedule_have_no_serious_accessibility_violations(pages, staff):
    today = dt.datetime.now(ZoneInfo("Asia/Taipei")).date().isoformat()
    staff("supervisor").post("/branches/demo/roster/shifts", {"staff": "teller4", "day": today, "counter": 4,
                                                               "from": "10:00", "to": "14:00"})
    page = open_roster(pages, bypass_csp=True)  # axe goes in as a script tag, which the CSP refuses
    expect(page.locator('#sv-ro-grid tr[data-staff="teller4"] .sv-ro-shift')).to_be_visible()
    assert serious_violations(page) == []
    terminal = pages.open("/counter", viewport=DESK, bypass_csp=True)
    terminal.locator("#ct-user").fill("teller4")
    terminal.locator("#ct-pass").fill("demo")
    terminal.locator("#ct-signin-form button[type=submit]").click()
    terminal.locator('#ct-counter-list [data-counter="4"] button').click()
    expect(terminal.locator(f'#ct-roster [data-day="{today}"]')).to_contain_text("4 號櫃檯，10:00–14:00")
    assert serious_violations(terminal) == []
