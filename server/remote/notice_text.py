"""The words of a notice, in the customer's language: the one of the page they took the ticket on
(`remote_tickets.locale`; Traditional Chinese when unknown). Msgids are English, translated in
server/translations like every page string."""
from __future__ import annotations

from ..reports.labels import N_, _catalog

TEXTS = {
    "near": N_("CounterFlow %(branch)s: ticket %(number)s, %(ahead)s ahead of you. Please come to the branch "
               "and check in."),
    "called": N_("CounterFlow %(branch)s: ticket %(number)s, please go to counter %(counter)s now."),
}


def notice_text(kind: str, locale: str, **values) -> str:
    return _catalog(locale).gettext(TEXTS[kind]) % values


def branch_name(locale: str, name_zh: str, name_zh_hans: str, name_en: str) -> str:
    """The branch's name in that language, falling back to its Chinese name."""
    return {"en": name_en, "zh_Hans": name_zh_hans}.get(locale) or name_zh
