"""Counter terminal strings for the teller survey prompt (survey_prompt.js; English msgids)."""
from flask_babel import lazy_gettext as _l

SURVEY_MESSAGES = {
    "survey.prompt": _l("A staff survey is open: %(title)s"),
    "survey.prompt_note": _l("Your answers are anonymous: they are stored without your name."),
    "survey.answer": _l("Answer now"),
    "survey.later": _l("Later"),
    "survey.dialog_title": _l("Staff survey"),
    "survey.rating_scale": _l("1 = poor, 5 = very good"),
    "survey.optional": _l("Optional"),
    "survey.submit": _l("Send anonymously"),
    "survey.thanks": _l("Thank you. Your answers were stored anonymously."),
    "err.invalid_answers": _l("Answer at least one question."),
    "err.survey_answered": _l("You have already answered this survey for this period."),
    "err.survey_not_open": _l("This survey is closed."),
}

SURVEY_ERRORS = {code: f"err.{code}" for code in ("invalid_answers", "survey_answered", "survey_not_open")}
