"""The teller survey (柜員滿意度調查): supervisors set and close it and read the results by period (JSON and
CSV); staff see the surveys waiting for their answer and answer them (server/queue/teller_survey.py)."""
from __future__ import annotations

from flask import Response, jsonify

from ..queue import queries, teller_survey
from ..queue.clock import business_day
from ..reports.export import Table, to_csv
from ..reports.periods import parse_date
from .core import hub, json_body, principal, route

DATE = {"format": "date", "minLength": 10, "maxLength": 10}
CREATE_BODY = {
    "title": (dict, True, "the survey's title: {zh_Hant (required), zh_Hans, en}"),
    "questions": (list, True, "1-10 questions: {kind: rating | text, text: {zh_Hant, zh_Hans, en}}",
                  {"maxItems": teller_survey.MAX_QUESTIONS}),
    "period": (str, True, "how often tellers are asked", {"enum": list(teller_survey.PERIODS)}),
    "opens_on": (str, False, "YYYY-MM-DD, first day it is asked; default today", DATE),
    "closes_on": (str, False, "YYYY-MM-DD, last day it is asked; default open until closed", DATE),
}
ANSWER_BODY = {"answers": (list, True, "one per question: 1-5 for a rating, a text for a text, null to skip",
                           {"maxItems": teller_survey.MAX_QUESTIONS})}
CSV_COLUMNS = ["period", "responses", "question", "kind", "question_text", "answered", "average",
               "score_1", "score_2", "score_3", "score_4", "score_5", "text"]


def _ops() -> teller_survey.SurveyOperations:
    return teller_survey.SurveyOperations(hub().engine.unit_of_work)


def _today(branch):
    return business_day(hub().engine.clock(), branch.timezone)


@route("/branches/<code>/surveys", summary="Teller surveys with their results by period (supervisor)",
       capability="may_supervise", tag="surveys")
def list_surveys(code: str):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        return jsonify(surveys=teller_survey.list_surveys(session, branch.id, _today(branch)),
                       min_responses=teller_survey.MIN_RESPONSES)


@route("/branches/<code>/surveys", ["POST"], summary="Set a teller survey (supervisor)", capability="may_supervise",
       body=CREATE_BODY, tag="surveys", success=201)
def create_survey(code: str):
    data = json_body(CREATE_BODY)
    opens = parse_date(data["opens_on"]) if data.get("opens_on") else None
    closes = parse_date(data["closes_on"]) if data.get("closes_on") else None
    return jsonify(_ops().create(code, principal().actor, title=data["title"], questions=data["questions"],
                                 period=data["period"], opens_on=opens, closes_on=closes)), 201


@route("/branches/<code>/surveys/<int:survey_id>/close", ["POST"], summary="Close a teller survey today "
       "(supervisor)", capability="may_supervise", tag="surveys")
def close_survey(code: str, survey_id: int):
    return jsonify(_ops().close(code, survey_id, principal().actor))


@route("/branches/<code>/surveys/<int:survey_id>/results.csv", summary="A teller survey's results by period as CSV "
       "(one row per question and period, one more per text answer)", capability="may_supervise", tag="surveys",
       produces=("text/csv",))
def survey_csv(code: str, survey_id: int):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        survey = teller_survey.survey_of_branch(session, branch.id, survey_id)
        periods = teller_survey.results(session, survey)
    rows = []
    for p in periods:
        for q in p["questions"]:
            dist = q.get("distribution") or {}
            base = [p["period"], p["responses"], q["index"] + 1, q["kind"], q["text"]["zh_Hant"], q["answered"],
                    q.get("average"), *[dist.get(str(k)) for k in range(1, 6)]]
            rows.append(base + [None])
            rows.extend(base[:6] + [None] * 6 + [text] for text in q.get("texts", []))
    body = to_csv(Table("survey", CSV_COLUMNS, rows))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="counterflow-{branch.code}-survey-{survey_id}.csv"'})


@route("/branches/<code>/surveys/pending", summary="The open surveys the caller has not answered in this period "
       "(staff; the counter terminal's prompt)", capability="may_read_staff_data", tag="surveys")
def pending_surveys(code: str):
    with hub().db.read() as session:
        branch = queries.branch_by_code(session, code)
        return jsonify(surveys=teller_survey.pending(session, branch.id, principal().user_id, _today(branch)))


@route("/branches/<code>/surveys/<int:survey_id>/answers", ["POST"], summary="Answer a teller survey, anonymously "
       "(staff; once per period)", capability="may_read_staff_data", body=ANSWER_BODY, tag="surveys", success=201)
def answer_survey(code: str, survey_id: int):
    data = json_body(ANSWER_BODY)
    return jsonify(_ops().answer(code, survey_id, principal().actor, data["answers"])), 201
