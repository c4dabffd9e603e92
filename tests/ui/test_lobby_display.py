"""The lobby display as the hall sees and hears it: calls, recalls, paused counters, the message line."""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.ui.browser_support import PORTRAIT, screenshot

ANNOUNCED = """([number, kind]) => window.counterflowDisplay.announcements
    .filter(a => a.number === number && a.kind === kind)"""


def open_display(pages, path="/display/demo", **kw):
    page = pages.open(path, **kw)
    page.wait_for_function("() => window.counterflowDisplay && window.counterflowDisplay.state.snapshots > 0")
    return page


def call_one(staff, teller, counter_id, service):
    """A customer takes a ticket, the teller calls the next customer; returns the called ticket."""
    staff("guide").post("/branches/demo/tickets", {"service": service})
    return teller.post(f"/counters/{counter_id}/call-next", {"complete_current": True})["ticket"]


def test_a_call_is_on_screen_within_a_second_and_queued_for_announcement(pages, staff, teller_at):
    teller, cid = teller_at(1)
    page = open_display(pages)

    called = call_one(staff, teller, cid, "A")
    started = time.monotonic()
    expect(page.locator("#d-current .d-number")).to_have_text(called["number"], timeout=1000)
    assert time.monotonic() - started < 1.0
    expect(page.locator("#d-current .d-to-counter")).to_contain_text("請到 1 號櫃檯")
    expect(page.locator("#d-current .d-to-counter")).to_contain_text("Please go to counter 1")

    page.wait_for_function(f"(args) => ({ANNOUNCED})(args).length === 1", arg=[called["number"], "call"],
                           timeout=1000)
    entry = page.evaluate(f"(args) => ({ANNOUNCED})(args)[0]", [called["number"], "call"])
    spelled = " ".join(called["number"])
    assert entry["texts"] == [
        {"lang": "zh-TW", "text": f"請 {spelled} 號到 1 號櫃檯。"},
        {"lang": "en-US", "text": f"Number {spelled}, please go to counter 1."},
    ]
    expect(page.locator('[data-counter="1"] .d-c-ticket')).to_have_text(called["number"])
    screenshot(page, "display-call-landscape")


def test_a_recall_is_announced_again_and_announcements_never_overlap(pages, staff, teller_at):
    teller, cid = teller_at(2)
    page = open_display(pages)
    called = call_one(staff, teller, cid, "C")
    expect(page.locator("#d-current .d-number")).to_have_text(called["number"])

    teller.post(f"/counters/{cid}/recall")

    page.wait_for_function(f"(args) => ({ANNOUNCED})(args).length === 1", arg=[called["number"], "recall"],
                           timeout=1000)
    expect(page.locator("#d-current .d-again")).to_contain_text("再次呼叫")
    # Both announcements play, one after the other (chime, Chinese, English; then the next).
    page.wait_for_function(
        "(n) => window.counterflowDisplay.announcements.filter(a => a.number === n && a.state === 'done').length === 2",
        arg=called["number"], timeout=15000)
    first, second = page.evaluate(
        "(n) => window.counterflowDisplay.announcements.filter(a => a.number === n)", called["number"])
    assert (first["kind"], second["kind"]) == ("call", "recall")
    assert second["started_at"] >= first["done_at"]


def test_a_paused_counter_is_shown_as_paused(pages, staff, teller_at):
    teller, cid = teller_at(3)
    page = open_display(pages)
    english = open_display(pages, "/display/demo?lang=en", viewport=PORTRAIT, locale="en-US")
    counter = page.locator('[data-counter="3"]')
    expect(counter).to_have_attribute("data-state", "open")

    teller.post(f"/counters/{cid}/pause", {"reason": "午休 lunch"})

    expect(counter).to_have_attribute("data-state", "paused")
    expect(counter.locator(".d-c-state")).to_contain_text("暫停服務")
    expect(counter).not_to_contain_text("午休")  # the reason is for staff, not the hall
    expect(english.locator('[data-counter="3"] .d-c-state .d-primary')).to_have_text("Paused")
    screenshot(page, "display-paused-landscape")
    screenshot(english, "display-paused-portrait-english")

    teller.post(f"/counters/{cid}/resume")
    expect(counter).to_have_attribute("data-state", "open")
    expect(counter.locator(".d-c-state")).to_contain_text("可服務")


def test_supervisor_message_line_and_branch_time(pages, staff):
    page = open_display(pages)
    expect(page.locator("#d-message-bar")).to_be_hidden()
    message = "系統維護通知：本分行今日 15:30 起暫停外幣業務，造成不便敬請見諒。 Foreign exchange closes at 15:30 today."
    staff("supervisor").put("/branches/demo/display-message", {"message": message})
    expect(page.locator("#d-message-text")).to_have_text(message)
    expect(page.locator("#d-message-bar")).to_be_visible()

    taipei = dt.datetime.now(ZoneInfo("Asia/Taipei"))
    shown = page.locator("#d-time").text_content()
    assert shown[:2] in {taipei.strftime("%H"), (taipei + dt.timedelta(minutes=1)).strftime("%H")}
    expect(page.locator("#d-date")).to_contain_text(f"{taipei.month}月{taipei.day}日")
    staff("supervisor").put("/branches/demo/display-message", {"message": ""})
    expect(page.locator("#d-message-bar")).to_be_hidden()


def test_a_busy_hall_fits_landscape_and_portrait_screens(pages, staff, teller_at):
    teller, cid = teller_at(4)
    for _ in range(7):
        last = call_one(staff, teller, cid, "V")
    staff("supervisor").put("/branches/demo/display-message", {"message": "歡迎蒞臨示範分行 Welcome"})
    for name, viewport in (("landscape", None), ("portrait", PORTRAIT)):
        page = open_display(pages, **({"viewport": viewport} if viewport else {}))
        expect(page.locator("#d-current .d-number")).to_have_text(last["number"])
        expect(page.locator("#d-recent-list li")).to_have_count(6)
        overflow = page.evaluate("""() => {
            const root = document.documentElement;
            const out = [];
            if (root.scrollHeight > innerHeight || root.scrollWidth > innerWidth) out.push("page");
            document.querySelectorAll('.d-main > section').forEach(s => {
                if (s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1) out.push(s.className);
            });
            return out;
        }""")
        screenshot(page, f"display-busy-{name}")
        assert overflow == [], f"{name}: content cut off in {overflow}"
