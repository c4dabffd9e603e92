"""An estimate under a minute reads "less than a minute" in all three languages, never "about 1 min"
(docs/architecture.md, "Estimates"): on the lobby display and on the ticket page."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.browser_support import PHONE, screenshot
from tests.ui.test_lobby_display import open_display


def _service_row(page, code: str):
    return page.locator(".d-service").filter(has=page.locator(".d-s-code", has_text=code))


def test_the_display_says_less_than_a_minute_when_a_counter_is_free_for_the_next_customer(pages, staff, teller_at):
    teller_at(1)  # A then B
    teller_at(3)  # B then A: two idle counters serve B
    staff("guide").post("/branches/demo/tickets", {"service": "B"})
    assert staff("guide").waiting("B") == 1

    for path, primary, second in [("/display/demo", "不到 1 分鐘", "less than a minute"),
                                  ("/display/demo?lang=zh_Hans", "不到 1 分钟", "less than a minute"),
                                  ("/display/demo?lang=en", "less than a minute", "不到 1 分鐘")]:
        page = open_display(pages, path)
        estimate = _service_row(page, "B").locator(".d-s-est")
        expect(estimate.locator(".d-primary")).to_have_text(primary)
        expect(estimate.locator(".d-second")).to_have_text(second)
        screenshot(page, "wait-wording-display-" + (path.split("=")[-1] if "=" in path else "zh_Hant"))


def test_the_ticket_page_says_less_than_a_minute_for_a_short_turn(pages, staff, teller_at):
    teller, cid = teller_at(4)  # V, C, A: the only counter open for C
    for _ in range(2):  # the first C service takes a moment: C's recent mean is now a second or so
        staff("guide").post("/branches/demo/tickets", {"service": "C"})
        teller.post(f"/counters/{cid}/call-next", {"complete_current": True})  # the second stays at the counter
    mine = staff("guide").post("/branches/demo/tickets", {"service": "C"})
    assert 0 < mine["estimated_wait_s"] < 60

    for locale, text in [("zh-TW", "預估等候不到 1 分鐘"), ("zh-CN", "预计等候不到 1 分钟"),
                         ("en-US", "Estimated wait: less than a minute")]:
        page = pages.open(f"/t/{mine['tracking_token']}", viewport=PHONE, locale=locale)
        expect(page.locator(".tp-wait")).to_have_text(text)
        screenshot(page, f"wait-wording-ticket-{locale}")
