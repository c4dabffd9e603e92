"""The words of a notice, in the customer's language (the language of the page they took the ticket
on is not kept: notices go in Traditional Chinese with English, the branch's public languages).
Msgids are English, translated in server/translations like every page string."""
from __future__ import annotations

from ..reports.labels import N_, _catalog

TEXTS = {
    "near": N_("CounterFlow %(branch)s: ticket %(number)s, %(ahead)s ahead of you. Please come to the branch "
               "and check in."),
    "called": N_("CounterFlow %(branch)s: ticket %(number)s, please go to counter %(counter)s now."),
}


def notice_text(kind: str, locale: str, **values) -> str:
    return _catalog(locale).gettext(TEXTS[kind]) % values


def bilingual(kind: str, **values) -> str:
    return f"{notice_text(kind, 'zh_Hant', **values)} / {notice_text(kind, 'en', **values)}"
