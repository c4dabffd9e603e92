"""A ticket moved to one counter, as the supervisor panel and the lobby display show it: the service's
waiting figure is what any of its counters can call; the panel names the counter's own customers apart
(docs/architecture.md, "Hall figures"). Screenshots go to /tmp/shots-estimates/."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots-estimates")
DESK = {"width": 1440, "height": 900}
APART = {"zh_Hant": "另 1 位等 2 號櫃檯", "zh_Hans": "另 1 位等 2 号柜台", "en": "+1 for counter 2"}


@pytest.fixture(scope="module")
def moved(staff, teller_at):
    teller_at(1)
    teller_at(2)
    first = staff("guide").post("/branches/demo/tickets", {"service": "A"})
    staff("guide").post("/branches/demo/tickets", {"service": "A"})
    staff("supervisor").post(f"/tickets/{first['id']}/move", {"to_counter": 2, "reason": "asked for her teller"})
    return first


@pytest.mark.parametrize("locale,lang", [("zh-TW", "zh_Hant"), ("zh-CN", "zh_Hans"), ("en-US", "en")])
def test_the_panel_counts_a_ticket_moved_to_a_counter_apart(pages, moved, locale, lang):
    page = pages.open(f"/supervisor/demo?lang={lang}", viewport=DESK, locale=locale)
    page.locator("#sv-user").fill("supervisor")
    page.locator("#sv-pass").fill("demo")
    page.locator("#sv-signin-form button[type=submit]").click()
    page.wait_for_function("() => window.counterflowSupervisor.state.snapshots > 0")
    cell = page.locator('#sv-queues tr[data-service="A"] .sv-waiting')
    expect(cell.locator(".sv-for-counter")).to_have_text(APART[lang])
    expect(cell).to_have_text("1" + APART[lang])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"supervisor-queues-{lang}.png"))


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans", "en"])
def test_the_display_shows_the_service_queue_only(pages, moved, lang):
    page = pages.open(f"/display/demo?lang={lang}", viewport={"width": 1920, "height": 1080})
    service = page.locator(".d-service").filter(has=page.locator(".d-s-code", has_text="A"))
    expect(service.locator(".d-s-count")).to_contain_text("1")
    expect(service.locator(".d-s-count")).not_to_contain_text("2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"display-{lang}.png"))
