"""Turning on `call_without_check_in` checks in the remote tickets already waiting (docs/architecture.md,
"Remote queue"), in the same unit of work as the setting, each with its TicketEvent; a ticket already
checked in gets none, and turning it on again changes nothing."""
from __future__ import annotations

from sqlalchemy import select

from server.models import RemoteTicket, SetupChange, TicketEvent
from server.queue import waiting_lists
from server.queue.actors import Actor
from tests.core.test_remote_queue import GUIDE, TELLER, open_counter, take

SUPERVISOR = Actor("user", "supervisor", 3, "supervisor")


def check_ins(db) -> list[tuple[int, str, str]]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(TicketEvent.ticket_id, TicketEvent.actor, TicketEvent.detail["via"]
                                                   .as_string()).where(TicketEvent.action == "check_in")
                                            .order_by(TicketEvent.ticket_id))]


def test_turning_on_call_without_check_in_checks_in_the_waiting_remote_tickets(db, engine, events):
    cid = open_counter(db, engine)
    first, second, done = take(engine, "d1"), take(engine, "d2"), take(engine, "d3")
    engine.remote.check_in("kiosk", GUIDE, branch_code="demo", number=done["number"])
    with db.read() as s:
        assert [t["number"] for t in waiting_lists.not_checked_in_tickets(s, cid, engine.clock())] \
            == [first["number"], second["number"]]
    seen = len(events)

    engine.remote.update_settings("demo", {"call_without_check_in": True}, by="supervisor", actor=SUPERVISOR)
    assert check_ins(db) == sorted([(first["id"], "user:supervisor", "setting"),
                                    (second["id"], "user:supervisor", "setting"),
                                    (done["id"], "user:guide", "kiosk")])
    with db.read() as s:
        vias = dict(s.execute(select(RemoteTicket.ticket_id, RemoteTicket.checked_in_via)).all())
        assert vias == {first["id"]: "setting", second["id"]: "setting", done["id"]: "kiosk"}
        assert s.execute(select(SetupChange).order_by(SetupChange.id.desc())).scalars().first() is not None
        assert waiting_lists.not_checked_in_tickets(s, cid, engine.clock()) == []
    names = [str(e.name) for e in events[seen:]]
    assert names.count("ticket.checked_in") == 2 and "queue.changed" in names and "branch.updated" in names
    assert engine.call_next(cid, TELLER)["ticket"]["id"] == first["id"]  # callable now, in its place

    engine.remote.update_settings("demo", {"call_without_check_in": True}, by="supervisor", actor=SUPERVISOR)
    engine.remote.update_settings("demo", {"call_without_check_in": False})
    assert len(check_ins(db)) == 3  # nothing more to check in


def test_the_api_records_the_supervisor_as_who_checked_them_in(client, signed_in, hub):
    from tests.core.test_remote_api import take as take_over_http

    ticket = take_over_http(client)
    answer = signed_in("supervisor").patch("/api/v1/branches/demo/remote-settings", json={"call_without_check_in": True})
    assert answer.status_code == 200 and answer.get_json()["call_without_check_in"] is True
    with hub.db.read() as s:
        event = s.execute(select(TicketEvent).where(TicketEvent.ticket_id == ticket["id"],
                                                    TicketEvent.action == "check_in")).scalar_one()
    assert event.actor.endswith("supervisor") and event.detail == {"via": "setting"}
