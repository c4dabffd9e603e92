"""The language buttons of the public phone pages (the shared common/phone_header.html and
cf.ui.languageButtons, docs/architecture.md "Phone pages"): a tap switches the page live, the phone
remembers the choice for every phone page, and on the booking page a ?lang= in the address wins."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.browser_support import PHONE, screenshot

NAMES = {"zh-Hant": "示範分行", "zh-Hans": "示范分行", "en": "Demo Branch"}
BUTTONS = {"zh-Hant": "繁體", "zh-Hans": "简体", "en": "English"}


def switch(page, prefix: str, language: str) -> None:
    page.locator(".cf-lang button", has_text=BUTTONS[language]).click()
    expect(page.locator(f"#{prefix}-branch")).to_have_text(NAMES[language])
    expect(page.locator(".cf-lang button", has_text=BUTTONS[language])).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"header.cf-phone-header.{prefix}-header")).to_be_visible()


def test_each_phone_page_switches_live_and_remembers_the_choice(pages, staff):
    token = staff("guide").post("/branches/demo/tickets", {"service": "A"})["tracking_token"]
    for path, prefix, name in (("/b/demo", "bp", "branch"), (f"/t/{token}", "tp", "ticket"),
                               ("/b/demo/book", "ap", "book")):
        page = pages.open(path, viewport=PHONE)
        expect(page.locator(f"#{prefix}-branch")).to_have_text(NAMES["zh-Hant"])
        screenshot(page, f"phone-header-{name}-zh-Hant")
        for language in ("zh-Hans", "en"):
            switch(page, prefix, language)
            screenshot(page, f"phone-header-{name}-{language}")
        # The same phone opens the page again: English, remembered, branch name included.
        again = page.context.new_page()
        again.goto(page.url)
        expect(again.locator(f"#{prefix}-branch")).to_have_text(NAMES["en"])
        expect(again.locator(".cf-lang button", has_text="English")).to_have_attribute("aria-pressed", "true")


def test_a_lang_in_the_booking_address_wins_over_the_remembered_choice(pages):
    page = pages.open("/b/demo/book", viewport=PHONE)
    switch(page, "ap", "en")
    asked = page.context.new_page()
    asked.goto(page.url + "?lang=zh-Hans")
    expect(asked.locator("#ap-branch")).to_have_text(NAMES["zh-Hans"])
    expect(asked.locator(".cf-lang button", has_text="简体")).to_have_attribute("aria-pressed", "true")
