"""The teller satisfaction survey (柜員滿意度調查): a short survey a supervisor sets for the branch's
tellers, asked once per period (a month, a quarter or a week) between its open and close days.

Answers are anonymous (docs/architecture.md, "Teller survey"): a response row holds the period and the
answers only, never the teller, the time or anything else that would tie it to a person. What keeps a
teller from being asked twice is a separate marker (survey, period, user) with no id and no time, so
the two tables cannot be joined by order or by clock. Results of a period show only once
MIN_RESPONSES tellers answered, so a single answer cannot be read as one known teller's.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter as Tally

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import TellerSurvey, TellerSurveyAnswered, TellerSurveyResponse
from .actors import Actor
from .clock import business_day, iso_utc
from .errors import Conflict, Forbidden, Invalid, NotFound
from .names import simplified
from .repository import branch_by_code

LOCALES = ("zh_Hant", "zh_Hans", "en")
PERIODS = ("monthly", "quarterly", "weekly")
KINDS = ("rating", "text")
MAX_QUESTIONS = 10
MAX_QUESTION = 200
MAX_TITLE = 120
MAX_ANSWER_TEXT = 1000
MIN_RESPONSES = 3  # results of a period stay hidden below this many answers (anonymity)
OPENED, CLOSED, ANSWERED = "survey.opened", "survey.closed", "survey.answered"


# ---------------------------------------------------------------------------- periods
def period_key(day: dt.date, period: str) -> str:
    """The period a business day falls in: 2026-12 (monthly), 2026-Q4, 2026-W49 (ISO week)."""
    if period == "monthly":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "quarterly":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def is_open(survey: TellerSurvey, today: dt.date) -> bool:
    return survey.opens_on <= today and (survey.closes_on is None or today <= survey.closes_on)


# ---------------------------------------------------------------------------- checking input
def _texts(value, code: str, limit: int) -> dict:
    """A text in three languages; Traditional Chinese is required, Simplified follows it by OpenCC when
    left out (as branch and service names do), English falls back to the Chinese."""
    if not isinstance(value, dict) or set(value) - set(LOCALES):
        raise Invalid(code, f"give an object with the keys {', '.join(LOCALES)}")
    out = {}
    for locale in LOCALES:
        text = value.get(locale, "")
        if not isinstance(text, str) or len(text.strip()) > limit:
            raise Invalid(code, f"each text is at most {limit} characters")
        out[locale] = text.strip()
    if not out["zh_Hant"]:
        raise Invalid(code, "the Traditional Chinese text is required")
    out["zh_Hans"] = out["zh_Hans"] or simplified(out["zh_Hant"])
    out["en"] = out["en"] or out["zh_Hant"]
    return out


def clean_questions(questions) -> list[dict]:
    if not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
        raise Invalid("invalid_questions", f"give 1-{MAX_QUESTIONS} questions")
    cleaned = []
    for q in questions:
        if not isinstance(q, dict) or set(q) - {"kind", "text"} or q.get("kind") not in KINDS:
            raise Invalid("invalid_questions", "each question is {kind: rating | text, text: {zh_Hant, zh_Hans, en}}")
        cleaned.append({"kind": q["kind"], "text": _texts(q.get("text"), "invalid_questions", MAX_QUESTION)})
    return cleaned


def clean_answers(survey: TellerSurvey, answers) -> list:
    """One answer per question: a whole number 1-5 for a rating, a text for a text; null skips it."""
    if not isinstance(answers, list) or len(answers) != len(survey.questions):
        raise Invalid("invalid_answers", f"give {len(survey.questions)} answers, one per question")
    cleaned = []
    for question, answer in zip(survey.questions, answers):
        if answer is None or answer == "":
            cleaned.append(None)
        elif question["kind"] == "rating":
            if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= 5:
                raise Invalid("invalid_answers", "a rating is a whole number from 1 to 5")
            cleaned.append(answer)
        else:
            if not isinstance(answer, str) or len(answer.strip()) > MAX_ANSWER_TEXT:
                raise Invalid("invalid_answers", f"a text answer is at most {MAX_ANSWER_TEXT} characters")
            cleaned.append(answer.strip() or None)
    if all(a is None for a in cleaned):
        raise Invalid("invalid_answers", "answer at least one question")
    return cleaned


# ---------------------------------------------------------------------------- views and results
def survey_view(s: TellerSurvey, today: dt.date | None = None) -> dict:
    view = {"id": s.id, "title": s.title, "questions": s.questions, "period": s.period,
            "opens_on": s.opens_on.isoformat(), "closes_on": s.closes_on.isoformat() if s.closes_on else None,
            "created_by": s.created_by, "created_at": iso_utc(s.created_at)}
    if today is not None:
        view["open"] = is_open(s, today)
        view["current_period"] = period_key(today, s.period) if view["open"] else None
    return view


def period_results(survey: TellerSurvey, period: str, answer_sets: list[list]) -> dict:
    """Counts, averages and the texts of one period; figures only from MIN_RESPONSES answers on."""
    shown = len(answer_sets) >= MIN_RESPONSES
    questions = []
    for i, q in enumerate(survey.questions):
        given = [a[i] for a in answer_sets if i < len(a) and a[i] is not None]
        row = {"index": i, "kind": q["kind"], "text": q["text"], "answered": len(given)}
        if not shown:
            pass
        elif q["kind"] == "rating":
            tally = Tally(given)
            row["average"] = round(sum(given) / len(given), 2) if given else None
            row["distribution"] = {str(k): tally.get(k, 0) for k in range(1, 6)}
        else:
            row["texts"] = sorted(given)  # sorted, not in the order given: order could tell who wrote what
        questions.append(row)
    return {"period": period, "responses": len(answer_sets), "shown": shown, "questions": questions}


def results(session: Session, survey: TellerSurvey) -> list[dict]:
    """Every period answered so far, newest first."""
    by_period: dict[str, list[list]] = {}
    for period, answers in session.execute(select(TellerSurveyResponse.period, TellerSurveyResponse.answers)
                                           .where(TellerSurveyResponse.survey_id == survey.id)):
        by_period.setdefault(period, []).append(answers)
    return [period_results(survey, p, by_period[p]) for p in sorted(by_period, reverse=True)]


def list_surveys(session: Session, branch_id: int, today: dt.date) -> list[dict]:
    surveys = session.execute(select(TellerSurvey).where(TellerSurvey.branch_id == branch_id)
                              .order_by(TellerSurvey.opens_on.desc(), TellerSurvey.id.desc())).scalars()
    return [{**survey_view(s, today), "results": results(session, s)} for s in surveys]


def survey_of_branch(session: Session, branch_id: int, survey_id: int) -> TellerSurvey:
    survey = session.get(TellerSurvey, survey_id)
    if survey is None or survey.branch_id != branch_id:
        raise NotFound("survey_not_found", f"no survey with id {survey_id}")
    return survey


def pending(session: Session, branch_id: int, user_id: int, today: dt.date) -> list[dict]:
    """The open surveys this teller has not answered in their current period (the counter's prompt)."""
    surveys = session.execute(select(TellerSurvey).where(TellerSurvey.branch_id == branch_id,
                                                         TellerSurvey.opens_on <= today)
                              .order_by(TellerSurvey.id)).scalars().all()
    out = []
    for s in surveys:
        if not is_open(s, today):
            continue
        period = period_key(today, s.period)
        answered = session.execute(select(func.count()).select_from(TellerSurveyAnswered).where(
            TellerSurveyAnswered.survey_id == s.id, TellerSurveyAnswered.period == period,
            TellerSurveyAnswered.user_id == user_id)).scalar_one()
        if not answered:
            out.append({**survey_view(s, today), "period_key": period})
    return out


class SurveyOperations:
    """Setting, closing and answering surveys, one unit of work each."""

    def __init__(self, uow_factory):
        self._uow = uow_factory

    def create(self, branch_code: str, actor: Actor, *, title, questions, period: str,
               opens_on: dt.date | None = None, closes_on: dt.date | None = None) -> dict:
        title = _texts(title, "invalid_title", MAX_TITLE)
        questions = clean_questions(questions)
        if period not in PERIODS:
            raise Invalid("invalid_period", f"period must be one of {', '.join(PERIODS)}")
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            today = business_day(uow.now, branch.timezone)
            opens_on = opens_on or today
            if closes_on is not None and closes_on < opens_on:
                raise Invalid("invalid_dates", "the survey cannot close before it opens")
            survey = TellerSurvey(branch_id=branch.id, title=title, questions=questions, period=period,
                                  opens_on=opens_on, closes_on=closes_on, created_by=actor.label,
                                  created_at=uow.now)
            uow.session.add(survey)
            uow.session.flush()
            view = survey_view(survey, today)
            uow.emit(OPENED, branch, {"survey": view})
        return view

    def close(self, branch_code: str, survey_id: int, actor: Actor) -> dict:
        """Close it today: today's answers still count, from tomorrow nobody is asked."""
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            survey = survey_of_branch(uow.session, branch.id, survey_id)
            today = business_day(uow.now, branch.timezone)
            if survey.closes_on is not None and survey.closes_on < today:
                raise Conflict("survey_closed", "this survey is already closed")
            survey.closes_on = max(today, survey.opens_on)
            uow.session.flush()
            view = survey_view(survey, today)
            uow.emit(CLOSED, branch, {"survey": view, "by": actor.label})
        return view

    def answer(self, branch_code: str, survey_id: int, actor: Actor, answers) -> dict:
        """Store the answers without the teller, and the marker without the answers, in one transaction.
        The event names the survey and the period only."""
        if actor.user_id is None:
            raise Forbidden("staff_only", "only a signed-in member of staff answers the survey")
        try:
            return self._answer(branch_code, survey_id, actor, answers)
        except IntegrityError:  # the same teller's second answer, sent at the same moment: one marker wins
            raise Conflict("survey_answered", "you have answered this survey for this period") from None

    def _answer(self, branch_code: str, survey_id: int, actor: Actor, answers) -> dict:
        with self._uow() as uow:
            branch = branch_by_code(uow.session, branch_code)
            survey = survey_of_branch(uow.session, branch.id, survey_id)
            today = business_day(uow.now, branch.timezone)
            if not is_open(survey, today):
                raise Conflict("survey_not_open", "this survey is not open today")
            answers = clean_answers(survey, answers)
            period = period_key(today, survey.period)
            marker = uow.session.get(TellerSurveyAnswered, (survey.id, period, actor.user_id))
            if marker is not None:
                raise Conflict("survey_answered", "you have answered this survey for this period")
            uow.session.add(TellerSurveyAnswered(survey_id=survey.id, period=period, user_id=actor.user_id))
            uow.session.add(TellerSurveyResponse(survey_id=survey.id, period=period, answers=answers))
            uow.session.flush()
            uow.emit(ANSWERED, branch, {"survey_id": survey.id, "period": period})
        return {"survey_id": survey.id, "period": period, "answered": True}
