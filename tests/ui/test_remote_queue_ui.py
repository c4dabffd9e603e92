"""The remote queue in a real browser (issue 15): a customer takes a ticket on /b/demo from a phone,
waits "not checked in", is nudged (the page, and a fake HTTP message provider on 127.0.0.1 receiving
the message from the hub's notice worker), checks in through the door poster's page, is called and
served. Screenshots of the new screens in zh-Hant, zh-Hans and en go to var/screenshots/."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
from playwright.sync_api import expect

from tests.support.live_hub import LiveHub
from tests.ui.browser_support import PHONE, screenshot
from tests.ui.test_counter_terminal import sign_in
from tests.ui.test_hall_tickets import at_my_counter
from tests.ui.test_lobby_display import open_display
from tests.ui.test_supervisor_panel import open_panel


class Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        Gateway.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def gateway():
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/messages"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hub(module_database_url, tmp_path_factory, gateway):
    """This module's hub sends notices to the fake provider (overrides tests/ui/conftest.py's)."""
    env = {"COUNTERFLOW_MESSAGE_PROVIDER": "http", "COUNTERFLOW_MESSAGE_HTTP_URL": gateway,
           "COUNTERFLOW_MESSAGE_HTTP_KEY": "test-key", "COUNTERFLOW_NOTICE_POLL_S": "0.2"}
    with LiveHub(module_database_url, log_path=tmp_path_factory.mktemp("hub-log") / "hub.log", env=env) as live:
        yield live


def wait_for_message(kind: str, number: str, timeout: float = 8.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in Gateway.received:
            if message["kind"] == kind and message["ticket"] == number:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no {kind} message for {number}: {Gateway.received}")


def test_take_a_remote_ticket_be_nudged_check_in_at_the_door_be_called_and_served(pages, staff, teller_at):
    teller, cid = teller_at(1)
    guide, supervisor = staff("guide"), staff("supervisor")
    for _ in range(2):  # two walk-ins ahead: within the default nudge distance of 3
        guide.post("/branches/demo/tickets", {"service": "A"})

    page = pages.open("/b/demo", viewport=PHONE)
    expect(page.get_by_role("heading", level=1)).to_have_text("用手機取號")
    row = page.locator('.bp-service[data-service="A"]')
    expect(row.locator(".bp-service-name")).to_have_text("個人業務")
    expect(row.locator(".bp-waiting")).to_have_text("等候 2 人")
    expect(page.get_by_role("link", name="預約服務")).to_have_attribute("href", "/b/demo/book")
    page.locator("#bp-contact").fill("0912 000 111")
    screenshot(page, "remote-branch-page-zh-hant")
    row.get_by_role("button", name="取號").click()

    page.wait_for_url("**/t/**")
    token = page.url.rsplit("/", 1)[1]
    expect(page.locator("#tp-check-in")).to_have_text(
        "尚未報到。抵達後請用這支手機掃描門口的 QR 碼，或在取號機輸入號碼。在此之前保留您的順位。")
    expect(page.locator("#tp-near")).to_have_text("快輪到您了：前面還有 2 位，請現在前往分行。")
    page.wait_for_function("() => window.__vibrations.length >= 1")  # the nudge buzzes once
    number = page.locator("#tp-number").inner_text()
    near = wait_for_message("near", number)
    assert near["to"] == "0912000111" and near["people_ahead"] == 2 and number in near["text"]
    screenshot(page, "remote-ticket-not-checked-in-zh-hant")

    # Not checked in: both walk-ins are called, the remote customer is skipped.
    first = teller.post(f"/counters/{cid}/call-next")["ticket"]
    assert first["number"] != number
    second = teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]
    assert second["number"] != number
    teller.post(f"/counters/{cid}/complete")
    teller.post(f"/counters/{cid}/call-next", expect=409)  # queue_empty: nobody callable

    # The door poster: this phone scans it and the ticket is checked in.
    door = supervisor.get("/branches/demo/remote/door-poster")["url"]
    page.goto(door)
    expect(page.locator(".bp-done-text")).to_have_text(f"已報到：號碼 {number}，請稍候叫號。")
    screenshot(page, "remote-door-checked-in-zh-hant")
    page.reload()  # scanned twice: still "checked in", nothing changes
    expect(page.locator(".bp-done-text")).to_have_text(f"已報到：號碼 {number}，請稍候叫號。")
    page.get_by_role("link", name="查看我的號碼").click()
    page.wait_for_url(f"**/t/{token}")
    expect(page.locator("#tp-check-in")).to_have_text("已報到，請在大廳稍候。")

    called = teller.post(f"/counters/{cid}/call-next")["ticket"]
    assert called["number"] == number
    expect(page.locator(".tp-go")).to_have_text("請到 1 號櫃檯")
    message = wait_for_message("called", number)
    assert message["counter"] == 1 and "請立即前往 1 號櫃檯" in message["text"]
    teller.post(f"/counters/{cid}/complete")
    expect(page.locator(".tp-final")).to_have_text("謝謝光臨。")
    assert [m["kind"] for m in Gateway.received if m["ticket"] == number] == ["near", "called"]  # once each


@pytest.mark.parametrize("locale, suffix, title", [("zh-CN", "zh-hans", "用手机取号"),
                                                   ("en-US", "en", "Take a ticket from your phone")])
def test_the_branch_and_ticket_pages_in_simplified_chinese_and_english(pages, locale, suffix, title):
    page = pages.open("/b/demo", viewport=PHONE, locale=locale)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".bp-service").first).to_be_visible()
    screenshot(page, f"remote-branch-page-{suffix}")
    page.locator('.bp-service[data-service="B"] .bp-take').click()
    page.wait_for_url("**/t/**")
    expect(page.locator("#tp-remote")).to_be_visible()
    screenshot(page, f"remote-ticket-not-checked-in-{suffix}")


def test_a_missed_customer_rejoins_from_the_ticket_page(pages, staff, teller_at):
    teller, cid = teller_at(2)
    page = pages.open("/b/demo", viewport=PHONE, locale="en-US")
    page.locator('.bp-service[data-service="C"] .bp-take').click()
    page.wait_for_url("**/t/**")
    number = page.locator("#tp-number").inner_text()
    staff("guide").post("/branches/demo/remote/check-in", {"number": number})
    expect(page.locator("#tp-check-in")).to_have_text("Checked in. Please wait in the hall.")
    teller.post(f"/counters/{cid}/call-next")  # counter 2 serves C
    teller.post(f"/counters/{cid}/no-show")
    expect(page.get_by_role("button", name="Rejoin the queue")).to_be_visible()
    screenshot(page, "remote-rejoin-en")
    page.get_by_role("button", name="Rejoin the queue").click()
    page.wait_for_function(f"() => document.getElementById('tp-number').textContent !== '{number}'")
    expect(page.locator(".tp-ahead")).to_be_visible()


def take_remote(hub, service: str) -> dict:
    """A phone takes a remote ticket the way the branch page does (proof, then the POST with the cookie)."""
    phone = requests.Session()
    data = phone.get(f"{hub.base_url}/api/v1/public/branches/demo/remote", timeout=5).json()
    response = phone.post(f"{hub.base_url}/api/v1/public/branches/demo/remote-tickets",
                          json={"service": service, "proof": data["proof"]}, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()


def test_staff_screens_mark_remote_tickets_and_check_them_in(pages, staff, device_token):
    by_guide, at_kiosk = take_remote(pages.hub, "B"), take_remote(pages.hub, "B")
    not_here = take_remote(pages.hub, "B")  # stays not checked in: listed, not callable, at the counter

    # The live tab's queue counts the phones' tickets not checked in apart from the hall's waiting figure.
    panel = open_panel(pages)
    row_b = next(r for r in staff("supervisor").get("/branches/demo/queue")["services"] if r["service"] == "B")
    away = row_b["not_checked_in"]
    assert away >= 3
    apart = panel.locator('#sv-queues tr[data-service="B"] .sv-not-checked-in')
    expect(apart).to_have_text(f"另 {away} 位手機取號，尚未報到")
    expect(panel.locator('#sv-queues tr[data-service="B"] .sv-waiting')).to_contain_text(str(row_b["waiting"]))
    screenshot(panel, "remote-supervisor-queues-zh-hant")

    # The supervisor's tickets tab: both marked, "not checked in", and one checked in from there.
    panel.locator("#sv-tab-tickets").click()
    row = panel.locator(f'#sv-waiting tr[data-number="{by_guide["number"]}"]')
    expect(row.locator(".sv-badge.remote")).to_have_text("手機取號")
    expect(row.locator(".sv-badge.not-checked-in")).to_have_text("未報到")
    screenshot(panel, "remote-supervisor-tickets-zh-hant")
    for name, suffix, badge in (("简体", "zh-hans", "手机取号"), ("English", "en", "Taken from a phone")):
        panel.get_by_role("button", name=name, exact=True).click()
        expect(row.locator(".sv-badge.remote")).to_have_text(badge)
        screenshot(panel, f"remote-supervisor-tickets-{suffix}")
    panel.get_by_role("button", name="繁體", exact=True).click()
    row.locator('[data-act="check-in"]').click()
    expect(row.locator(".sv-badge.not-checked-in")).to_have_count(0)
    expect(row.locator('[data-act="check-in"]')).to_have_count(0)
    panel.locator("#sv-tab-live").click()
    expect(apart).to_have_text(f"另 {away - 1} 位手機取號，尚未報到")

    # The kiosk's one check-in: the customer types the number into the box that takes appointment codes too.
    kiosk = pages.open(f"/kiosk/demo?token={device_token('kiosk')}", locale="en-US")
    for name, suffix, label in (("繁體", "zh-hant", "報到：預約或手機取號"), ("简体", "zh-hans", "签到：预约或手机取号"),
                                ("English", "en", "Check in: appointment or phone ticket")):
        kiosk.get_by_role("button", name=name, exact=True).click()
        expect(kiosk.locator("#k-check-in-open")).to_have_text(label)
        kiosk.locator("#k-check-in-open").click()
        expect(kiosk.locator("#k-check-in")).to_be_visible()
        screenshot(kiosk, f"remote-kiosk-check-in-{suffix}")
        kiosk.locator("#k-check-in-cancel").click()
    kiosk.locator("#k-check-in-open").click()
    kiosk.locator("#k-check-in-code").fill(at_kiosk["number"].lower())
    kiosk.locator("#k-check-in-form button[type=submit]").click()
    expect(kiosk.locator("#k-check-in-result")).to_have_text(
        f"Checked in: {at_kiosk['number']}. Please wait for your number to be called.")
    screenshot(kiosk, "remote-kiosk-checked-in-en")
    kiosk.locator("#k-check-in-code").fill(at_kiosk["number"])
    kiosk.locator("#k-check-in-form button[type=submit]").click()
    expect(kiosk.locator("#k-check-in-result")).to_have_text(
        "This ticket is already checked in. Please wait for your number.")
    kiosk.locator("#k-check-in-code").fill("Z999")
    kiosk.locator("#k-check-in-form button[type=submit]").click()
    expect(kiosk.locator("#k-check-in-result")).to_have_text(
        "No appointment with this code and no phone ticket with this number here.")
    kiosk.locator("#k-check-in-cancel").click()

    # The counter terminal and the lobby display mark the remote customer when called.
    display = open_display(pages, "/display/demo")
    teller = sign_in(pages, "teller3")
    at_my_counter(teller, 3)
    expect(teller.locator("#ct-act-call_next")).to_be_enabled()
    teller.locator("#ct-act-call_next").click()
    expect(teller.locator("#ct-number")).to_have_text(by_guide["number"])
    expect(teller.locator(".ct-badge.remote")).to_have_text("手機取號")
    apart = teller.locator(f'#ct-callable .is-not-checked-in[data-number="{not_here["number"]}"]')
    expect(apart.locator(".ct-badge.not-checked-in")).to_have_text("未報到")
    expect(apart.locator(".ct-call-this")).to_have_count(0)
    screenshot(teller, "remote-counter-terminal-zh-hant")
    for name, suffix, badge in (("简体", "zh-hans", "手机取号"), ("English", "en", "Taken from a phone")):
        teller.get_by_role("button", name=name, exact=True).click()
        expect(teller.locator(".ct-badge.remote")).to_have_text(badge)
        screenshot(teller, f"remote-counter-terminal-{suffix}")
    expect(display.locator(".d-remote")).to_contain_text("手機取號")
    screenshot(display, "remote-display-zh-hant")


def test_no_serious_accessibility_violations_on_the_remote_pages(pages):
    from tests.ui.test_accessibility import serious_violations

    found = {}
    branch = pages.open("/b/demo", viewport=PHONE, bypass_csp=True)
    expect(branch.locator(".bp-service").first).to_be_visible()
    found["branch page"] = serious_violations(branch)
    branch.locator('.bp-service[data-service="A"] .bp-take').click()
    branch.wait_for_url("**/t/**")
    expect(branch.locator("#tp-remote")).to_be_visible()
    found["remote ticket page"] = serious_violations(branch)
    door = pages.open("/b/demo/door?k=wrong", viewport=PHONE, bypass_csp=True)
    expect(door.locator(".bp-none")).to_be_visible()
    found["door page"] = serious_violations(door)
    assert not {k: v for k, v in found.items() if v}
