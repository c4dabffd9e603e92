"""Notices speak the customer's language (docs/architecture.md, "Remote queue"): the language of the
page the ticket was taken on is kept on the remote ticket (the page sends it; else the cf_lang cookie
or Accept-Language; else zh_Hant) and the notice worker writes in it, checked through a fake HTTP
message provider on 127.0.0.1; a rejoin keeps it."""
from __future__ import annotations

from sqlalchemy import select

from server.models import RemoteTicket
from server.queue.remote import RemoteKeys
from server.remote.gateway import HttpProvider
from server.remote.notice_worker import NoticeWorker
from tests.core.test_remote_queue import TELLER, open_counter
from tests.core.test_remote_api import PAGE, TAKE, FakeGateway, FakeNow, gateway  # noqa: F401  (fixture)


def take(client, locale=None, headers=None, contact="0912000111"):
    proof_token = client.get(PAGE, headers=headers).get_json()["proof"]
    body = {"service": "A", "proof": proof_token, "contact": contact}
    if locale:
        body["locale"] = locale
    response = client.post(TAKE, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_each_notice_goes_out_in_the_language_the_ticket_was_taken_in(app, hub, signed_in, gateway):  # noqa: F811
    signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings", json={"nudge_places": 5})
    english = take(app.test_client(), locale="en", contact="0912000111")
    simplified = take(app.test_client(), headers={"Accept-Language": "zh-CN,zh;q=0.9"}, contact="0912000222")
    unknown = take(app.test_client(), locale="fr", contact="0912000333")  # not ours: the default
    with hub.db.read() as s:
        kept = dict(s.execute(select(RemoteTicket.ticket_id, RemoteTicket.locale)).all())
    assert kept == {english["id"]: "en", simplified["id"]: "zh_Hans", unknown["id"]: "zh_Hant"}

    worker = NoticeWorker(hub.db, hub.engine, HttpProvider(gateway, None), FakeNow(), interval_s=0)
    assert worker.run_once() == 3
    sent = {body["ticket"]: body for _, body in FakeGateway.received}
    assert {n: (b["kind"], b["locale"]) for n, b in sent.items()} == {
        english["number"]: ("near", "en"), simplified["number"]: ("near", "zh_Hans"),
        unknown["number"]: ("near", "zh_Hant")}
    assert sent[english["number"]]["text"] == (
        f"CounterFlow Demo Branch: ticket {english['number']}, 0 ahead of you. Please come to the branch and check in.")
    assert sent[simplified["number"]]["text"] == f"示范分行：号码 {simplified['number']}，前面还有 0 位，请前往分行报到。"
    assert "請" in sent[unknown["number"]]["text"] and "Please" not in sent[unknown["number"]]["text"]


def test_a_rejoin_keeps_the_language(db, engine, clock):
    cid = open_counter(db, engine)
    engine.remote.update_settings("demo", {"call_without_check_in": True, "rejoin_window_s": 600})
    mine = engine.remote.take("demo", "A", RemoteKeys(device="d1"), contact="0911000222", locale="zh_Hans")
    engine.call_next(cid, TELLER)
    engine.no_show(cid, TELLER)
    again = engine.remote.rejoin(mine["tracking_token"])
    with db.read() as s:
        assert s.get(RemoteTicket, again["id"]).locale == "zh_Hans"
