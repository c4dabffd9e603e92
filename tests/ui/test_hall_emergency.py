"""The emergency plan and the kiosk's states in a real browser (issue 11, items 1 and 5).

The supervisor starts the plan with a reason and an instruction after a confirmation; every counter
terminal shows the banner and asks a paused teller to resume; the lobby display shows its notice; the
supervisor sees the closed counters that could open; ending it clears everything. The kiosk says when
the hall is closed, hides staff-only services outside guide mode and marks a service no open counter
serves. Screenshots of each changed screen in zh-Hant, zh-Hans and en go to /tmp/shots-hall-emergency/.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.ui.browser_support import PORTRAIT

SHOTS = Path("/tmp/shots-hall-emergency")
DESK = {"width": 1440, "height": 900}
LOCALES = {"zh-TW": "zh-Hant", "zh-CN": "zh-Hans", "en-US": "en"}


def shot(page, name: str, locale: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{LOCALES[locale]}.png"))


def open_panel(pages, locale: str):
    page = pages.open("/supervisor/demo", viewport=DESK, locale=locale)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    return page


def open_terminal(pages, username: str, number: int, locale: str):
    page = pages.open("/counter", viewport=DESK, locale=locale)
    page.locator("#ct-user").fill(username)
    page.locator("#ct-pass").fill("demo")
    page.locator("#ct-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowCounter && window.counterflowCounter.state.snapshots > 0")
    expect(page.locator("#ct-work")).to_be_visible()
    return page


def open_display(pages, locale: str):
    page = pages.open("/display/demo", locale=locale)
    page.wait_for_function("() => window.counterflowDisplay && window.counterflowDisplay.state.snapshots > 0")
    return page


def patch_settings(hub, body: dict) -> None:
    response = requests.patch(hub.base_url + "/api/v1/branches/demo/hall-settings", json=body, timeout=10,
                              headers={"Authorization": f"Bearer {hub.token('admin')}"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("locale", list(LOCALES))
def test_the_emergency_plan_reaches_every_counter_the_display_and_the_supervisor(pages, staff, teller_at, locale):
    teller1, c1 = teller_at(1)
    teller2, c2 = teller_at(2)
    teller2.post(f"/counters/{c2}/pause", {"reason": "meeting"})
    panel = open_panel(pages, locale)
    paused_terminal = open_terminal(pages, "teller2", 2, locale)
    busy_terminal = open_terminal(pages, "teller1", 1, locale)
    display = open_display(pages, locale)
    expect(paused_terminal.locator("#ct-emergency")).to_be_hidden()

    # A reason is required; the confirmation says what the plan will do before anything starts.
    panel.locator("#sv-emergency-start").click()
    expect(panel.locator("#sv-emergency-confirm")).to_be_hidden()
    panel.locator("#sv-emergency-reason").fill("A 等候超過 20 分鐘")
    panel.locator("#sv-emergency-instruction").fill("請優先叫 A")
    panel.locator("#sv-emergency-start").click()
    dialog = panel.locator("#sv-emergency-confirm")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#sv-emergency-confirm-reason")).to_contain_text("A 等候超過 20 分鐘")
    expect(dialog.locator("#sv-emergency-confirm-policy")).not_to_be_empty()
    shot(panel, "supervisor-emergency-confirm", locale)
    assert staff("supervisor").get("/branches/demo/emergency")["emergency"] is None  # not before confirming
    dialog.locator("#sv-emergency-confirm-ok").click()

    # Every counter terminal: the banner with reason and instruction; the paused one is asked to resume.
    for terminal in (paused_terminal, busy_terminal):
        banner = terminal.locator("#ct-emergency")
        expect(banner).to_be_visible()
        expect(banner.locator("#ct-emergency-reason")).to_contain_text("A 等候超過 20 分鐘")
        expect(banner.locator("#ct-emergency-instruction")).to_contain_text("請優先叫 A")
    expect(busy_terminal.locator("#ct-emergency-resume")).to_be_hidden()
    expect(paused_terminal.locator("#ct-emergency-resume")).to_be_visible()
    shot(paused_terminal, "counter-emergency-paused", locale)
    paused_terminal.locator("#ct-emergency-resume-btn").click()
    expect(paused_terminal.locator("#ct-emergency-resume")).to_be_hidden()
    assert staff("supervisor").get(f"/counters/{c2}")["state"] == "open"

    # The lobby display's notice line; the supervisor's list of closed counters that could open.
    expect(display.locator("#d-emergency-bar")).to_be_visible()
    shot(display, "display-emergency", locale)
    closed = panel.locator("#sv-emergency-counters li")
    expect(closed).to_have_count(2)  # counters 3 and 4 are closed
    expect(panel.locator("#sv-emergency-counters")).to_contain_text(re.compile("3"))
    expect(panel.locator("#sv-emergency-banner")).to_contain_text("A 等候超過 20 分鐘")
    shot(panel, "supervisor-emergency-on", locale)

    # Ending it restores every screen.
    panel.locator("#sv-emergency-end").click()
    for hidden in (paused_terminal.locator("#ct-emergency"), busy_terminal.locator("#ct-emergency"),
                   display.locator("#d-emergency-bar"), panel.locator("#sv-emergency-support")):
        expect(hidden).to_be_hidden()
    teller1.post(f"/counters/{c1}/close")
    teller2.post(f"/counters/{c2}/close")


def open_kiosk(pages, device_token, locale):
    page = pages.open(f"/kiosk/demo?token={device_token('kiosk')}", viewport=PORTRAIT, locale=locale)
    page.wait_for_function("() => window.counterflowKiosk && window.counterflowKiosk.state.services.length > 0")
    return page


@pytest.mark.parametrize("locale", list(LOCALES))
def test_the_kiosk_says_closed_unavailable_and_keeps_staff_only_services_for_guides(
        pages, hub, device_token, teller_at, locale):
    teller1, c1 = teller_at(1)  # counter 1 serves A and B; nobody serves C
    patch_settings(hub, {"unavailable_policy": "refuse", "opening_hours": None})
    page = open_kiosk(pages, device_token, locale)

    # Staff-only VIP is not offered to the public; C has no open counter and is refused.
    expect(page.locator('[data-service="V"]')).to_have_count(0)
    expect(page.locator('[data-service="A"]')).to_be_enabled()
    c_button = page.locator('[data-service="C"]')
    expect(c_button).to_be_disabled()
    expect(c_button.locator(".k-state")).to_be_visible()
    shot(page, "kiosk-unavailable", locale)

    # With "warn" the customer may still take a ticket and is told no counter serves it: no estimate.
    patch_settings(hub, {"unavailable_policy": "warn"})
    expect(c_button).to_be_enabled()
    with page.expect_response("**/api/v1/branches/demo/tickets") as issued:
        c_button.click()
    assert issued.value.json()["estimated_wait_s"] is None
    expect(page.locator("#k-wait")).not_to_be_empty()
    shot(page, "kiosk-no-counter-ticket", locale)
    page.locator("#k-done").click()

    # Outside today's opening hours every button is off and the hours are shown.
    hour = (dt.datetime.now(ZoneInfo("Asia/Taipei")).hour + 12) % 24  # half a day away from now
    patch_settings(hub, {"opening_hours": {str(d): [f"{hour:02d}:00", f"{hour:02d}:30"] for d in range(7)}})
    expect(page.locator('[data-service="A"]')).to_be_disabled()
    expect(page.locator("#k-notice")).to_contain_text(f"{hour:02d}:00")
    shot(page, "kiosk-closed-hours", locale)
    patch_settings(hub, {"opening_hours": None})
    expect(page.locator('[data-service="A"]')).to_be_enabled()

    # A guide sees the staff-only service.
    page.locator("#k-staff").click()
    page.locator("#k-signin-form [name=username]").fill("guide")
    page.locator("#k-signin-form [name=password]").fill("demo")
    page.locator("#k-signin-form button[type=submit]").click()
    expect(page.locator('[data-service="V"]')).to_have_count(1)
    teller1.post(f"/counters/{c1}/close")


def test_after_the_day_close_every_kiosk_says_closed_for_today(pages, staff, device_token):
    """Last in this module: the day close ends the business day for the module's hub."""
    kiosks = {locale: open_kiosk(pages, device_token, locale) for locale in LOCALES}
    for page in kiosks.values():
        expect(page.locator('[data-service="A"]')).to_be_enabled()
    staff("supervisor").post("/branches/demo/day-close", {})
    texts = {"zh-TW": "今日已結束營業", "zh-CN": "今日已结束营业", "en-US": "closed for today"}
    for locale, page in kiosks.items():
        expect(page.locator("#k-notice")).to_contain_text(texts[locale])  # at once, from day.closed
        for button in page.locator(".k-service-btn").all():
            expect(button).to_be_disabled()
        shot(page, "kiosk-closed-for-today", locale)
