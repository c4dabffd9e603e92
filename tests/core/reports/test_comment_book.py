"""The comment book (意見簿): a customer's comment with their rating from the ticket page, a paper comment
registered by staff, answered, marked handled and archived by a supervisor; the day report counts them."""
from __future__ import annotations

from sqlalchemy import select

from handmade import DAY, at
from server.models import Comment, Rating, Ticket


def _token(app, number: str) -> str:
    with app.extensions["counterflow"].db.read() as s:
        return s.execute(select(Ticket.public_token).where(Ticket.number == number)).scalar_one()


def test_a_customer_comments_with_the_rating_once_within_the_window(app, client, handmade_day, hub_clock, bearer):
    seen = []
    app.extensions["counterflow"].bus.subscribe(seen.append)
    token = _token(app, "B001")  # completed at minute 22, not rated
    at(hub_clock, 25)
    url = f"/api/v1/public/tickets/{token}/rating"
    too_long = client.post(url, json={"score": 4, "comment": "x" * 1001})
    assert too_long.status_code == 400
    r = client.post(url, json={"score": 4, "comment": "  櫃員很親切，但等太久  "})
    assert r.status_code == 201 and r.get_json() == {"number": "B001", "score": 4, "comment": True}
    assert client.post(url, json={"score": 5, "comment": "again"}).get_json()["error"]["code"] == "already_rated"
    with app.extensions["counterflow"].db.read() as s:
        comment = s.execute(select(Comment)).scalar_one()
        assert (comment.text, comment.source, comment.score, comment.number) == ("櫃員很親切，但等太久", "ticket_page", 4, "B001")
        assert s.execute(select(Rating.score).where(Rating.ticket_id == comment.ticket_id)).scalar_one() == 4
    received = [e for e in seen if e.name == "comment.received"]
    assert len(received) == 1 and received[0].data["comment"]["status"] == "open"
    # A comment without a rating is not possible (the rating is the customer's proof of service), and the
    # window closes 30 minutes after service.
    at(hub_clock, 60)
    late = client.post(f"/api/v1/public/tickets/{_token(app, 'A001')}/rating", json={"score": 5, "comment": "late"})
    assert late.get_json()["error"]["code"] in ("rating_closed", "already_rated")


def test_paper_comments_are_registered_answered_handled_archived_and_counted(app, handmade_day, hub_clock, bearer):
    at(hub_clock, 60)
    guide, supervisor = bearer("guide"), bearer("supervisor")
    base = "/api/v1/branches/demo/comments"
    made = guide.post(base, json={"text": "希望增加一個櫃檯", "number": "A002", "contact": "0912-345678",
                                  "date": DAY})
    assert made.status_code == 201
    comment = made.get_json()
    assert (comment["source"], comment["status"], comment["registered_by"]) == ("paper", "open", "user:guide")
    assert guide.post(base, json={"text": "   "}).status_code == 400
    assert guide.post(base, json={"text": "x", "date": "2999-01-01"}).status_code == 400
    assert guide.get(base).status_code == 403  # listing, answering: supervisors
    assert guide.post(f"{base}/{comment['id']}/handled").status_code == 403

    listed = supervisor.get(base).get_json()["comments"]
    assert [c["id"] for c in listed] == [comment["id"]]
    cid = comment["id"]
    assert supervisor.post(f"{base}/{cid}/archive").get_json()["error"]["code"] == "comment_not_handled"
    answered = supervisor.post(f"{base}/{cid}/reply", json={"reply": "已於午間加開一個櫃檯"}).get_json()
    assert answered["status"] == "answered" and answered["replied_by"] == "user:supervisor"
    report = supervisor.get(f"/api/v1/branches/demo/reports/day?date={DAY}").get_json()
    assert report["comments"] == {"received": 1, "answered": 1, "open": 0, "from_ticket_page": 0, "on_paper": 1}
    assert supervisor.post(f"{base}/{cid}/handled").get_json()["status"] == "handled"
    assert supervisor.post(f"{base}/{cid}/handled").get_json()["error"]["code"] == "comment_handled"
    assert supervisor.post(f"{base}/{cid}/archive").get_json()["status"] == "archived"
    assert supervisor.post(f"{base}/{cid}/reply", json={"reply": "x"}).get_json()["error"]["code"] == "comment_archived"
    assert supervisor.get(base).get_json()["comments"] == []  # archived ones only when asked
    assert [c["id"] for c in supervisor.get(f"{base}?status=archived").get_json()["comments"]] == [cid]
    assert supervisor.post(f"{base}/999999/reply", json={"reply": "x"}).status_code == 404
    # The printed day report shows the counts, also for a day closed before the box was emptied.
    assert supervisor.post("/api/v1/branches/demo/day-close", json={"date": DAY}).status_code == 201
    guide.post(base, json={"text": "第二張意見卡", "date": DAY})
    page = supervisor.get(f"/api/v1/branches/demo/reports/day?date={DAY}&format=html&lang=en").data.decode()
    assert "Comment book" in page and "<td>2</td><td>1</td><td>1</td><td>0</td><td>2</td>" in page
