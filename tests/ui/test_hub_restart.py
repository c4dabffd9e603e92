"""Pages left open through a hub restart come back by themselves and show what happens next."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.browser_support import PHONE, screenshot



def test_open_pages_survive_a_hub_restart_without_reloading(pages, staff, teller_at, device_token, hub):
    teller, cid = teller_at(1)
    kiosk = pages.open(f"/kiosk/demo?token={device_token('kiosk')}")
    display = pages.open("/display/demo")
    mine = staff("guide").post("/branches/demo/tickets", {"service": "A"})
    ticket = pages.open(f"/t/{mine['tracking_token']}", viewport=PHONE)
    for page in (kiosk, display, ticket):
        expect(page.locator("html")).to_have_attribute("data-connection", "online")
        page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page ever reloads

    hub.restart()

    for page in (kiosk, display, ticket):
        # Each page noticed the outage and reconnected on its own (socket.io backoff, up to 3 s).
        page.wait_for_function("() => document.documentElement.dataset.connection === 'online'", timeout=15000)
    called = teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]
    assert called["number"] == mine["number"]

    expect(display.locator("#d-current .d-number")).to_have_text(called["number"], timeout=2000)
    expect(ticket.locator(".tp-go")).to_have_text("請到 1 號櫃檯", timeout=2000)
    with kiosk.expect_response("**/api/v1/branches/demo/tickets") as issued:
        kiosk.get_by_role("button", name="對公業務").click()
    assert issued.value.status == 201
    expect(kiosk.locator("#k-number")).to_have_text(issued.value.json()["number"])
    for page in (kiosk, display, ticket):
        assert page.evaluate("() => window.__sameDocument === true")
    screenshot(display, "display-after-restart")
