"""A customer books a slot on /b/demo/book from a phone, sees the code and the QR on the appointment's
page, checks in there and is called ahead of a walk-in who came earlier (docs/architecture.md,
"Appointments"). Screens in zh-Hant, zh-Hans and en."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.ui.browser_support import PHONE

SHOTS = Path("/tmp/shots-appointments")
ALL_DAY = {str(d): ["00:00", "23:59"] for d in range(7)}  # slots whatever time the test runs


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def set_up(staff):
    staff("admin").session.patch(staff("admin").base + "/branches/demo/hall-settings",
                                 json={"opening_hours": ALL_DAY}, timeout=10).raise_for_status()
    supervisor = staff("supervisor")
    supervisor.put("/branches/demo/appointment-settings/services/A", {"counters": 1, "slot_min": 30})
    # The first free slot starts within the hour (check-in opens an hour before); with 120 minutes
    # early it is inside its call window at once, whatever the time of day the test runs.
    response = supervisor.session.patch(supervisor.base + "/branches/demo/appointment-settings",
                                        json={"early_min": 120}, timeout=10)
    assert response.status_code == 200, response.text


def book_first_free_slot(pages, locale, name, phone):
    page = pages.open("/b/demo/book", viewport=PHONE, locale=locale)
    page.locator(".ap-choice[data-value='A']").click()  # the one service taking appointments
    page.locator("#ap-slots .ap-choice:not([disabled])").first.click()
    page.fill("#ap-name", name)
    page.fill("#ap-phone", phone)
    return page


def test_booking_checking_in_and_being_called_ahead_of_a_walk_in(pages, staff, teller_at):
    set_up(staff)
    walk_in = staff("guide").post("/branches/demo/tickets", {"service": "A"})

    page = book_first_free_slot(pages, "zh-TW", "陳小姐", "0912345678")
    expect(page.locator("#ap-book")).to_be_enabled()
    shot(page, "book-zh-Hant")
    page.locator("#ap-book").click()
    page.wait_for_url("**/a/*")
    expect(page.locator("#ap-code")).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    expect(page.locator("#ap-status")).to_have_text("預約成功，請於預約時間前幾分鐘到達。")
    page.wait_for_function("() => document.getElementById('ap-qr').naturalWidth > 0")  # the QR loaded
    assert "陳" not in page.content() and "0912345678" not in page.content()  # no contact on the page
    shot(page, "appointment-zh-Hant")

    page.get_by_role("button", name="我已到達：報到").click()
    expect(page.locator("#ap-status")).to_contain_text("已報到。您的號碼：PA")
    number = page.locator("#ap-status").inner_text().rsplit("：", 1)[1]
    shot(page, "appointment-checked-in-zh-Hant")

    # The teller calls: the appointment in its window goes before the walk-in who came first, and the
    # lobby display marks it as an appointment.
    display = pages.open("/display/demo")
    display.wait_for_function("() => document.documentElement.dataset.connection === 'online'")
    teller, cid = teller_at(1)
    called = teller.post(f"/counters/{cid}/call-next")["ticket"]
    assert called["number"] == number and called["channel"] == "appointment"
    expect(display.locator("#d-current .d-number")).to_have_text(number)
    expect(display.locator("#d-current .d-appointment .d-primary")).to_have_text("預約")
    shot(display, "display-appointment-called")
    assert teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]["number"] == walk_in["number"]

    page.get_by_role("link", name="查看我的號碼").click()
    expect(page.locator("#tp-number")).to_have_text(number)


def test_booking_pages_in_simplified_chinese_and_english_and_cancelling(pages, staff):
    set_up(staff)
    page = book_first_free_slot(pages, "zh-CN", "王先生", "0922333444")
    expect(page.locator("h1")).to_have_text("预约服务")
    shot(page, "book-zh-Hans")
    page.locator("#ap-book").click()
    page.wait_for_url("**/a/*")
    expect(page.locator("#ap-status")).to_have_text("预约成功，请于预约时间前几分钟到达。")
    page.wait_for_function("() => document.getElementById('ap-qr').naturalWidth > 0")
    shot(page, "appointment-zh-Hans")

    page = pages.open(page.url.replace(pages.hub.base_url, ""), viewport=PHONE, locale="en-US")
    expect(page.locator("h1")).to_have_text("Your appointment")
    shot(page, "appointment-en")
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_role("button", name="Tap again to cancel").click()
    expect(page.locator("#ap-status")).to_have_text("This appointment was cancelled.")
    expect(page.locator("#ap-qr-box")).to_be_hidden()

    # The cancelled seat is free again, and the English booking page says so.
    english = pages.open("/b/demo/book", viewport=PHONE, locale="en-US")
    expect(english.locator("h1")).to_have_text("Book an appointment")
    english.locator(".ap-choice[data-value='A']").click()
    expect(english.locator("#ap-slots .ap-choice:not([disabled])").first).to_be_visible()
    shot(english, "book-en")


def book_by_api(hub, name, phone):
    import requests

    base = hub.base_url + "/api/v1/public/branches/demo/appointments"
    day = requests.get(base, timeout=10).json()["days"][0]
    free = [s for s in requests.get(base + "/slots", params={"service": "A", "day": day}, timeout=10).json()["slots"]
            if s["free"]]
    made = requests.post(base, json={"service": "A", "day": day, "time": free[0]["time"], "name": name,
                                     "phone": phone}, timeout=10)
    assert made.status_code == 201, made.text
    return made.json()


def test_checking_in_by_code_at_the_kiosk_and_the_supervisor_tab(pages, staff, device_token, hub):
    set_up(staff)
    booked = book_by_api(hub, "林先生", "0933444555")
    kiosk = pages.open(f"/kiosk/demo?token={device_token('kiosk')}", locale="en-US")
    # The kiosk's one check-in takes the appointment code (a phone ticket's number: test_remote_queue_ui.py).
    kiosk.get_by_role("button", name="Check in: appointment or phone ticket").click()
    kiosk.locator("#k-check-in-code").fill("NOSUCH")
    kiosk.locator("#k-check-in-form button[type=submit]").click()
    expect(kiosk.locator("#k-check-in-result")).to_have_text(
        "No appointment with this code and no phone ticket with this number here.")
    kiosk.locator("#k-check-in-code").fill(booked["code"].lower())
    kiosk.locator("#k-check-in-form button[type=submit]").click()
    expect(kiosk.locator("#k-number")).to_have_text(re.compile(r"^PA\d{3}$"))
    expect(kiosk.locator("#k-check-in")).to_be_hidden()
    shot(kiosk, "kiosk-checked-in-en")

    for locale, shot_name, title in (("zh-TW", "supervisor-appointments-zh-Hant", "今日預約"),
                                     ("zh-CN", "supervisor-appointments-zh-Hans", "今日预约"),
                                     ("en-US", "supervisor-appointments-en", "Today's bookings")):
        page = pages.open("/supervisor/demo", viewport={"width": 1440, "height": 900}, locale=locale)
        page.locator("#sv-user").fill("supervisor")
        page.locator("#sv-pass").fill("demo")
        page.locator("#sv-signin-form button[type=submit]").click()
        page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
        page.locator("#sv-tab-appointments").click()
        expect(page.locator("#sv-ap-day-title")).to_have_text(title)
        row = page.locator(f"#sv-ap-day tr[data-code='{booked['code']}']")
        expect(row).to_have_attribute("data-status", "arrived")
        expect(row).not_to_contain_text("0933444555")  # contact data only when asked for
        page.locator("#sv-ap-show-contact").check()
        expect(row).to_contain_text("0933444555")
        expect(page.locator("#sv-ap-services tr[data-service='A'] input").first).to_have_value("1")
        shot(page, shot_name)
