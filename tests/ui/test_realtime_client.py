"""counterflow.js in a real browser: messages applied in seq order, a hole answered by a snapshot."""
from __future__ import annotations

from playwright.sync_api import expect

# Hands the page's socket listener a message as if the hub had sent it.
FEED = """(message) => {
    const socket = window.counterflowDisplay.client.socket;
    socket.listenersAny().forEach(listener => listener(message.event, message));
}"""


def message(seq: int, text: str) -> dict:
    return {"event": "display.message", "seq": seq, "branch": "demo", "data": {"message": text}}


def open_display(pages):
    page = pages.open("/display/demo")
    page.wait_for_function("() => window.counterflowDisplay.state.snapshots === 1")
    return page, page.evaluate("() => window.counterflowDisplay.client.seq")


def test_out_of_order_messages_are_applied_in_seq_order(pages):
    page, seq = open_display(pages)
    page.evaluate(FEED, message(seq + 2, "second"))
    page.evaluate(FEED, message(seq + 1, "first"))  # the hole fills before the grace period ends
    expect(page.locator("#d-message-text")).to_have_text("second")
    assert page.evaluate("() => window.counterflowDisplay.client.seq") == seq + 2
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.counterflowDisplay.state.snapshots") == 1  # no resync needed


def test_a_lost_message_makes_the_page_fetch_a_snapshot(pages, staff):
    page, seq = open_display(pages)
    staff("supervisor").put("/branches/demo/display-message", {"message": "真的訊息 the real message"})
    expect(page.locator("#d-message-text")).to_have_text("真的訊息 the real message")
    page.evaluate(FEED, message(seq + 5, "after a hole"))  # seq + 2 .. + 4 never arrive

    page.wait_for_function("() => window.counterflowDisplay.state.snapshots === 2", timeout=3000)
    expect(page.locator("#d-message-text")).to_have_text("真的訊息 the real message")  # the snapshot's truth
    page.evaluate(FEED, message(seq + 1, "stale"))  # already covered by the snapshot: dropped
    expect(page.locator("#d-message-text")).to_have_text("真的訊息 the real message")


# A heartbeat as the hub sends it to the room.
HEARTBEAT = """(seq) => {
    const socket = window.counterflowDisplay.client.socket;
    socket.listenersAny().forEach(listener => listener("heartbeat", {event: "heartbeat", seq, branch: "demo"}));
}"""


def test_a_heartbeat_ahead_of_the_page_makes_it_resync(pages):
    page, seq = open_display(pages)
    page.evaluate(HEARTBEAT, seq)  # the page has everything the hub delivered: nothing to do
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.counterflowDisplay.state.snapshots") == 1
    page.evaluate(HEARTBEAT, seq + 3)  # the hub delivered three messages this page never got
    page.wait_for_function("() => window.counterflowDisplay.state.snapshots === 2", timeout=3000)


def test_a_display_back_from_a_disconnect_announces_the_calls_it_missed_in_order(pages, staff, teller_at):
    teller, cid = teller_at(3)
    page, _ = open_display(pages)
    page.evaluate("() => window.counterflowDisplay.client.socket.disconnect()")
    missed = []
    for _ in range(2):
        staff("guide").post("/branches/demo/tickets", {"service": "A"})
        missed.append(teller.post(f"/counters/{cid}/call-next", {"complete_current": True})["ticket"]["number"])
    page.evaluate("() => window.counterflowDisplay.client.socket.connect()")
    page.wait_for_function("() => window.counterflowDisplay.state.snapshots === 2", timeout=5000)
    page.wait_for_function("() => window.counterflowDisplay.state.missedCalls === 2", timeout=3000)
    announced = page.evaluate("() => window.counterflowDisplay.announcements.map(a => [a.number, a.kind])")
    assert [a for a in announced if a[0] in missed] == [[missed[0], "call"], [missed[1], "call"]]
