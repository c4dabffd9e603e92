"""The admin console in a real browser: an admin sets up a new branch from nothing (branch, services,
counter, staff, a printer with its ticket layout, kiosk and display tokens), brings its kiosk and
display online from the token's set-up link and QR code, and reads the change log; a supervisor sees
their branch read-only. Screenshots in zh-Hant, zh-Hans and English go to var/screenshots/ (and, when
COUNTERFLOW_SHOTS is set, to that folder too)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from hardware_sim.printer import PrinterSimulator
from server.api.console_routes import qr_data_url
from tests.ui.browser_support import screenshot


def shot(page, name: str) -> None:
    path = screenshot(page, name)
    extra = os.environ.get("COUNTERFLOW_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)


def sign_in(pages, username: str, locale: str = "zh-TW"):
    page = pages.open("/admin", locale=locale)
    page.fill("#ad-user", username)
    page.fill("#ad-pass", "demo")
    page.click("#ad-signin-form button[type=submit]")
    expect(page.locator("#ad-console")).to_be_visible()
    return page


def tab(page, name: str):
    page.click(f"#ad-tab-{name}")
    return page.locator(f"#ad-pane-{name}")


def submit(form):
    form.locator("button[type=submit]").click()


@pytest.fixture
def printer_sim():
    with PrinterSimulator(encoding="big5", paper_mm=58) as sim:  # the branch's new ticket printer, on TCP
        yield sim


def test_an_admin_sets_up_a_branch_from_nothing_and_brings_its_kiosk_and_display_online(pages, hub, staff,
                                                                                        printer_sim):
    page = sign_in(pages, "admin")
    expect(page.locator("body")).to_have_attribute("data-loaded", "demo")

    # The branch.
    branch = tab(page, "branch")
    branch.locator("[data-new]").click()
    form = page.locator("#ad-branch-form")
    form.locator("[name=code]").fill("harbour")
    form.locator("[name=name_zh]").fill("港灣分行")
    form.locator("[name=name_en]").fill("Harbour")
    form.locator("[name=timezone]").fill("Asia/Hong_Kong")
    submit(form)
    expect(page.locator("body")).to_have_attribute("data-loaded", "harbour")
    expect(page.locator("#ad-info")).to_have_text("已建立分行 harbour。接著新增業務。")
    expect(page.locator("#ad-branch-select")).to_have_value("harbour")

    # Services, with a refused one first: the hub's refusal is shown in the page's language.
    tab(page, "services")
    form = page.locator("#ad-service-form")
    for code, zh, en, target, warning in (("A", "存款", "Deposits", 20, 15), ("B", "匯款", "Remittance", 10, 30),
                                          ("B", "匯款", "Remittance", 30, 10)):
        expect(form.locator("[name=code]")).to_be_editable()
        form.locator("[name=code]").fill(code)
        form.locator("[name=name_zh]").fill(zh)
        form.locator("[name=name_en]").fill(en)
        form.locator("[name=wait_target_min]").fill(str(target))
        form.locator("[name=wait_warning_min]").fill(str(warning))
        submit(form)
        if warning > target:
            expect(page.locator("#ad-error")).to_have_text("警示時間須早於等候目標（1 至 1440 分鐘）。")
        else:
            expect(page.locator(f'#ad-services tr[data-code="{code}"]')).to_be_visible()
            expect(form.locator("[name=code]")).to_have_value("")  # emptied for the next one
    expect(page.locator("#ad-services tbody tr")).to_have_count(2)
    page.locator('#ad-services tr[data-code="B"] button').click()  # edit: the form holds the row
    expect(form.locator("[name=code]")).to_have_value("B")
    form.locator("[name=default_service_s]").fill("420")
    submit(form)
    expect(page.locator('#ad-services tr[data-code="B"] td').nth(5)).to_have_text("420")

    # A counter serving B before A.
    tab(page, "counters")
    form = page.locator("#ad-counter-form")
    form.locator("[name=number]").fill("1")
    form.locator("[name=services]").fill("b, a")
    form.locator("[name=policy]").select_option("longest_wait")
    submit(form)
    expect(page.locator('#ad-counters tr[data-number="1"]')).to_contain_text("B › A")
    expect(page.locator('#ad-counters tr[data-number="1"]')).to_contain_text("等最久者優先")

    # A teller, then deactivated.
    tab(page, "staff")
    form = page.locator("#ad-staff-form")
    form.locator("[name=username]").fill("harbour-t1")
    form.locator("[name=display_name]").fill("陳小明")
    form.locator("[name=password]").fill("s3cret!")
    submit(form)
    row = page.locator('#ad-staff tr[data-username="harbour-t1"]')
    expect(row).to_contain_text("陳小明")
    assert requests.post(hub.base_url + "/api/v1/auth/token", json={"username": "harbour-t1",
                                                                     "password": "s3cret!"}, timeout=5).ok
    expect(form.locator("[name=branch]")).to_have_value("harbour")  # a new account joins this branch
    row.get_by_role("button", name="停用").click()
    expect(row.get_by_role("button", name="重新啟用")).to_be_visible()
    assert requests.post(hub.base_url + "/api/v1/auth/token", json={"username": "harbour-t1",
                                                                     "password": "s3cret!"}, timeout=5).status_code == 401

    # A printer: a bad address is refused by the hub's check; then one with its ticket layout.
    tab(page, "devices")
    form = page.locator("#ad-device-form")
    form.locator("[name=name]").fill("lobby-printer")
    form.locator("[name=url]").fill("serial:///etc/passwd")
    submit(form)
    expect(page.locator("#ad-error")).to_contain_text("設備位址無效")
    form.locator("[name=url]").fill(printer_sim.url)
    form.locator("[name=kiosk]").fill("harbour-kiosk")
    form.locator("[name=paper_mm]").select_option("58")
    form.locator("[name=encoding]").select_option("big5")
    form.locator("[name=footer]").fill("謝謝光臨")
    form.locator("[name=header]").fill("歡迎光臨\n營業時間 09:00-15:30\n")
    submit(form)
    expect(page.locator('#ad-devices tr[data-name="lobby-printer"]')).to_contain_text("取號機 harbour-kiosk")
    # The running device manager took it at once: it answers a self-test and comes online.
    page.locator('#ad-devices tr[data-name="lobby-printer"]').get_by_role("button", name="測試").click()
    expect(page.locator("#ad-test-result")).to_have_text("lobby-printer 已回應：就緒。")
    expect(page.locator('#ad-devices tr[data-name="lobby-printer"]')).to_contain_text("正常")
    device = next(d for d in staff("admin").get("/devices?branch=harbour")["devices"] if d["name"] == "lobby-printer")
    assert device["settings"] == {"paper_mm": 58, "encoding": "big5", "footer": "謝謝光臨",
                                  "header": ["歡迎光臨", "營業時間 09:00-15:30"]}
    shot(page, "admin-devices-zh-Hant")

    # Kiosk and display tokens: each shows its set-up link and a QR code of exactly that link.
    tab(page, "tokens")
    form = page.locator("#ad-token-form")
    urls = {}
    for name, kind in (("harbour-kiosk", "kiosk"), ("harbour-display", "display")):
        form.locator("[name=name]").fill(name)
        form.locator("[name=kind]").select_option(kind)
        submit(form)
        expect(page.locator("#ad-new-token-title")).to_have_text(f"{name} 的新權杖")
        link = page.locator("#ad-setup-url")
        expect(link).to_have_text(f"{hub.base_url}/{kind}/harbour?token=" + page.locator("#ad-token-value").inner_text())
        urls[kind] = link.inner_text()
        assert page.locator("#ad-qr").get_attribute("src") == qr_data_url(urls[kind])
        page.wait_for_function("() => document.getElementById('ad-qr').naturalWidth > 0")
    expect(page.locator("#ad-tokens tbody tr")).to_have_count(2)
    shot(page, "admin-tokens-zh-Hant")

    # The kiosk opened from its link issues a ticket with its token; the display follows the branch.
    kiosk = pages.open(urlparse(urls["kiosk"]).path + "?" + urlparse(urls["kiosk"]).query)
    with kiosk.expect_response(lambda r: r.url.endswith("/branches/harbour/tickets")) as issued:
        kiosk.get_by_role("button", name="存款").click()
    assert issued.value.status == 201 and issued.value.json()["printed"] is True
    expect(kiosk.locator("#k-number")).to_have_text(issued.value.json()["number"])
    [printed] = printer_sim.wait_for_tickets(1)  # with the layout set in the console
    assert printed.text_lines[:3] == ["歡迎光臨", "營業時間 09:00-15:30", "港灣分行"]
    assert "謝謝光臨" in printed.text_lines and printed.big_lines == [issued.value.json()["number"]]
    display = pages.open(urlparse(urls["display"]).path + "?" + urlparse(urls["display"]).query)
    display.wait_for_function("() => window.counterflowDisplay && window.counterflowDisplay.state.snapshots > 0")
    token = parse_qs(urlparse(urls["display"]).query)["token"][0]
    assert display.evaluate("() => localStorage.getItem('counterflow.display.harbour.token')") == token
    me = requests.get(hub.base_url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=5).json()
    assert (me["kind"], me["name"], me["device_kind"], me["branch"]) == ("device", "harbour-display", "display",
                                                                         "harbour")

    # Live on the screens: a service renamed, added or withdrawn reaches the open kiosk without a reload.
    kiosk.get_by_role("button", name="完成").click()
    expect(kiosk.get_by_role("button", name="匯款")).to_be_visible()
    tab(page, "services")
    page.locator('#ad-services tr[data-code="A"] button').click()
    page.locator("#ad-service-form [name=name_zh]").fill("存款業務")
    submit(page.locator("#ad-service-form"))
    expect(kiosk.get_by_role("button", name="存款業務")).to_be_visible()
    page.locator('#ad-services tr[data-code="B"] button').click()
    page.locator("#ad-service-form [name=active]").uncheck()
    submit(page.locator("#ad-service-form"))
    expect(kiosk.get_by_role("button", name="匯款")).to_be_hidden()
    form = page.locator("#ad-service-form")
    form.locator("[data-new]").click()
    form.locator("[name=code]").fill("C")
    form.locator("[name=name_zh]").fill("外匯")
    form.locator("[name=name_en]").fill("Foreign exchange")
    submit(form)
    expect(kiosk.get_by_role("button", name="外匯")).to_be_visible()
    shot(kiosk, "admin-kiosk-online-zh-Hant")
    page.locator('#ad-services tr[data-code="C"] button').click()  # staff only: off the customers' screen
    page.locator("#ad-service-form [name=staff_only]").check()
    submit(page.locator("#ad-service-form"))
    expect(kiosk.get_by_role("button", name="外匯")).to_be_hidden()
    expect(kiosk.get_by_role("button", name="存款業務")).to_be_visible()

    # Opening hours: open only tomorrow (in the branch's zone), so the kiosk refuses now and says why.
    tomorrow = (dt.datetime.now(ZoneInfo("Asia/Hong_Kong")).weekday() + 1) % 7
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[tomorrow]
    tab(page, "branch")
    page.locator(f"#ad-branch-form [name=open_{day}]").fill("09:00")
    page.locator(f"#ad-branch-form [name=close_{day}]").fill("15:30")
    submit(page.locator("#ad-branch-form"))
    expect(page.locator("#ad-info")).to_have_text("已儲存。")
    shot(page, "admin-branch-hours-zh-Hant")
    # The kiosk hears branch.updated, asks the hub whether the hall takes tickets, and closes: today has
    # no hours (kiosk_states.js); its buttons are off and the hub would refuse anyway (409 hall_closed).
    expect(kiosk.get_by_role("button", name="存款業務")).to_be_disabled()
    expect(kiosk.locator("#k-notice")).to_have_text("本日不營業。")
    shot(kiosk, "admin-kiosk-closed-zh-Hant")
    for button, suffix, text in (("简体", "zh-Hans", "本日不营业。"), ("English", "en", "We are closed today.")):
        kiosk.get_by_role("button", name=button).click()
        expect(kiosk.locator("#k-notice")).to_have_text(text)
        shot(kiosk, f"admin-kiosk-closed-{suffix}")
    kiosk.get_by_role("button", name="繁體").click()

    # The change log has every step with who and before -> after.
    tab(page, "changes")
    log = page.locator("#ad-changes tbody")
    for text in ("分行 harbour", "業務 A", "業務 B", "櫃檯 1", "員工帳號 harbour-t1", "設備 lobby-printer",
                 "設備權杖 harbour-kiosk", "設備權杖 harbour-display"):
        expect(log).to_contain_text(text)
    renamed = log.locator("tr", has_text="存款業務")
    expect(renamed.locator("del")).to_have_text("存款")
    shot(page, "admin-changes-zh-Hant")

    for name in ("branch", "services", "counters", "staff"):
        tab(page, name)
        shot(page, f"admin-{name}-zh-Hant")
    for button, suffix in (("简体", "zh-Hans"), ("English", "en")):
        page.locator(".ad-lang").get_by_role("button", name=button).click()
        for name in ("branch", "services", "counters", "staff", "devices", "tokens", "changes"):
            tab(page, name)
            shot(page, f"admin-{name}-{suffix}")
    expect(page.locator("#ad-tab-changes")).to_have_text("Change log")
    expect(page.locator("#ad-changes tbody")).to_contain_text("Staff account harbour-t1")
    tab(page, "branch")
    submit(page.locator("#ad-branch-form"))
    expect(page.locator("#ad-info")).to_have_text("Saved.")
    page.locator(".ad-lang").get_by_role("button", name="繁體").click()
    expect(page.locator("#ad-info")).to_have_text("已儲存。")  # the message shown follows the language


def test_a_supervisor_sees_their_branch_read_only(pages):
    page = sign_in(pages, "supervisor")
    expect(page.locator("body")).to_have_attribute("data-loaded", "demo")
    expect(page.locator("#ad-readonly")).to_have_text("唯讀")
    expect(page.locator("#ad-branch-form")).to_be_hidden()
    tab(page, "services")
    expect(page.locator("#ad-services tbody tr").first).to_be_visible()
    expect(page.locator("#ad-service-form")).to_be_hidden()
    expect(page.locator("#ad-services .ad-write").first).to_be_hidden()  # no "Edit" for a supervisor
    tab(page, "staff")
    expect(page.locator('#ad-staff tr[data-username="teller1"]')).to_be_visible()
    shot(page, "admin-supervisor-read-only-zh-Hant")


def test_a_teller_is_turned_away(pages):
    page = pages.open("/admin")
    page.fill("#ad-user", "teller1")
    page.fill("#ad-pass", "demo")
    page.click("#ad-signin-form button[type=submit]")
    expect(page.locator("#ad-error")).to_have_text("此頁面僅供系統管理員及本分行值班主管使用。")
    expect(page.locator("#ad-console")).to_be_hidden()


def test_no_serious_accessibility_violations_in_the_console(pages):
    from tests.ui.test_accessibility import serious_violations

    page = pages.open("/admin", bypass_csp=True)  # axe is injected as a script tag
    found = {"sign-in": serious_violations(page)}
    page.fill("#ad-user", "admin")
    page.fill("#ad-pass", "demo")
    page.click("#ad-signin-form button[type=submit]")
    expect(page.locator("body")).to_have_attribute("data-loaded", "demo")
    for name in ("branch", "services", "counters", "staff", "devices", "tokens", "changes"):
        tab(page, name)
        found[name] = serious_violations(page)
    assert {k: v for k, v in found.items() if v} == {}


def test_a_fresh_install_starts_from_no_branch_at_all(browser, tmp_path, monkeypatch):
    """No demo: the first admin (from the CLI) signs in to an empty hub and creates the first branch."""
    from server import cli
    from tests.support.live_hub import LiveHub
    from tests.ui.browser_support import Pages

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("COUNTERFLOW_DATABASE_URL", url)
    assert cli.main(["users", "add", "root", "--role", "admin", "--password", "first-admin"]) == 0
    with LiveHub(url, demo=False, log_path=tmp_path / "hub.log") as fresh:
        pages = Pages(browser, fresh)
        try:
            page = pages.open("/admin", locale="en")
            page.fill("#ad-user", "root")
            page.fill("#ad-pass", "first-admin")
            page.click("#ad-signin-form button[type=submit]")
            expect(page.locator("#ad-no-branch")).to_have_text("There is no branch yet: create the first one.")
            expect(page.locator("#ad-tab-services")).to_be_disabled()
            expect(page.locator("#ad-branch-pick")).to_be_hidden()
            shot(page, "admin-fresh-install-en")
            form = page.locator("#ad-branch-form")
            form.locator("[name=code]").fill("first")
            form.locator("[name=name_zh]").fill("第一分行")
            form.locator("[name=name_en]").fill("First")
            submit(form)
            expect(page.locator("body")).to_have_attribute("data-loaded", "first")
            expect(page.locator("#ad-tab-services")).to_be_enabled()
            expect(page.locator("#ad-no-branch")).to_be_hidden()
            expect(page.locator("#ad-branch-select")).to_have_value("first")
        finally:
            pages.close()
        assert not pages.errors, pages.errors
