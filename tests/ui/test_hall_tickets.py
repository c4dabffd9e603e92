"""Issue 11, items 3, 4, 6, 7 in a real browser: the lobby display follows every transition; the counter
terminal enables only valid actions, lists the tickets it may call, calls a chosen one, and transfers
with each target's state and a note; the supervisor's tickets tab cancels, moves, reprioritises and
closes a counter with a reason. Screenshots (zh-Hant, zh-Hans, en) go to /tmp/shots-hall-tickets/.

The hub is shared by the module: each test works at its own counters, and the day close comes last."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.ui.test_counter_terminal import DESK, at_counter, sign_in
from tests.ui.test_lobby_display import open_display
from tests.ui.test_supervisor_panel import open_panel

SHOTS = Path("/tmp/shots-hall-tickets")
LOCALES = {"zh-Hant": "zh-TW", "zh-Hans": "zh-CN", "en": "en-US"}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def issue(staff, service="A") -> dict:
    return staff("guide").post("/branches/demo/tickets", {"service": service})


def at_my_counter(page, number: int) -> None:
    """A teller already signed in at a counter goes straight to it; otherwise choose it."""
    page.wait_for_function("() => ['choose', 'work'].includes(window.counterflowCounter.state.view)")
    if page.evaluate("() => window.counterflowCounter.state.view") == "choose":
        at_counter(page, number)
    page.wait_for_function("() => window.counterflowCounter.state.snapshots > 0")
    expect(page.locator("#ct-where")).to_contain_text(str(number))


def enabled(page) -> dict[str, bool]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.ct-act')]
        .map((b) => [b.dataset.action, !b.disabled]))""")


# ---------------------------------------------------------------------------- item 7 and item 6 (teller)
def test_counter_terminal_enables_only_valid_actions_and_calls_a_chosen_ticket(pages, staff, teller_at):
    page = sign_in(pages, "teller1")
    at_counter(page, 1)
    expect(page.locator("#ct-ticket .ct-empty")).to_have_text("櫃檯目前沒有客戶，本櫃檯也無人等候。")
    assert enabled(page) == {"call_next": False, "complete_next": False, "recall": False, "start": False,
                             "complete": False, "no_show": False, "transfer": False, "pause": True}

    first, second, other = issue(staff, "A"), issue(staff, "B"), issue(staff, "C")  # C: not counter 1's
    items = page.locator("#ct-callable .ct-callable-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-number", first["number"])
    expect(page.locator("#ct-ticket .ct-empty")).to_have_text("目前沒有客戶，請叫下一號。")
    expect(page.locator("#ct-act-call_next")).to_be_enabled()
    shot(page, "counter-callable-zh-Hant")

    # Call the second in line directly.
    page.locator(f'#ct-callable [data-number="{second["number"]}"] button').click()
    expect(page.locator("#ct-number")).to_have_text(second["number"])
    expect(items).to_have_count(1)
    assert enabled(page) == {"call_next": False, "complete_next": True, "recall": True, "start": True,
                             "complete": True, "no_show": True, "transfer": True, "pause": True}
    expect(page.locator("#ct-close")).to_be_disabled()
    expect(page.locator("#ct-callable button").first).to_be_disabled()  # busy: finish this one first
    page.keyboard.press("s")
    expect(page.locator("#ct-ticket")).to_have_attribute("data-status", "serving")
    assert enabled(page)["recall"] is False and enabled(page)["no_show"] is False
    assert enabled(page)["complete"] is True
    page.keyboard.press("c")
    expect(page.locator("#ct-ticket .ct-empty")).to_be_visible()
    expect(page.locator("#ct-close")).to_be_enabled()

    # Paused: the card says so, and only resume is possible.
    page.keyboard.press("p")
    page.locator("#ct-pause-form button[type=submit]").click()
    expect(page.locator("#ct-ticket .ct-empty")).to_have_text("暫停服務中。恢復服務後才能呼叫下一位。")
    assert enabled(page) == {"call_next": False, "complete_next": False, "recall": False, "start": False,
                             "complete": False, "no_show": False, "transfer": False, "pause": True}
    expect(page.locator("#ct-callable button").first).to_be_disabled()  # resume first
    shot(page, "counter-paused-zh-Hant")
    page.keyboard.press("p")
    expect(page.locator("#ct-act-call_next")).to_be_enabled()
    staff("supervisor").post(f"/tickets/{first['id']}/cancel", {"reason": "test"})
    staff("supervisor").post(f"/tickets/{other['id']}/cancel", {"reason": "test"})
    expect(items).to_have_count(0)
    expect(page.locator("#ct-act-call_next")).to_be_disabled()


# ---------------------------------------------------------------------------- item 4
def test_transfer_shows_targets_refuses_closed_counters_and_carries_a_note(pages, staff, teller_at):
    teller3, c3 = teller_at(3)
    teller3.post(f"/counters/{c3}/pause", {"reason": "lunch"})
    for lang, locale in LOCALES.items():
        ticket = issue(staff, "A")
        page = sign_in(pages, "teller2", locale=locale)
        page.locator('#ct-counter-list [data-counter="2"] button').click()
        page.wait_for_function("() => window.counterflowCounter.state.snapshots > 0")
        page.locator("#ct-act-call_next").click()
        expect(page.locator("#ct-number")).to_have_text(ticket["number"])
        page.keyboard.press("t")
        options = page.locator("#ct-to-counter option")
        expect(page.locator('#ct-to-counter option[value="3"]')).to_have_attribute("data-state", "paused")
        expect(page.locator('#ct-to-counter option[value="4"]')).to_be_disabled()  # closed
        expect(page.locator('#ct-to-counter option[value="1"]')).to_have_attribute("data-state", "open")
        assert options.count() == 4  # "any" + counters 1, 3, 4
        page.locator("#ct-to-counter").select_option("3")
        page.locator("#ct-transfer-note").fill({"zh-Hant": "客戶要辦房貸", "zh-Hans": "客户要办房贷",
                                                "en": "customer needs a mortgage"}[lang])
        shot(page, f"counter-transfer-{lang}")
        page.locator("#ct-transfer-form button[type=submit]").click()
        expect(page.locator("#ct-ticket .ct-empty")).to_be_visible()
        # The ticket now waits for counter 3 only: counter 2 neither lists nor counts it as its own.
        expect(page.locator("#ct-callable .ct-callable-item")).to_have_count(0)
        expect(page.locator('#ct-queue [data-service="A"] .ct-q-count')).to_have_text(
            {"zh-Hant": "無人等候", "zh-Hans": "无人等候", "en": "nobody waiting"}[lang])
        page.locator("#ct-signout").click()

    # The hub refuses a closed counter even when asked directly; the ticket stays where it was.
    teller2, c2 = staff("teller2"), staff("teller2").counter_id(2)
    teller2.post(f"/counters/{c2}/open")
    issue(staff, "A")
    teller2.post(f"/counters/{c2}/call-next")
    refused = teller2.session.post(f"{teller2.base}/counters/{c2}/transfer", json={"to_counter": 4}, timeout=10)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "target_counter_closed"
    teller2.post(f"/counters/{c2}/complete")

    # The receiving teller sees the notes in the list and on the card.
    teller3.post(f"/counters/{c3}/resume")
    page = sign_in(pages, "teller3")
    at_my_counter(page, 3)
    expect(page.locator("#ct-callable .ct-c-note").first).to_have_text("備註：客戶要辦房貸")
    page.locator("#ct-act-call_next").click()
    expect(page.locator("#ct-note")).to_have_text("備註：客戶要辦房貸")
    shot(page, "counter-note-received-zh-Hant")
    page.locator("#ct-act-complete").click()
    for _ in range(2):
        page.locator("#ct-act-call_next").click()
        expect(page.locator("#ct-note")).to_be_visible()
        page.locator("#ct-act-complete").click()
    expect(page.locator("#ct-callable .ct-callable-item")).to_have_count(0)


# ---------------------------------------------------------------------------- item 6 (supervisor)
def test_supervisor_acts_on_waiting_tickets_and_closes_a_counter(pages, staff, teller_at):
    teller4, c4 = teller_at(4)
    a, b, c = issue(staff, "A"), issue(staff, "B"), issue(staff, "C")
    teller = sign_in(pages, "teller4")
    at_my_counter(teller, 4)
    for lang, locale in LOCALES.items():
        page = open_panel(pages, locale=locale)
        page.locator("#sv-tab-tickets").click()
        expect(page.locator(f'#sv-waiting tr[data-number="{a["number"]}"]')).to_be_visible()
        shot(page, f"supervisor-tickets-{lang}")
        if lang != "zh-Hant":
            page.close()
    page = open_panel(pages)
    page.locator("#sv-tab-tickets").click()
    rows = page.locator("#sv-waiting tbody tr[data-ticket]")
    expect(rows).to_have_count(3)
    page.locator("#sv-waiting-service").select_option("B")
    expect(rows).to_have_count(1)
    page.locator("#sv-waiting-service").select_option("")
    page.locator("#sv-waiting-search").fill(c["number"])
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-number", c["number"])
    page.locator("#sv-waiting-search").fill("")
    expect(rows).to_have_count(3)

    # Move B's ticket to counter 4 (VIP/C/A) as service C, with a note for the teller there.
    page.locator(f'#sv-waiting tr[data-number="{b["number"]}"] [data-act="move"]').click()
    dialog = page.locator("#sv-ticket-dialog")
    dialog.locator("#sv-ticket-service").select_option("C")
    dialog.locator("#sv-ticket-counter").select_option("4")
    dialog.locator("#sv-ticket-note").fill("理財諮詢")
    dialog.locator("#sv-ticket-submit").click()
    expect(dialog.locator("#sv-ticket-error")).to_have_text("請填寫原因。")  # a reason is required
    dialog.locator("#sv-ticket-reason").fill("客戶要理財")
    shot(page, "supervisor-move-zh-Hant")
    dialog.locator("#sv-ticket-submit").click()
    expect(page.locator("#sv-info")).to_have_text(f"{b['number']} 已移轉。")
    moved = page.locator(f'#sv-waiting tr[data-number="{b["number"]}"]')
    expect(moved).to_contain_text("4 號櫃檯")
    expect(teller.locator(f'#ct-callable [data-number="{b["number"]}"]')).to_contain_text("備註：理財諮詢")

    # Priority, then cancel.
    page.locator(f'#sv-waiting tr[data-number="{c["number"]}"] [data-act="priority"]').click()
    dialog.locator("#sv-ticket-reason").fill("年長客戶")
    dialog.locator("#sv-ticket-submit").click()
    expect(page.locator(f'#sv-waiting tr[data-number="{c["number"]}"]')).to_contain_text("優先")
    expect(teller.locator("#ct-callable .ct-callable-item").nth(1)).to_have_attribute("data-number", c["number"])
    page.locator(f'#sv-waiting tr[data-number="{a["number"]}"] [data-act="cancel"]').click()
    dialog.locator("#sv-ticket-reason").fill("客戶離開")
    dialog.locator("#sv-ticket-submit").click()
    expect(rows).to_have_count(2)
    events = staff("supervisor").get(f"/tickets/{a['id']}")
    assert events["status"] == "cancelled"

    # Close counter 4, signing teller4 out: the teller's terminal says who and why.
    page.locator('#sv-staffed [data-counter="4"] button').click()
    expect(dialog.locator("#sv-ticket-dialog-title")).to_have_text("關閉 4 號櫃檯並簽退 Teller4")
    dialog.locator("#sv-ticket-reason").fill("換班")
    dialog.locator("#sv-ticket-submit").click()
    expect(page.locator('#sv-staffed [data-counter="4"]')).to_have_attribute("data-state", "closed")
    expect(teller.locator("#ct-error")).to_have_text("4 號櫃檯已由主管關閉：換班")
    expect(teller.locator("#ct-choose")).to_be_visible()
    shot(teller, "counter-closed-by-supervisor-zh-Hant")
    for left in staff("supervisor").get("/branches/demo/waiting")["tickets"]:  # b's follow-up and c
        staff("supervisor").post(f"/tickets/{left['id']}/cancel", {"reason": "test over"})


# ---------------------------------------------------------------------------- item 3: the supervisor's tables
def test_the_supervisor_queue_table_follows_alerts_as_they_come_and_go(pages, staff):
    """The wait monitor raises and clears alerts between queue changes: the table's level follows them."""
    page = open_panel(pages)
    row = page.locator('#sv-queues tr[data-service="V"]')
    expect(row).to_have_class("level-ok")
    # Counter 4 (the only one serving V) is closed: three VIP customers wait past the 20-minute target.
    vip = [staff("supervisor").post("/branches/demo/tickets", {"service": "V", "priority": "vip"}) for _ in range(3)]
    expect(row).to_have_class("level-warning", timeout=12000)
    expect(page.locator('#sv-alerts [data-kind="wait_time"]')).to_have_count(1)
    shot(page, "supervisor-queue-warning-zh-Hant")
    for ticket in vip:
        staff("supervisor").post(f"/tickets/{ticket['id']}/cancel", {"reason": "test"})
    expect(page.locator('#sv-alerts [data-kind="wait_time"]')).to_have_count(0, timeout=12000)
    expect(row).to_have_class("level-ok")


# ---------------------------------------------------------------------------- item 3 (runs last: day close)
def test_the_display_follows_every_transition_and_the_day_close(pages, staff, teller_at):
    teller, cid = teller_at(1)
    teller3, c3 = teller_at(3)
    displays = {lang: open_display(pages, locale=locale) for lang, locale in LOCALES.items()}
    display = displays["zh-Hant"]
    current = display.locator("#d-current .d-number")
    recent = display.locator("#d-recent-list .d-r-number")

    def call() -> dict:
        issue(staff, "A")
        ticket = teller.post(f"/counters/{cid}/call-next")["ticket"]
        expect(current).to_have_text(ticket["number"])
        return ticket

    no_show = call()
    teller.post(f"/counters/{cid}/no-show", {"requeue": False})
    expect(display.locator("#d-current .d-welcome")).to_be_visible()
    expect(display.locator(f'#d-recent-list .d-r-number:text-is("{no_show["number"]}")')).to_have_count(0)

    transferred = call()
    teller.post(f"/counters/{cid}/transfer", {"to_counter": 3})
    expect(display.locator("#d-current .d-welcome")).to_be_visible()  # no "A00x → counter 1" left
    teller.post(f"/counters/{cid}/pause", {"reason": "lunch"})
    teller.post(f"/counters/{cid}/resume")
    expect(display.locator("#d-current .d-welcome")).to_be_visible()

    served = call()
    teller.post(f"/counters/{cid}/complete")
    expect(display.locator("#d-current .d-welcome")).to_be_visible()
    expect(recent.first).to_have_text(served["number"])  # served: history, not "now calling"

    follow = teller3.post(f"/counters/{c3}/call-next")["ticket"]
    assert follow["number"] == transferred["number"]
    for lang, page in displays.items():
        expect(page.locator("#d-current .d-number")).to_have_text(follow["number"])
        expect(page.locator("#d-current .d-to-counter")).to_contain_text("3")
        shot(page, f"display-follows-{lang}")
    # A reload shows the same: the snapshot leaves out no-shows and transferred tickets too.
    display.reload()
    display.wait_for_function("() => window.counterflowDisplay.state.snapshots > 0")
    expect(current).to_have_text(follow["number"])
    numbers = display.locator("#d-recent-list .d-r-number").all_text_contents()
    assert no_show["number"] not in numbers and served["number"] in numbers

    # Day close: the called ticket is abandoned, the counters close, nothing of the day stays up.
    staff("supervisor").post("/branches/demo/day-close", {})
    for lang, page in displays.items():
        expect(page.locator("#d-current .d-welcome")).to_be_visible()
        expect(page.locator("#d-recent-list .d-r-number")).to_have_count(0)
        shot(page, f"display-day-closed-{lang}")
    display.reload()
    display.wait_for_function("() => window.counterflowDisplay.state.snapshots > 0")
    expect(display.locator("#d-current .d-welcome")).to_be_visible()
    expect(display.locator("#d-recent-list .d-r-number")).to_have_count(0)
