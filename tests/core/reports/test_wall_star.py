"""The service star on the lobby display's rotation: a supervisor posts the month's star (name as the
branch chooses) or takes it down; displays get it in their snapshot and as `display.star`."""
from __future__ import annotations

from handmade import at


def test_no_star_no_posting_and_only_supervisors_post(handmade_day, hub_clock, bearer):
    at(hub_clock, 60)
    supervisor = bearer("supervisor")
    url = "/api/v1/branches/demo/wall-star"
    assert supervisor.get(url).get_json() == {"star": None}
    # With the default rule (30 rated services) March 2026 has no star.
    refused = supervisor.put(url, json={"on": True, "month": "2026-03"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_star"
    assert bearer("teller1").put(url, json={"on": False}).status_code == 403
    assert supervisor.put(url, json={"on": True, "month": "2026-3"}).status_code == 400


def test_posted_star_reaches_the_display_snapshot(app, handmade_day, hub_clock, bearer, monkeypatch):
    import server.api.wall_star_routes as routes

    monkeypatch.setattr(routes, "MIN_RATED", 1)  # the hand-made day has one or two ratings per teller
    at(hub_clock, 60)
    seen = []
    app.extensions["counterflow"].bus.subscribe(seen.append)
    supervisor = bearer("supervisor")
    url = "/api/v1/branches/demo/wall-star"
    posted = supervisor.put(url, json={"on": True, "month": "2026-03", "name": "王小明"}).get_json()
    assert posted == {"star": {"month": "2026-03", "name": "王小明"}}
    assert supervisor.get(url).get_json() == posted
    event = next(e for e in seen if e.name == "display.star")
    from server.audiences import public_event_data, public_snapshot
    from server.queue import queries

    assert public_event_data(event.name, event.data, None) == {"star": {"month": "2026-03", "name": "王小明"}}
    with app.extensions["counterflow"].db.read() as s:
        assert public_snapshot(s, queries.branch_by_code(s, "demo"))["star"] == posted["star"]
    assert supervisor.put(url, json={"on": True, "month": "2026-03", "name": " "}).status_code == 400
    assert supervisor.put(url, json={"on": False}).get_json() == {"star": None}
    with app.extensions["counterflow"].db.read() as s:
        assert public_snapshot(s, queries.branch_by_code(s, "demo"))["star"] is None
