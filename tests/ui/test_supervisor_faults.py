"""Fault handling in the supervisor panel (issue 11, item 2), against a hub whose printer is the
simulator: faults and device conditions in words (never driver codes, the device named once), an
acknowledgement that needs a note and the contingency, a resolve refused while the printer is still
out of paper unless closed with a reason, a fault reported by hand, the fault history with its
investigation (seed 4-8), and the fault report as CSV and a printed page, in all three languages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.live_hub import LiveHub
from tests.ui.test_supervisor_panel import open_panel

SHOTS = Path("/tmp/shots-hall-faults")
LANGUAGES = ("zh_Hant", "zh_Hans", "en")


@pytest.fixture(scope="module")
def hub(module_database_url, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("hub-log") / "hub.log"
    with LiveHub(module_database_url, log_path=log_path, extra_args=["--simulate-devices"],
                 env={"COUNTERFLOW_ALERT_INTERVAL_S": "1"}) as live:
        yield live


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def devices_tab(page):
    page.get_by_role("tab", name=re.compile("設備與開業")).click()
    expect(page.locator("#sv-devices tbody tr").first).to_be_visible()


def test_a_printer_fault_is_worded_refused_while_reported_closed_with_a_reason_and_investigated(pages, staff):
    admin, supervisor = staff("admin"), staff("supervisor")
    page = open_panel(pages)
    devices_tab(page)
    admin.post("/sim/printer/1/fault", {"fault": "paper_out"})

    faults = page.locator("#sv-faults")
    item = faults.locator("li.sv-fault").filter(has_text="printer-1：缺紙")
    expect(item).to_be_visible()
    expect(faults).not_to_contain_text("paper")
    expect(faults).not_to_contain_text("printer-1：printer-1")
    printer = page.locator('#sv-devices tr[data-device="printer-1"]')
    expect(printer).to_have_attribute("data-state", "fault")
    expect(printer.locator(".sv-detail")).to_contain_text("缺紙")
    expect(printer.locator(".sv-detail")).not_to_contain_text("_")  # no raw code such as paper_end_stop
    expect(page.locator('#sv-alerts li[data-kind="device_fault"]').first).to_contain_text("設備故障：printer-1：缺紙")
    [fault] = [f for f in supervisor.get("/faults?branch=demo&open=1")["faults"] if f["device"] == "printer-1"]

    # Acknowledging says what was found and what the hall does meanwhile.
    item.locator('[data-act="ack"]').click()
    dialog = page.locator("#sv-fault-dialog")
    error = dialog.locator("#sv-fault-error")
    dialog.locator("#sv-fault-submit").click()
    expect(error).to_have_text("請說明查看結果。")
    dialog.locator("#sv-fault-note").fill("紙捲用完")
    dialog.locator("#sv-fault-submit").click()
    expect(error).to_have_text("請說明期間採取的應變措施。")
    dialog.locator("#sv-fault-contingency").fill("取號機螢幕顯示 QR 票")
    dialog.locator("#sv-fault-submit").click()
    expect(item).to_contain_text("應變措施：取號機螢幕顯示 QR 票")

    # Resolving while the printer still reports "out of paper" is refused; closing it anyway takes a reason.
    item.locator('[data-act="resolve"]').click()
    dialog.locator("#sv-fault-note").fill("已換紙捲")
    dialog.locator("#sv-fault-submit").click()
    expect(error).to_have_text("設備仍回報此故障。請先排除，或填寫原因強制結案。")
    expect(dialog.locator("#sv-fault-override-hint")).to_have_text("設備仍回報：缺紙")
    shot(page, "fault-resolve-refused-zh_Hant")
    dialog.locator("#sv-fault-submit").click()  # still no reason: still refused, on our side
    expect(error).to_have_text("設備仍回報此故障。請先排除，或填寫原因強制結案。")
    assert supervisor.get(f"/faults/{fault['id']}")["resolved_at"] is None
    dialog.get_by_label(re.compile("仍要結案")).fill("紙張感測器誤報，紙捲已裝好")
    dialog.locator("#sv-fault-submit").click()
    expect(item).to_have_count(0)
    assert supervisor.get(f"/faults/{fault['id']}")["override_reason"] == "紙張感測器誤報，紙捲已裝好"

    # The history keeps it, with the override; the investigation follows (seed 4-8).
    row = page.locator(f'#sv-history tr[data-fault="{fault["id"]}"]')
    expect(row).to_contain_text("設備仍回報故障時結案：紙張感測器誤報，紙捲已裝好")
    expect(row).to_contain_text("尚未調查")
    row.locator('[data-act="investigate"]').click()
    investigate = page.locator("#sv-investigate-dialog")
    investigate.locator("button[type=submit]").click()
    expect(investigate.locator("#sv-investigate-error")).to_have_text("請填寫原因、責任與後續處理。")
    investigate.get_by_label("原因").fill("感測器積紙屑")
    investigate.get_by_label(re.compile("責任歸屬")).fill("維修廠商")
    investigate.get_by_label(re.compile("後續處理")).fill("廠商每月清潔感測器")
    investigate.locator("button[type=submit]").click()
    expect(row).to_contain_text("原因：感測器積紙屑 · 責任：維修廠商 · 後續：廠商每月清潔感測器")
    shot(page, "fault-history-zh_Hant")
    record = supervisor.get(f"/faults/{fault['id']}")
    assert (record["cause"], record["investigated_by"]) == ("感測器積紙屑", "user:supervisor")

    admin.post("/sim/printer/1/fault", {"fault": "paper_out", "on": False})
    expect(printer).to_have_attribute("data-state", "online")


def test_report_a_fault_by_hand_and_archive_the_period_as_csv_and_print_in_three_languages(pages, staff):
    page = open_panel(pages)
    devices_tab(page)
    form = page.locator("#sv-report-form")
    form.locator("button[type=submit]").click()
    expect(page.locator("#sv-report-error")).to_have_text("請說明故障情形。")
    page.locator("#sv-report-device").select_option(label="led-2")
    page.locator("#sv-report-message").fill("2 號櫃檯叫號屏閃爍")
    form.locator("button[type=submit]").click()
    item = page.locator("#sv-faults li.sv-fault").filter(has_text="led-2：2 號櫃檯叫號屏閃爍")
    expect(item).to_be_visible()
    expect(page.locator("#sv-history")).to_contain_text("2 號櫃檯叫號屏閃爍")
    [fault] = [f for f in staff("supervisor").get("/faults?branch=demo&open=1")["faults"] if f["device"] == "led-2"]
    assert fault["raised_by"] == "user:supervisor" and fault["source"] == "staff"

    with page.expect_download() as download:
        page.locator("#sv-history-csv").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.startswith("id,raised_at,device") and "2 號櫃檯叫號屏閃爍" in content
    assert re.fullmatch(r"counterflow-demo-faults-\d{4}-\d\d-01-\d{4}-\d\d-\d\d\.csv", download.value.suggested_filename)

    titles = {"zh_Hant": "設備故障報表", "zh_Hans": "设备故障报表", "en": "Device fault report"}
    history = {"zh_Hant": "故障紀錄", "zh_Hans": "故障记录", "en": "Fault history"}
    for locale in LANGUAGES:
        page.locator(f'.sv-lang button[data-locale="{locale}"]').click()
        expect(page.locator("#sv-history-title")).to_have_text(history[locale])
        expect(page.locator("#sv-faults")).not_to_contain_text("_")
        shot(page, f"supervisor-devices-faults-{locale}")
        page.locator(f'#sv-faults li[data-fault="{fault["id"]}"] [data-act="ack"]').click()
        expect(page.locator("#sv-fault-dialog-what")).to_have_text(re.compile(r"^led-2[：:] ?2 號櫃檯叫號屏閃爍$"))
        shot(page, f"fault-ack-dialog-{locale}")
        page.keyboard.press("Escape")
        page.locator("#sv-tab-live").click()
        expect(page.locator('#sv-alerts li[data-kind="device_fault"]').first).to_contain_text("led-2")
        shot(page, f"supervisor-hall-alerts-{locale}")
        page.locator("#sv-tab-devices").click()
        with page.context.expect_page() as opened:
            page.locator("#sv-history-print").click()
        printed = opened.value
        expect(printed.locator("h1")).to_contain_text(titles[locale])
        expect(printed.locator("#faults")).to_contain_text("2 號櫃檯叫號屏閃爍")
        shot(printed, f"fault-report-print-{locale}")
        printed.close()
    page.locator('.sv-lang button[data-locale="zh_Hant"]').click()


def test_fault_history_and_investigation_have_no_serious_accessibility_violations(pages, staff):
    from tests.ui.test_accessibility import serious_violations

    supervisor = staff("supervisor")
    fault = staff("guide").post("/faults", {"message": "叫號屏無畫面"})
    supervisor.post(f"/faults/{fault['id']}/ack", {"note": "電源鬆脫", "contingency": "人工引導"})
    supervisor.post(f"/faults/{fault['id']}/resolve", {"note": "插回電源"})
    page = open_panel(pages, bypass_csp=True)  # axe goes in as a script tag, which the CSP refuses
    devices_tab(page)
    row = page.locator(f'#sv-history tr[data-fault="{fault["id"]}"]')
    expect(row).to_contain_text("尚未調查")
    found = {"history": serious_violations(page)}
    row.locator('[data-act="investigate"]').click()
    expect(page.locator("#sv-investigate-dialog")).to_be_visible()
    found["investigation dialog"] = serious_violations(page)
    assert not any(found.values()), found
