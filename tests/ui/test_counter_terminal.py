"""The counter terminal as a teller uses it: sign in, open a counter, serve from the keyboard, pause,
and get a clear message whenever the hub says no. Each test works at its own counter."""
from __future__ import annotations

import re

import requests

from playwright.sync_api import expect

from tests.ui.browser_support import screenshot
from tests.ui.test_accessibility import serious_violations

DESK = {"width": 1366, "height": 768}  # a teller's PC


def sign_in(pages, username: str, *, password: str = "demo", **options):
    page = pages.open("/counter", viewport=DESK, **options)
    page.locator("#ct-user").fill(username)
    page.locator("#ct-pass").fill(password)
    page.locator("#ct-signin-form button[type=submit]").click()
    return page


def at_counter(page, number: int):
    """Choose counter `number` in the chooser and wait for its room's first snapshot."""
    page.locator(f'#ct-counter-list [data-counter="{number}"] button').click()
    page.wait_for_function("() => window.counterflowCounter.state.snapshots > 0")
    expect(page.locator("#ct-where")).to_have_text(f"{number} 號櫃檯")


def test_teller_signs_in_opens_a_counter_and_serves_from_the_keyboard(pages, staff):
    teller2 = staff("teller2")
    teller2.post(f"/counters/{teller2.counter_id(2)}/open")
    page = sign_in(pages, "teller1")

    expect(page.locator('#ct-counter-list [data-counter="2"]')).to_contain_text("Teller2 使用中")
    expect(page.locator('#ct-counter-list [data-counter="1"]')).to_contain_text("未開放，可以開啟")
    screenshot(page, "counter-choose")
    at_counter(page, 1)
    expect(page.locator("#ct-others [data-counter='2']")).to_contain_text("Teller2")

    page.keyboard.press("F1")  # nobody is waiting yet: the hub refuses, the teller is told why
    expect(page.locator("#ct-error")).to_have_text("本櫃檯目前無人等候。")

    first = staff("guide").post("/branches/demo/tickets", {"service": "A"})
    second = staff("guide").post("/branches/demo/tickets", {"service": "B"})
    expect(page.locator('#ct-queue [data-service="A"] .ct-q-count')).to_have_text("1 人等候")
    expect(page.locator('#ct-queue [data-service="B"] .ct-q-count')).to_have_text("1 人等候")

    page.keyboard.press("n")
    expect(page.locator("#ct-number")).to_have_text(first["number"])
    expect(page.locator("#ct-info")).to_have_text(f"正在呼叫 {first['number']}。")
    expect(page.locator("#ct-ticket .ct-timer-label")).to_have_text("叫號後已過")
    expect(page.locator("#ct-timer")).to_have_text(re.compile(r"00:0[1-9]"), timeout=3000)  # it runs by itself
    expect(page.locator('#ct-queue [data-service="A"] .ct-q-count')).to_have_text("無人等候")
    expect(page.locator("#ct-act-call_next kbd")).to_have_text(["F1", "N"])
    screenshot(page, "counter-called")

    page.keyboard.press("r")
    expect(page.locator("#ct-ticket .ct-badges")).to_contain_text("重新叫號 1 次")
    page.keyboard.press("s")
    expect(page.locator("#ct-ticket .ct-status")).to_have_text("辦理中")
    expect(page.locator("#ct-ticket .ct-timer-label")).to_have_text("已辦理")
    page.keyboard.press("r")  # recall is for a customer who has not come yet
    expect(page.locator("#ct-error")).to_have_text("此號碼目前不能執行此操作。")

    page.keyboard.press("n")  # still serving: plain "call next" is refused by the hub
    expect(page.locator("#ct-error")).to_have_text("請先處理目前的客戶：辦理完成、轉辦或記為過號。")
    page.keyboard.press(" ")  # complete & call next
    expect(page.locator("#ct-number")).to_have_text(second["number"])
    assert staff("supervisor").get(f"/tickets/{first['id']}")["status"] == "done"

    page.keyboard.press("p")
    dialog = page.locator("#ct-pause-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("會議").check()
    dialog.locator("button[type=submit]").click()
    expect(page.locator("#ct-paused")).to_contain_text("暫停服務：會議")
    expect(page.locator("#ct-act-pause")).to_contain_text("恢復服務")
    counters = staff("supervisor").get("/branches/demo/counters")["counters"]
    mine = next(c for c in counters if c["number"] == 1)
    assert (mine["state"], mine["pause_reason"]) == ("paused", "meeting")
    display = pages.open("/display/demo")
    expect(display.locator('[data-counter="1"]')).to_have_attribute("data-state", "paused")
    page.keyboard.press("F1")  # paused: said at once, without asking the hub
    expect(page.locator("#ct-error")).to_have_text("櫃檯暫停服務中，請先恢復服務。")
    screenshot(page, "counter-paused")
    page.keyboard.press("p")
    expect(page.locator("#ct-paused")).to_be_hidden()
    expect(display.locator('[data-counter="1"]')).to_have_attribute("data-state", "open")

    page.keyboard.press("t")
    transfer = page.locator("#ct-transfer-dialog")
    transfer.get_by_label("轉至業務").select_option("C")
    transfer.locator("button[type=submit]").click()
    expect(page.locator("#ct-info")).to_have_text(f"{second['number']} 已轉辦。")
    expect(page.locator("#ct-ticket .ct-empty")).to_be_visible()

    page.locator("#ct-close").click()
    expect(page.locator("#ct-choose")).to_be_visible()
    expect(page.locator("#ct-info")).to_have_text("1 號櫃檯已關閉。")


def test_refusals_reconnects_reloads_and_english(pages, staff):
    teller4 = staff("teller4")
    teller4.post(f"/counters/{teller4.counter_id(4)}/open")
    page = sign_in(pages, "teller3")
    page.locator('#ct-counter-list [data-counter="4"] button').click()
    expect(page.locator("#ct-error")).to_have_text("已有其他櫃員在此櫃檯簽到。")
    at_counter(page, 3)

    # The real-time link drops while customers arrive: after the reconnect the snapshot is right.
    page.evaluate("() => window.counterflowCounter.client.socket.disconnect()")
    issued = [staff("guide").post("/branches/demo/tickets", {"service": "B"}) for _ in range(3)]
    page.wait_for_timeout(400)
    assert page.locator('#ct-queue [data-service="B"] .ct-q-count').text_content() != "3 人等候"  # really offline
    page.evaluate("() => window.counterflowCounter.client.socket.connect()")
    expect(page.locator('#ct-queue [data-service="B"] .ct-q-count')).to_have_text("3 人等候")

    # A message lost on the way (a hole in seq): the terminal asks for a snapshot and is right again.
    snapshots = page.evaluate("() => window.counterflowCounter.state.snapshots")
    page.evaluate("""() => {
        const socket = window.counterflowCounter.client.socket;
        const deliver = socket.listenersAny();
        let dropped = false;
        socket.offAny();
        socket.onAny((name, payload) => dropped ? deliver.forEach((fn) => fn(name, payload)) : (dropped = true));
    }""")
    issued += [staff("guide").post("/branches/demo/tickets", {"service": "B"}) for _ in range(2)]
    expect(page.locator('#ct-queue [data-service="B"] .ct-q-count')).to_have_text("5 人等候")
    # The count may come first from the list of callable tickets (read after the second message): the
    # re-join's snapshot still follows the hole.
    page.wait_for_function(f"() => window.counterflowCounter.state.snapshots > {snapshots}")

    # A customer who does not come may be put back in the queue once.
    page.keyboard.press("n")
    expect(page.locator("#ct-number")).to_have_text(issued[0]["number"])
    page.locator("#ct-requeue").check()
    page.keyboard.press("x")
    expect(page.locator("#ct-info")).to_have_text(f"{issued[0]['number']} 已重新排隊。")

    page.reload()  # the session lives in this tab: no sign-in again, same counter
    page.wait_for_function("() => window.counterflowCounter && window.counterflowCounter.state.snapshots > 0")
    expect(page.locator("#ct-where")).to_have_text("3 號櫃檯")
    expect(page.locator('#ct-queue [data-service="B"] .ct-q-count')).to_have_text("5 人等候")

    page.get_by_role("button", name="English").click()
    expect(page.locator("#ct-act-call_next .ct-act-label")).to_have_text("Call next")
    expect(page.locator("#ct-act-complete_next kbd")).to_have_text("Space")
    page.keyboard.press("n")
    expect(page.locator("#ct-info")).to_contain_text("Calling B")
    screenshot(page, "counter-english")

    page.locator("#ct-signout").click()  # a customer is still here: the counter cannot close
    expect(page.locator("#ct-error")).to_have_text(
        "Finish the current customer first: complete, transfer or mark a no-show.")
    page.keyboard.press("c")
    expect(page.locator("#ct-info")).to_contain_text("completed")
    page.locator("#ct-signout").click()
    expect(page.locator("#ct-signin")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0


def test_wrong_password_and_no_serious_accessibility_violations(pages, staff):
    teller4 = staff("teller4")
    teller4.post(f"/counters/{teller4.counter_id(4)}/close", expect=(200, 403))  # free, whatever ran before
    # axe is injected as a script tag, which the page's CSP refuses: this context bypasses CSP.
    page = sign_in(pages, "teller4", password="wrong", bypass_csp=True)
    found = {}
    expect(page.locator("#ct-error")).to_have_text("帳號或密碼錯誤。")
    found["sign-in"] = serious_violations(page)
    screenshot(page, "counter-sign-in")

    page.locator("#ct-pass").fill("demo")
    page.locator("#ct-signin-form button[type=submit]").click()
    expect(page.locator("#ct-counter-list li")).to_have_count(4)
    found["chooser"] = serious_violations(page)

    at_counter(page, 4)
    staff("guide").post("/branches/demo/tickets", {"service": "V"})
    page.keyboard.press("n")
    expect(page.locator("#ct-number")).to_be_visible()
    found["serving"] = serious_violations(page)
    page.keyboard.press("p")
    found["pause dialog"] = serious_violations(page)
    screenshot(page, "counter-pause-dialog")
    page.keyboard.press("Escape")
    page.keyboard.press("t")
    found["transfer dialog"] = serious_violations(page)
    screenshot(page, "counter-transfer-dialog")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="简体").click()
    expect(page.locator("#ct-act-call_next .ct-act-label")).to_have_text("叫下一号")
    screenshot(page, "counter-simplified")
    assert not any(found.values()), found


def test_a_token_revoked_elsewhere_ends_the_session_at_once(pages, staff):
    page = sign_in(pages, "teller2")
    page.wait_for_function("() => window.counterflowCounter.state.view !== 'signin'")
    if page.evaluate("() => window.counterflowCounter.state.view") == "choose":
        page.locator('#ct-counter-list [data-counter="2"] button').click()
    page.wait_for_function("() => window.counterflowCounter.state.snapshots > 0")
    token = page.evaluate("() => window.counterflowCounter.state.auth.token")
    # Signed out from another tab or by an administrator: the hub drops the socket from the counter
    # room and says `session.ended`; the terminal goes back to sign-in without any request of its own.
    revoked = requests.post(f"{pages.hub.base_url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"},
                            timeout=5)
    assert revoked.status_code == 200
    expect(page.locator("#ct-error")).to_have_text("登入已失效，請重新登入。", timeout=3000)
    expect(page.locator("#ct-signin-form")).to_be_visible()


def test_a_key_pressed_while_the_hub_answers_is_not_lost(pages, staff):
    """N then at once T (both in one task, so T surely arrives while call-next is on its way): the
    transfer dialog opens for the ticket just called, rather than the T being dropped."""
    teller3 = staff("teller3")
    for _ in range(3):
        staff("guide").post("/branches/demo/tickets", {"service": "A"})
    page = sign_in(pages, "teller3")
    page.wait_for_function("() => window.counterflowCounter.state.view !== 'signin'")
    if page.evaluate("() => window.counterflowCounter.state.view") == "choose":
        at_counter(page, 3)
    page.wait_for_function("() => window.counterflowCounter.state.snapshots > 0")
    expect(page.locator("#ct-act-call_next")).to_be_enabled()
    callable_items = page.locator("#ct-callable .ct-callable-item")
    first_in_line = callable_items.first.get_attribute("data-number")
    page.evaluate("""() => ['n', 't'].forEach((key) =>
        document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true })))""")
    expect(page.locator("#ct-transfer-dialog")).to_be_visible()
    expect(page.locator("#ct-number")).to_have_text(first_in_line)
    expect(page.locator("#ct-transfer-title")).to_contain_text(first_in_line)
    page.keyboard.press("Escape")
    expect(page.locator("#ct-transfer-dialog")).to_be_hidden()
    # A second N pressed during the first call is the same press: one call, no refusal ("busy").
    page.locator("#ct-act-complete").click()
    expect(page.locator("#ct-ticket .ct-empty")).to_be_visible()
    expect(page.locator(f'#ct-callable [data-number="{first_in_line}"]')).to_have_count(0)  # list re-read
    waiting = callable_items.count()
    assert waiting >= 2
    second_in_line = callable_items.nth(1).get_attribute("data-number")
    page.evaluate("""() => ['n', 'n'].forEach((key) =>
        document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true })))""")
    expect(callable_items).to_have_count(waiting - 1)
    expect(callable_items.first).to_have_attribute("data-number", second_in_line)
    page.wait_for_function("() => !window.counterflowCounter.busy")
    expect(page.locator("#ct-error")).to_be_empty()
    teller3.post(f"/counters/{teller3.counter_id(3)}/complete")
    teller3.post(f"/counters/{teller3.counter_id(3)}/close")
