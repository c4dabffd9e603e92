"""The kiosk as a customer and a guide use it: press a service, see the ticket, switch language."""
from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.ui.browser_support import PORTRAIT, screenshot


def open_kiosk(pages, device_token, **kw):
    page = pages.open(f"/kiosk/demo?token={device_token('kiosk')}", **kw)
    expect(page.get_by_role("button", name="個人業務")).to_be_enabled()
    return page


def test_pressing_a_service_shows_the_ticket_with_people_ahead(pages, device_token, staff):
    staff("guide").post("/branches/demo/tickets", {"service": "A"})  # someone is already waiting
    waiting = staff("guide").waiting("A")
    page = open_kiosk(pages, device_token)
    assert "token=" not in page.url  # the device token moved to localStorage, out of sight
    expect(page.locator("#k-wait-A")).to_have_text(f"等候 {waiting} 人")
    screenshot(page, "kiosk-start-landscape")

    with page.expect_response("**/api/v1/branches/demo/tickets") as issued:
        page.get_by_role("button", name="個人業務").click()
    ticket = issued.value.json()

    assert ticket["people_ahead"] == waiting
    expect(page.locator("#k-number")).to_have_text(ticket["number"])
    expect(page.locator("#k-service")).to_have_text("個人業務")
    expect(page.locator("#k-ahead")).to_have_text(f"前面還有 {waiting} 位")
    expect(page.locator("#k-take")).to_have_text("請取票")
    expect(page.locator("#k-qr")).to_be_hidden()
    screenshot(page, "kiosk-ticket-landscape")

    page.get_by_role("button", name="完成").click()
    expect(page.get_by_role("button", name="個人業務")).to_be_visible()
    expect(page.locator("#k-wait-A")).to_have_text(f"等候 {waiting + 1} 人")  # live from queue.changed


def test_a_ticket_that_was_not_printed_shows_its_qr_code(pages, device_token):
    page = open_kiosk(pages, device_token, viewport=PORTRAIT)
    screenshot(page, "kiosk-start-portrait")

    def printer_failed(route):
        response = route.fetch()
        body = response.json()
        body["printed"] = False  # what the devices layer reports when the printer is out of paper
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/branches/demo/tickets", printer_failed)
    with page.expect_response("**/api/v1/branches/demo/tickets") as issued:
        page.get_by_role("button", name="對公業務").click()

    expect(page.locator("#k-number")).to_have_text(issued.value.json()["number"])
    expect(page.locator("#k-qr")).to_be_visible()
    expect(page.locator("#k-take")).to_be_hidden()
    expect(page.get_by_text("號碼單未能列印")).to_be_visible()
    qr = page.get_by_role("img", name="您的號碼追蹤頁 QR 碼")
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.getElementById('k-qr-img').naturalWidth > 0")
    src = qr.get_attribute("src")
    assert src.startswith("/t/") and src.endswith("/qr.svg")
    svg = requests.get(pages.hub.base_url + src, timeout=5)
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    done = page.get_by_role("button", name="完成").bounding_box()
    assert done["y"] + done["height"] <= PORTRAIT["height"]  # all of it on screen, no scrolling
    screenshot(page, "kiosk-ticket-not-printed-portrait")


def test_kiosk_returns_to_the_start_by_itself(pages, device_token):
    page = open_kiosk(pages, device_token)
    page.evaluate("() => { window.CounterFlow.page.result_seconds = 1; }")
    page.get_by_role("button", name="理財").click()
    expect(page.locator("#k-number")).to_have_text(re.compile(r"^C\d{3}$"))
    expect(page.locator("#k-start")).to_be_visible(timeout=3000)
    expect(page.locator("#k-result")).to_be_hidden()


def test_language_switch_changes_the_visible_text(pages, device_token):
    page = open_kiosk(pages, device_token)
    expect(page.get_by_role("heading", level=1)).to_have_text("請選擇服務項目")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please choose a service")
    expect(page.get_by_role("button", name="Personal")).to_be_visible()
    expect(page.locator("#k-wait-A")).to_have_text(re.compile(r"^Waiting: \d+$"))
    assert page.evaluate("document.documentElement.lang") == "en"
    screenshot(page, "kiosk-start-english")

    page.get_by_role("button", name="简体").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("请选择服务项目")
    expect(page.get_by_role("button", name="Staff")).to_have_count(0)
    expect(page.get_by_role("button", name="员工")).to_be_visible()

    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Personal").click()
    expect(page.locator("#k-take")).to_have_text("Please take your ticket")
    expect(page.locator("#k-ahead")).to_have_text(re.compile(r"^People ahead of you: \d+$"))


def test_guide_signs_in_and_issues_a_priority_ticket(pages, device_token):
    page = open_kiosk(pages, device_token)
    page.get_by_role("button", name="員工").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("帳號").fill("teller1")
    dialog.get_by_label("密碼").fill("demo")
    dialog.get_by_role("button", name="登入").click()
    expect(dialog.get_by_role("alert")).to_have_text("此帳號無法發出優先號。")

    dialog.get_by_label("帳號").fill("guide")
    dialog.get_by_label("密碼").fill("demo")
    dialog.get_by_role("button", name="登入").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("#k-guide-name")).to_have_text("引導模式：Guide")
    page.get_by_role("radio", name="貴賓").check()
    screenshot(page, "kiosk-guide-mode")

    with page.expect_response("**/api/v1/branches/demo/tickets") as issued:
        page.get_by_role("button", name="個人業務").click()
    ticket = issued.value.json()
    assert (ticket["priority"], ticket["channel"]) == ("vip", "guide")
    expect(page.locator("#k-class")).to_have_text("貴賓號")

    page.get_by_role("button", name="完成").click()
    page.get_by_role("button", name="登出").click()
    expect(page.get_by_role("button", name="員工")).to_be_visible()
    expect(page.locator("#k-guide-bar")).to_be_hidden()


def test_kiosk_without_a_device_token_says_it_is_not_registered(pages):
    page = pages.open("/kiosk/demo")
    expect(page.get_by_role("alert")).to_have_text("此取號機尚未登記。請員工以裝置權杖開啟。")
    expect(page.get_by_role("button", name="個人業務")).to_be_disabled()


def test_a_queue_update_does_not_replace_the_button_under_a_finger(pages, device_token, staff):
    page = open_kiosk(pages, device_token)
    page.evaluate("() => { window.__button = document.querySelector('[data-service=\"C\"]'); }")
    waiting = staff("guide").waiting("C")
    staff("guide").post("/branches/demo/tickets", {"service": "C"})
    expect(page.locator("#k-wait-C")).to_have_text(f"等候 {waiting + 1} 人")
    assert page.evaluate("() => document.querySelector('[data-service=\"C\"]') === window.__button")
