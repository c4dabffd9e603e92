"""The hall's waiting figures follow what the counters can call: a ticket transferred to one counter is
that counter's, counted apart from its service's queue on the supervisor panel and left out of the
lobby display's and kiosk's figure (docs/architecture.md, "Hall figures")."""
from __future__ import annotations

import pytest


@pytest.fixture
def counters(signed_in):
    rows = signed_in("supervisor").get("/api/v1/branches/demo/counters").get_json()["counters"]
    return {c["number"]: c["id"] for c in rows}


def issue(signed_in, service="A") -> dict:
    response = signed_in("supervisor").post("/api/v1/branches/demo/tickets", json={"service": service})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def queue(api) -> dict:
    return {row["service"]: row for row in api.get("/api/v1/branches/demo/queue").get_json()["services"]}


def callable_numbers(api, counter_id: int) -> list[str]:
    return [t["number"] for t in api.get(f"/api/v1/counters/{counter_id}/callable").get_json()["tickets"]]


def test_a_ticket_moved_to_a_counter_is_counted_apart_from_its_service_queue(signed_in, client, counters):
    teller1, teller2, sv = signed_in("teller1"), signed_in("teller2"), signed_in("supervisor")
    for api, number in ((teller1, 1), (teller2, 2)):
        assert api.post(f"/api/v1/counters/{counters[number]}/open").status_code == 200
    first, second = issue(signed_in, "A"), issue(signed_in, "A")
    before = queue(sv)["A"]
    assert (before["waiting"], before["waiting_for_counters"]) == (2, [])

    moved = sv.post(f"/api/v1/tickets/{first['id']}/move", json={"to_counter": 2, "reason": "asked for her"})
    assert moved.status_code == 200, moved.get_json()

    row = queue(sv)["A"]
    assert row["waiting"] == 1 and row["waiting_for_counters"] == [{"counter": 2, "waiting": 1}]
    # What the counters can call agrees: counter 1 only the service queue, counter 2 its own ticket first.
    assert callable_numbers(teller1, counters[1]) == [second["number"]]
    assert callable_numbers(teller2, counters[2])[0] == first["number"]
    # The lobby display and the kiosk (public rows) see the service queue only, without counter detail.
    kiosk = signed_in("admin").post("/api/v1/device-tokens", json={"name": "kiosk-h", "kind": "kiosk", "branch": "demo"})
    headers = {"Authorization": f"Bearer {kiosk.get_json()['token']}"}
    public = {r["service"]: r for r in client.get("/api/v1/branches/demo/queue", headers=headers).get_json()["services"]}
    assert public["A"]["waiting"] == 1 and "waiting_for_counters" not in public["A"]

    # Counter 2 calls the moved ticket: nothing waits for a counter any more.
    called = teller2.post(f"/api/v1/counters/{counters[2]}/call-next").get_json()["ticket"]
    assert called["number"] == first["number"]
    row = queue(sv)["A"]
    assert (row["waiting"], row["waiting_for_counters"]) == (1, [])
