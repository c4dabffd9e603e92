"""The rounds page (issue 16) in a real browser against a hub with simulated devices: a guide does the
opening round and the device check on a tablet, the supervisor (refused first, the branch requiring the
whole opening record) opens the branch, a midday round records a problem that becomes a fault, and the
closing round sends the devices to idle and appears in the day report, in all three languages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.live_hub import LiveHub

SHOTS = Path("/tmp/shots-rounds")
TABLET = {"width": 1024, "height": 1366}
BRANCH = "/branches/demo"


@pytest.fixture(scope="module")
def hub(module_database_url, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("hub-log") / "hub.log"
    with LiveHub(module_database_url, log_path=log_path, extra_args=["--simulate-devices"]) as live:
        yield live


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_rounds(pages, username: str, locale: str):
    page = pages.open("/supervisor/demo/rounds", viewport=TABLET, locale=locale)
    page.locator("#rd-user").fill(username)
    page.locator("#rd-pass").fill("demo")
    page.locator("#rd-signin-form button[type=submit]").click()
    expect(page.locator("#rd-work")).to_be_visible()
    return page


def choose(page, kind: str):
    page.locator(f'.rd-kind[data-kind="{kind}"]').click()
    expect(page.locator(f'.rd-kind[data-kind="{kind}"]')).to_have_attribute("aria-checked", "true")
    expect(page.locator(".rd-item").first).to_be_visible()


def answer_all_ok(page, except_keys=()):
    for item in page.locator(".rd-item").all():
        if item.get_attribute("data-key") not in except_keys:
            item.locator(".rd-ok").click()


def problem(page, key: str, note: str, *, fault=False, owner=""):
    item = page.locator(f'.rd-item[data-key="{key}"]')
    item.locator(".rd-problem").click()
    item.locator("textarea").fill(note)
    if fault:
        item.locator("input[type=checkbox]").check()
    if owner:
        item.locator(f'input[data-owner="{key}"]').fill(owner)


def test_opening_midday_and_closing_rounds_in_three_languages(pages, staff):
    supervisor_api = staff("supervisor")
    supervisor_api.session.patch(supervisor_api.base + f"{BRANCH}/round-settings",
                                 json={"opening_requires_round": True}, timeout=10).raise_for_status()

    # The opening round, by the guide, in Traditional Chinese (the seed's own wording).
    guide = open_rounds(pages, "guide", "zh-TW")
    choose(guide, "opening")
    expect(guide.locator("#rd-items")).to_contain_text("飲水機的水和水杯充足")
    expect(guide.locator("#rd-record")).to_contain_text("營業前巡視尚未完成")
    expect(guide.locator("#rd-open")).to_be_hidden()  # opening is the supervisor's
    # Touch targets a finger can hit.
    box = guide.locator(".rd-item .rd-ok").first.bounding_box()
    assert box["height"] >= 56 and box["width"] >= 90

    supervisor = open_rounds(pages, "supervisor", "zh-TW")
    choose(supervisor, "opening")
    supervisor.locator("#rd-open").click()
    expect(supervisor.locator("#rd-error")).to_contain_text("尚不能開業")

    guide.locator("#rd-sheet button[type=submit]").click()
    expect(guide.locator("#rd-error")).to_contain_text("未檢查")  # every item needs an answer
    answer_all_ok(guide)
    expect(guide.locator("#rd-signature")).to_contain_text("巡視人：Guide")
    guide.locator("#rd-sheet button[type=submit]").click()
    expect(guide.locator("#rd-info")).to_contain_text("巡視已記錄：0 項問題")
    expect(guide.locator("#rd-record")).to_contain_text("營業前巡視已完成")
    guide.locator("#rd-check").click()
    expect(guide.locator("#rd-record")).to_contain_text("設備檢查已完成")
    shot(guide, "opening-round-zh_Hant")

    supervisor.reload()
    choose(supervisor, "opening")
    supervisor.locator("#rd-open").click()
    expect(supervisor.locator("#rd-info")).to_contain_text("已開業")
    expect(supervisor.locator("#rd-record")).to_contain_text("已由 supervisor")
    assert supervisor_api.get(f"{BRANCH}/opening")["opening"]["opened_by"] == "user:supervisor"
    shot(supervisor, "opening-record-zh_Hant")

    # A midday round in Simplified Chinese: a problem reported as a fault.
    midday = open_rounds(pages, "guide", "zh-CN")
    choose(midday, "midday")
    expect(midday.locator("#rd-items")).to_contain_text("自助设备、电子设备、监控设备正常运行")
    answer_all_ok(midday, except_keys=("devices_running", "water_cups"))
    problem(midday, "devices_running", "自助终端黑屏", fault=True)
    problem(midday, "water_cups", "水杯用完", owner="guide")
    shot(midday, "midday-round-filling-zh_Hans")
    midday.locator("#rd-sheet button[type=submit]").click()
    expect(midday.locator("#rd-info")).to_contain_text("巡视已记录：2 项问题")
    [fault] = [f for f in supervisor_api.get("/faults?branch=demo&open=1")["faults"] if "自助终端黑屏" in f["message"]]
    assert fault["source"] == "staff" and fault["code"] == "round_problem"
    today = midday.locator("#rd-today")
    expect(today).to_contain_text(f"故障 #{fault['id']}")
    expect(today).to_contain_text("交由 guide 处理")
    today.get_by_role("button", name="标为完成").click()
    expect(today.locator(".rd-tag-done")).to_be_visible()
    shot(midday, "midday-round-zh_Hans")

    # The closing round in English: what is still on, devices to idle, the round in the day report.
    counter = supervisor_api.get(f"{BRANCH}/counters")["counters"][0]
    staff("teller1").post(f"/counters/{counter['id']}/open")
    closing = open_rounds(pages, "supervisor", "en-US")
    choose(closing, "closing")
    expect(closing.locator("#rd-devices-online")).to_contain_text("printer-1")
    expect(closing.locator("#rd-staff")).to_contain_text(f"(at counter {counter['number']})")
    closing.get_by_role("button", name="Send every device to idle").click()
    expect(closing.locator("#rd-info")).to_contain_text(re.compile(r"\d+ device\(s\) idle\."))
    answer_all_ok(closing, except_keys=("fire_safety",))
    problem(closing, "fire_safety", "Heater left on in the back office")
    closing.locator("#rd-sheet button[type=submit]").click()
    expect(closing.locator("#rd-info")).to_contain_text("Round recorded: 1 problem(s).")
    expect(closing.locator("#rd-today")).to_contain_text("Closing round at")
    shot(closing, "closing-round-en")

    report = supervisor_api.get(f"{BRANCH}/reports/day")
    assert [(r["kind"], r["done_by"], r["problems"]) for r in report["rounds"]] == [
        ("opening", "user:guide", 0), ("midday", "user:guide", 2), ("closing", "user:supervisor", 1)]
    for lang, words in (("en", ("Closing round", "No fire hazard: Heater left on")),
                        ("zh-Hant", ("營業結束巡視", "無消防隱患: Heater left on")),
                        ("zh-Hans", ("营业结束巡视", "无消防隐患: Heater left on"))):
        html = supervisor_api.session.get(supervisor_api.base + f"{BRANCH}/reports/day?format=html&lang={lang}",
                                          timeout=10).text
        printed = pages.browser.new_page(viewport=TABLET)  # the report's own inline style, outside the hub's CSP
        printed.set_content(html)
        rounds = printed.locator("table.rounds")
        for word in words:
            expect(rounds).to_contain_text(word)
        rounds.scroll_into_view_if_needed()
        shot(printed, f"day-report-rounds-{lang}")
        printed.close()


def test_the_supervisor_edits_the_sheet_in_three_languages(pages, staff):
    page = open_rounds(pages, "supervisor", "en-US")
    choose(page, "midday")
    page.locator("#rd-edit").click()
    editor = page.locator("#rd-editor")
    editor.get_by_role("button", name="Add an item").click()
    last = editor.locator("tbody tr").last
    last.locator('[data-field="key"]').fill("brochures")
    last.locator('[data-field="text.zh_Hant"]').fill("宣傳單張已補充")
    last.locator('[data-field="text.en"]').fill("Leaflets restocked")
    shot(page, "sheet-editor-en")
    editor.get_by_role("button", name="Save the sheet").click()
    expect(page.locator("#rd-info")).to_contain_text("Sheet saved.")
    expect(page.locator('.rd-item[data-key="brochures"]')).to_contain_text("Leaflets restocked")
    page.locator('[data-locale="zh_Hans"]').click()
    expect(page.locator('.rd-item[data-key="brochures"]')).to_contain_text("宣传单张已补充")
    guide = open_rounds(pages, "guide", "zh-TW")
    expect(guide.locator("#rd-edit")).to_be_hidden()
    expect(guide.locator("#rd-recurring-show")).to_be_hidden()  # a supervisor's report


def test_history_downloads_as_csv_and_recurring_problems_are_listed(pages, staff):
    guide_api = staff("guide")
    sheet = guide_api.get(f"{BRANCH}/round-sheets/midday")["items"]
    for note in ("no cups at 10:00", "no cups at 15:00"):
        guide_api.post(f"{BRANCH}/rounds", {"kind": "midday", "answers": [
            {"key": i["key"], "ok": True} if i["key"] != "water_cups" else {"key": i["key"], "ok": False, "note": note}
            for i in sheet]})
    page = open_rounds(pages, "supervisor", "zh-TW")
    choose(page, "midday")
    with page.expect_download() as download:
        page.locator("#rd-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "water_cups" in text and "no cups at 15:00" in text
    # A round recorded on another tablet shows here without a reload (the branch's staff room).
    guide_api.post(f"{BRANCH}/rounds", {"kind": "midday", "answers": [
        {"key": i["key"], "ok": True} if i["key"] != "forms" else {"key": i["key"], "ok": False, "note": "forms gone"}
        for i in sheet]})
    expect(page.locator("#rd-today")).to_contain_text("forms gone")
    page.locator("#rd-recurring-show").click()
    expect(page.locator("#rd-recurring")).to_contain_text(re.compile(r"營業中巡視 · 飲水機的水和水杯充足：\d+ 次巡視中 \d+ 次有問題"))
    shot(page, "history-zh_Hant")


def test_the_rounds_page_has_no_serious_accessibility_violation(pages):
    from tests.ui.test_accessibility import serious_violations

    page = pages.open("/supervisor/demo/rounds", viewport=TABLET, bypass_csp=True)  # axe is injected
    page.locator("#rd-user").fill("supervisor")
    page.locator("#rd-pass").fill("demo")
    page.locator("#rd-signin-form button[type=submit]").click()
    choose(page, "midday")
    problem(page, "hall_clean", "wet floor")
    assert serious_violations(page) == []
    choose(page, "closing")
    page.locator("#rd-edit").click()
    expect(page.locator("#rd-editor tbody tr").first).to_be_visible()
    assert serious_violations(page) == []
