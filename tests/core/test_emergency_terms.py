"""One name for the emergency plan in Chinese: the seed's 應急方案 (应急方案), in every string about it.

The supervisor panel once said 緊急應變模式 in some strings and 應急方案 in others for the same plan.
"""
from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from server.i18n import TRANSLATIONS_DIR

TERM = {"zh_Hant": ("應急方案", "緊急應變"), "zh_Hans": ("应急方案", "紧急应变")}


@pytest.mark.parametrize("locale", sorted(TERM))
def test_every_emergency_string_uses_the_plans_one_name(locale):
    term, other = TERM[locale]
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    about_the_plan = [m for m in catalog if m.id and "emergency" in str(m.id).lower()]
    assert len(about_the_plan) >= 10  # the panel's start/end/confirm/state strings
    wrong = [(m.id, m.string) for m in about_the_plan if term not in m.string or other in m.string]
    assert not wrong, wrong
