"""The customer's phone: the ticket page behind the QR code follows the ticket live."""
from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.ui.browser_support import PHONE, screenshot


def test_ticket_page_moves_up_the_queue_and_says_go_to_counter(pages, staff, teller_at):
    teller, cid = teller_at(1)
    guide = staff("guide")
    first = guide.post("/branches/demo/tickets", {"service": "A"})
    mine = guide.post("/branches/demo/tickets", {"service": "A"})
    page = pages.open(f"/t/{mine['tracking_token']}", viewport=PHONE)
    expect(page.locator("#tp-number")).to_have_text(mine["number"])
    expect(page.locator("#tp-service")).to_have_text("個人業務")
    expect(page.locator(".tp-ahead")).to_have_text(f"前面還有 {mine['people_ahead']} 位")
    page.wait_for_function("() => window.counterflowTicket.client.seq !== null")
    screenshot(page, "ticket-page-waiting-phone")

    # Whoever is ahead gets called: this page's position follows without a reload.
    called = teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]
    assert called["number"] != mine["number"] or mine["people_ahead"] == 0
    if called["number"] != mine["number"]:
        expect(page.locator(".tp-ahead")).to_have_text(f"前面還有 {mine['people_ahead'] - 1} 位")
        while called["number"] != mine["number"]:
            called = teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]

    expect(page.locator(".tp-go")).to_have_text("請到 1 號櫃檯", timeout=2000)
    expect(page.locator(".tp-turn")).to_have_text("輪到您了！")
    assert page.title() == "請到 1 號櫃檯"  # seen on a tab in the background too
    page.wait_for_function("() => window.__vibrations.length === 1")
    screenshot(page, "ticket-page-called-phone")

    teller.post(f"/counters/{cid}/recall")
    expect(page.locator(".tp-again")).to_have_text("再次呼叫")
    page.wait_for_function("() => window.__vibrations.length === 2")  # a recall buzzes again

    teller.post(f"/counters/{cid}/complete")
    expect(page.locator(".tp-final")).to_have_text("謝謝光臨。")
    assert first["number"] != mine["number"]


def test_ticket_page_language_and_alert_button(pages, staff):
    mine = staff("guide").post("/branches/demo/tickets", {"service": "B"})
    page = pages.open(f"/t/{mine['tracking_token']}", viewport=PHONE, locale="en-US")
    expect(page.locator(".tp-ahead")).to_have_text(f"People ahead of you: {mine['people_ahead']}")
    page.get_by_role("button", name="Turn on sound and vibration").click()
    expect(page.get_by_text("Sound and vibration are on.")).to_be_visible()
    page.get_by_role("button", name="繁體").click()
    expect(page.locator(".tp-ahead")).to_have_text(f"前面還有 {mine['people_ahead']} 位")
    expect(page.locator("#tp-service")).to_have_text("對公業務")


def test_an_unknown_ticket_reveals_nothing(pages):
    page = pages.open("/t/not-a-real-token-1234567890abcdef")
    expect(page.get_by_role("heading", level=1)).to_have_text("找不到頁面")
    base = pages.hub.base_url
    assert requests.get(f"{base}/t/not-a-real-token", timeout=5).status_code == 404
    assert requests.get(f"{base}/t/not-a-real-token/qr.svg", timeout=5).status_code == 404
    assert requests.get(f"{base}/t/{'x' * 200}", timeout=5).status_code == 404


def test_the_customer_rates_their_ticket_once_from_its_page(pages, staff, teller_at):
    teller, cid = teller_at(1)
    mine = staff("guide").post("/branches/demo/tickets", {"service": "A"})
    page = pages.open(f"/t/{mine['tracking_token']}", viewport=PHONE, locale="en-US")
    page.wait_for_function("() => window.counterflowTicket.client.seq !== null")
    expect(page.locator("#tp-rate")).to_be_hidden()  # not before service
    while teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]["number"] != mine["number"]:
        pass
    teller.post(f"/counters/{cid}/complete")
    expect(page.get_by_text("How was our service?")).to_be_visible()
    page.get_by_role("button", name="4 of 5").click()
    expect(page.locator("#tp-rate-result")).to_have_text("Thank you for your rating.")
    expect(page.get_by_role("button", name="5 of 5")).to_be_disabled()
    again = requests.post(f"{pages.hub.base_url}/api/v1/public/tickets/{mine['tracking_token']}/rating",
                          json={"score": 1}, timeout=5)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
