"""The teller survey: a supervisor sets it, each teller answers once per period, answers carry no
teller, results show per period from MIN_RESPONSES answers on, with a CSV export."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import inspect, select

from server.demo import ensure_demo
from server.models import TellerSurveyAnswered, TellerSurveyResponse, User
from server.queue.teller_survey import MIN_RESPONSES, period_key

BASE = "/api/v1/branches/demo/surveys"
SURVEY = {
    "title": {"zh_Hant": "本月工作滿意度", "en": "This month's job satisfaction"},
    "questions": [
        {"kind": "rating", "text": {"zh_Hant": "工作量是否合理？", "en": "Is the workload reasonable?"}},
        {"kind": "text", "text": {"zh_Hant": "有什麼建議？", "en": "Any suggestions?"}},
    ],
    "period": "monthly",
}


@pytest.fixture
def hub(app, clock):
    hub = app.extensions["counterflow"]
    ensure_demo(hub.db)
    hub.engine.clock = clock  # 2026-03-02, 09:00 in Taipei; the tests move it by hand
    return hub


def _create(signed_in, **changes) -> dict:
    r = signed_in("supervisor").post(BASE, json={**SURVEY, **changes})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_period_keys():
    import datetime as dt
    day = dt.date(2026, 12, 1)
    assert (period_key(day, "monthly"), period_key(day, "quarterly"), period_key(day, "weekly")) == (
        "2026-12", "2026-Q4", "2026-W49")


def test_a_teller_is_asked_until_answering_and_then_not_again_this_period(hub, signed_in, clock, published):
    survey = _create(signed_in)
    assert survey["title"]["zh_Hans"] == "本月工作满意度"  # filled by OpenCC
    assert survey["open"] and survey["current_period"] == "2026-03"
    teller = signed_in("teller1")
    pending = teller.get(f"{BASE}/pending").get_json()["surveys"]
    assert [s["id"] for s in pending] == [survey["id"]]

    r = teller.post(f"{BASE}/{survey['id']}/answers", json={"answers": [4, "  more staff at lunch "]})
    assert r.status_code == 201 and r.get_json() == {"survey_id": survey["id"], "period": "2026-03", "answered": True}
    assert teller.get(f"{BASE}/pending").get_json()["surveys"] == []
    again = teller.post(f"{BASE}/{survey['id']}/answers", json={"answers": [5, None]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "survey_answered"
    answered = [e for e in published if e.name == "survey.answered"]
    assert len(answered) == 1 and answered[0].data == {"survey_id": survey["id"], "period": "2026-03"}

    # The next month asks again.
    clock.advance(days=31)
    assert [s["period_key"] for s in teller.get(f"{BASE}/pending").get_json()["surveys"]] == ["2026-04"]


def test_answers_are_stored_without_the_teller(hub, signed_in):
    survey = _create(signed_in)
    signed_in("teller2").post(f"{BASE}/{survey['id']}/answers", json={"answers": [3, "ok"]})
    columns = {c.name for c in inspect(TellerSurveyResponse).columns}
    assert columns == {"id", "survey_id", "period", "answers"}  # no user, no time
    marker_columns = {c.name for c in inspect(TellerSurveyAnswered).columns}
    assert marker_columns == {"survey_id", "period", "user_id"}  # no answers, no id, no time
    with hub.db.read() as session:
        (answers,) = session.execute(select(TellerSurveyResponse.answers)).one()
        markers = session.execute(select(TellerSurveyAnswered.user_id)).scalars().all()
    assert answers == [3, "ok"] and len(markers) == 1


def test_results_by_period_show_from_the_minimum_and_export_as_csv(hub, signed_in):
    survey = _create(signed_in)
    supervisor = signed_in("supervisor")
    signed_in("teller1").post(f"{BASE}/{survey['id']}/answers", json={"answers": [5, "quiet morning"]})
    hidden = supervisor.get(BASE).get_json()["surveys"][0]["results"][0]
    assert hidden["responses"] == 1 and hidden["shown"] is False and "average" not in hidden["questions"][0]
    assert MIN_RESPONSES == 3
    signed_in("teller2").post(f"{BASE}/{survey['id']}/answers", json={"answers": [2, None]})
    signed_in("teller3").post(f"{BASE}/{survey['id']}/answers", json={"answers": [4, "=cmd|' /C calc'!A0"]})
    result = supervisor.get(BASE).get_json()["surveys"][0]["results"][0]
    rating, text = result["questions"]
    assert result["period"] == "2026-03" and result["responses"] == 3 and result["shown"]
    assert rating["average"] == pytest.approx(3.67) and rating["distribution"] == {
        "1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert text["answered"] == 2 and text["texts"] == ["=cmd|' /C calc'!A0", "quiet morning"]

    r = supervisor.get(f"{BASE}/{survey['id']}/results.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0]["average"] == "3.67" and rows[0]["score_5"] == "1" and rows[0]["responses"] == "3"
    texts = [row["text"] for row in rows if row["text"]]
    assert texts == ["'=cmd|' /C calc'!A0", "quiet morning"]  # a formula is made plain text


def test_bad_input_is_refused_with_codes(hub, signed_in):
    supervisor = signed_in("supervisor")
    cases = [
        ({**SURVEY, "questions": []}, "invalid_questions"),
        ({**SURVEY, "questions": [{"kind": "choice", "text": {"zh_Hant": "?"}}]}, "invalid_questions"),
        ({**SURVEY, "title": {"en": "no Chinese"}}, "invalid_title"),
        ({**SURVEY, "period": "daily"}, "invalid_period"),
        ({**SURVEY, "opens_on": "2026-03-10", "closes_on": "2026-03-01"}, "invalid_dates"),
    ]
    for body, code in cases:
        r = supervisor.post(BASE, json=body)
        assert r.status_code == 400 and r.get_json()["error"]["code"] == code, (body, r.get_json())
    survey = _create(signed_in)
    teller = signed_in("teller1")
    for answers in ([6, None], [None, None], [4], ["four", None], [True, None]):
        r = teller.post(f"{BASE}/{survey['id']}/answers", json={"answers": answers})
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_answers", answers
    assert teller.post(f"{BASE}/999/answers", json={"answers": [1, None]}).status_code == 404
    with hub.db.read() as session:
        assert session.execute(select(TellerSurveyResponse)).first() is None


def test_a_closed_or_future_survey_asks_nobody(hub, signed_in, clock):
    later = _create(signed_in, opens_on="2026-03-10")
    closing = _create(signed_in)
    teller = signed_in("teller1")
    assert [s["id"] for s in teller.get(f"{BASE}/pending").get_json()["surveys"]] == [closing["id"]]
    closed = signed_in("supervisor").post(f"{BASE}/{closing['id']}/close").get_json()
    assert closed["closes_on"] == "2026-03-02"
    clock.advance(days=1)
    assert teller.get(f"{BASE}/pending").get_json()["surveys"] == []
    r = teller.post(f"{BASE}/{closing['id']}/answers", json={"answers": [3, None]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "survey_not_open"
    clock.advance(days=8)
    assert [s["id"] for s in teller.get(f"{BASE}/pending").get_json()["surveys"]] == [later["id"]]


def test_two_answers_at_once_from_one_teller_store_one(hub, signed_in):
    """A double click sent twice at the same moment: one answer and one marker, the other 409."""
    import threading

    from server.queue.actors import Actor
    from server.queue.errors import Conflict
    from server.queue.teller_survey import SurveyOperations

    survey = _create(signed_in)
    with hub.db.read() as session:
        user_id = session.execute(select(User.id).where(User.username == "teller1")).scalar_one()
    teller = Actor(kind="user", name="teller1", user_id=user_id, role="teller")
    ops = SurveyOperations(hub.engine.unit_of_work)
    start, outcomes = threading.Barrier(2), []

    def answer():
        start.wait()
        try:
            outcomes.append(ops.answer("demo", survey["id"], teller, [4, None])["answered"])
        except Conflict as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(map(str, outcomes)) == ["True", "survey_answered"]
    with hub.db.read() as session:
        assert len(session.execute(select(TellerSurveyResponse)).all()) == 1
