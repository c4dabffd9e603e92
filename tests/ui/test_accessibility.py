"""axe-core on every page and state a customer or guide meets: no serious or critical violation.

axe-core (MPL-2.0) is vendored in tests/ui/vendor/axe.min.js. It is injected as a script tag, which the
pages' Content-Security-Policy would refuse, so these contexts bypass CSP (the other tests keep it).
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.browser_support import AXE, PHONE, PORTRAIT

RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]


def check(page, state: str, found: dict) -> None:
    violations = serious_violations(page)
    if violations:
        found[state] = violations


def test_no_serious_accessibility_violations_on_any_page(pages, staff, teller_at, device_token):
    teller, cid = teller_at(1)
    found: dict[str, list] = {}

    kiosk = pages.open(f"/kiosk/demo?token={device_token('kiosk')}", bypass_csp=True)
    expect(kiosk.get_by_role("button", name="個人業務")).to_be_enabled()
    check(kiosk, "kiosk start", found)
    kiosk.get_by_role("button", name="English").click()
    check(kiosk, "kiosk start (English)", found)
    kiosk.get_by_role("button", name="Staff").click()
    expect(kiosk.get_by_role("dialog")).to_be_visible()
    check(kiosk, "kiosk guide sign-in", found)
    kiosk.get_by_role("button", name="Cancel").click()

    def printer_failed(route):
        response = route.fetch()
        route.fulfill(response=response, json=dict(response.json(), printed=False))

    kiosk.route("**/api/v1/branches/demo/tickets", printer_failed)
    kiosk.get_by_role("button", name="Personal").click()
    expect(kiosk.locator("#k-qr")).to_be_visible()
    check(kiosk, "kiosk ticket with QR", found)

    mine = staff("guide").post("/branches/demo/tickets", {"service": "A"})
    display = pages.open("/display/demo", bypass_csp=True)
    display.wait_for_function("() => window.counterflowDisplay.state.snapshots > 0")
    ticket = pages.open(f"/t/{mine['tracking_token']}", viewport=PHONE, bypass_csp=True)
    expect(ticket.locator(".tp-ahead")).to_be_visible()
    check(ticket, "ticket page waiting", found)

    while teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]["number"] != mine["number"]:
        pass  # the kiosk's ticket above came first
    staff("supervisor").put("/branches/demo/display-message", {"message": "歡迎光臨 Welcome"})
    teller.post(f"/counters/{cid}/pause", {"reason": "break"})
    expect(display.locator('[data-counter="1"]')).to_have_attribute("data-state", "paused")
    expect(display.locator("#d-message-bar")).to_be_visible()
    check(display, "display with calls, pause and message", found)
    expect(ticket.locator(".tp-go")).to_be_visible()
    check(ticket, "ticket page called", found)
    teller.post(f"/counters/{cid}/resume")

    portrait = pages.open("/display/demo?lang=en", viewport=PORTRAIT, bypass_csp=True)
    portrait.wait_for_function("() => window.counterflowDisplay.state.snapshots > 0")
    check(portrait, "display portrait (English)", found)
    check(pages.open("/t/unknown-token", bypass_csp=True), "not found page", found)

    assert not found, found
