"""Simplified Chinese names on the zh-Hans pages: the kiosk, the customer's ticket page and the lobby
display show the branch's and the services' names made by OpenCC, and switch back to Traditional and
English with the language (server/queue/names.py). Screenshots go to /tmp/shots-office/."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.ui.browser_support import PHONE, PORTRAIT, screenshot

SHOTS = Path("/tmp/shots-office")


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    screenshot(page, name)


def test_kiosk_ticket_page_and_display_show_simplified_names(pages, device_token, staff):
    kiosk = pages.open(f"/kiosk/demo?token={device_token('kiosk')}&lang=zh-Hans", viewport=PORTRAIT, locale="zh-CN")
    expect(kiosk.locator("#k-branch")).to_have_text("示范分行")
    expect(kiosk.get_by_role("button", name="个人业务")).to_be_enabled()
    expect(kiosk.get_by_role("button", name="对公业务")).to_be_visible()
    shoot(kiosk, "names-kiosk-zh-Hans")
    with kiosk.expect_response("**/api/v1/branches/demo/tickets") as issued:
        kiosk.get_by_role("button", name="个人业务").click()
    ticket = issued.value.json()
    expect(kiosk.locator("#k-service")).to_have_text("个人业务")
    # The language buttons switch the names too.
    kiosk.get_by_role("button", name="繁體").click()
    expect(kiosk.locator("#k-service")).to_have_text("個人業務")
    kiosk.get_by_role("button", name="English").click()
    expect(kiosk.locator("#k-service")).to_have_text("Personal")

    mine = pages.open(f"/t/{ticket['tracking_token']}?lang=zh-Hans", viewport=PHONE, locale="zh-CN")
    expect(mine.locator("#tp-branch")).to_have_text("示范分行")
    expect(mine.locator("#tp-service")).to_have_text("个人业务")
    shoot(mine, "names-ticket-zh-Hans")

    display = pages.open("/display/demo?lang=zh-Hans", viewport=PORTRAIT, locale="zh-CN")
    expect(display.locator(".d-s-name .d-primary").first).to_have_text("个人业务")
    expect(display.locator("header .d-primary").first).to_have_text("示范分行")
    shoot(display, "names-display-zh-Hans")
