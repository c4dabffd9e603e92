"""Admin changes to a branch's set-up go through one unit of work, publish what changed, and are
acted on at once by the engine (its set-up cache follows branches.config_version)."""
from __future__ import annotations

import pytest

from server.demo import ensure_demo


@pytest.fixture
def hub(app):
    hub = app.extensions["counterflow"]
    ensure_demo(hub.db)
    return hub


def _events(hub):
    seen = []
    hub.bus.subscribe(seen.append)
    return seen


def test_changing_a_service_publishes_service_updated_and_the_queue(hub, signed_in):
    seen = _events(hub)
    r = signed_in("admin").patch("/api/v1/branches/demo/services/B", json={"name_en": "Business", "active": False})
    assert r.status_code == 200 and r.get_json()["name_en"] == "Business"
    names = [e.name for e in seen]
    assert "service.updated" in names and "queue.changed" in names
    updated = next(e for e in seen if e.name == "service.updated")
    assert updated.data["service"]["active"] is False and updated.seq > 0
    # The engine refuses the now-inactive service at once, without a restart.
    issued = signed_in("supervisor").post("/api/v1/branches/demo/tickets", json={"service": "B"})
    assert issued.status_code == 409 and issued.get_json()["error"]["code"] == "service_inactive"


def test_a_counter_serves_its_new_services_on_the_very_next_call(hub, signed_in):
    admin, supervisor = signed_in("admin"), signed_in("supervisor")
    counters = {c["number"]: c["id"] for c in supervisor.get("/api/v1/branches/demo/counters").get_json()["counters"]}
    assert supervisor.post(f"/api/v1/counters/{counters[1]}/open").status_code == 200
    supervisor.post("/api/v1/branches/demo/tickets", json={"service": "C"})
    empty = supervisor.post(f"/api/v1/counters/{counters[1]}/call-next")  # counter 1 serves A, B: not C
    assert empty.status_code == 409 and empty.get_json()["error"]["code"] == "queue_empty"
    seen = _events(hub)
    r = admin.patch(f"/api/v1/counters/{counters[1]}", json={"services": ["C", "A"], "policy": "longest_wait"})
    assert r.status_code == 200 and r.get_json()["services"] == ["C", "A"] and r.get_json()["policy"] == "longest_wait"
    assert [e.name for e in seen if e.name == "counter.updated"] == ["counter.updated"]
    called = supervisor.post(f"/api/v1/counters/{counters[1]}/call-next")
    assert called.status_code == 200 and called.get_json()["ticket"]["service"] == "C"


def test_a_refused_counter_change_changes_nothing(hub, signed_in):
    admin = signed_in("admin")
    counters = {c["number"]: c for c in admin.get("/api/v1/branches/demo/counters").get_json()["counters"]}
    r = admin.patch(f"/api/v1/counters/{counters[2]['id']}", json={"services": ["A", "Z"], "policy": "longest_wait"})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "service_not_found"
    after = admin.get(f"/api/v1/counters/{counters[2]['id']}").get_json()
    assert after["services"] == counters[2]["services"] and after["policy"] == counters[2]["policy"]
