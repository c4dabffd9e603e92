"""UI text goes through Flask-Babel: every string translated, nothing hard-coded in templates or JS.

The checks walk every surface package, so a new one (counter terminal, supervisor panel) is covered
as soon as it has templates, static files or a messages.py.
"""
from __future__ import annotations

import gettext
import importlib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from server.i18n import LOCALES, TRANSLATIONS_DIR, normalize

ROOT = Path(__file__).resolve().parents[2]
SURFACES = ["server/web_common", "kiosk", "display", "ticket_page", "counter_terminal", "supervisor", "admin"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def surface_files(pattern: str) -> list[Path]:
    return [p for s in SURFACES for p in (ROOT / s).glob(pattern) if "vendor" not in p.parts]


def message_catalogs() -> dict[str, dict]:
    found = {}
    for surface in SURFACES:
        if (ROOT / surface / "messages.py").exists():
            module = importlib.import_module(surface.replace("/", ".") + ".messages")
            found[surface] = module.MESSAGES
    return found


def po_catalog(locale: str):
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_every_ui_string_is_translated_with_the_same_placeholders(locale):
    catalog = po_catalog(locale)
    problems = []
    for surface, messages in message_catalogs().items():
        for key, lazy in messages.items():
            msgid = lazy._args[0]  # LazyString keeps the msgid it was made with
            entry = catalog.get(msgid)
            if entry is None or not entry.string:
                problems.append(f"{surface}:{key} not translated: {msgid!r} (run `make translations`)")
            elif sorted(PLACEHOLDER.findall(entry.string)) != sorted(PLACEHOLDER.findall(msgid)):
                problems.append(f"{surface}:{key} placeholders differ: {msgid!r} -> {entry.string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogs_match_the_po_files(locale):
    po = {m.id: m.string for m in po_catalog(locale) if m.id and m.string}
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
        mo = {k: v for k, v in gettext.GNUTranslations(fh)._catalog.items() if k}
    assert mo == po, "messages.mo is stale: run `make translations`"


def test_templates_hold_no_hard_coded_text():
    problems = []
    for path in surface_files("templates/**/*.html"):
        text = path.read_text()
        for pattern in (r"\{#.*?#\}", r"\{%.*?%\}", r"\{\{.*?\}\}", r"<!--.*?-->", r"<[^>]*>"):
            text = re.sub(pattern, " ", text, flags=re.S)
        leftover = [word for word in text.split() if re.search(r"[^\W\d_]", word)]
        if leftover:
            problems.append(f"{path.relative_to(ROOT)}: {leftover[:5]}")
    assert not problems, "text outside t()/_() in templates:\n" + "\n".join(problems)


def test_scripts_and_styles_hold_no_chinese_text():
    problems = [str(p.relative_to(ROOT)) for p in surface_files("static/**/*.js") + surface_files("static/**/*.css")
                if CJK.search(re.sub(r"/\*.*?\*/|//[^\n]*", "", p.read_text(), flags=re.S))]
    assert not problems, f"UI text belongs in the catalogs, not in: {problems}"


@pytest.mark.parametrize("tag, locale", [
    ("zh-TW", "zh_Hant"), ("zh-Hant-HK", "zh_Hant"), ("zh", "zh_Hant"), ("zh-CN", "zh_Hans"),
    ("zh_Hans", "zh_Hans"), ("en-US", "en"), ("EN", "en"), ("fr-FR", None), ("", None),
])
def test_language_tags_map_to_our_locales(tag, locale):
    assert normalize(tag) == locale


def test_page_language_follows_query_cookie_and_browser(database_url):
    from server.app import create_app
    from server.settings import Settings

    app = create_app(Settings(database_url=database_url, alert_interval_s=0, secret_key="t"))
    client = app.test_client()

    def lang(path="/display/demo", **headers):
        html = client.get(path, headers=headers).get_data(as_text=True)
        return re.search(r'<html lang="([^"]+)"', html).group(1)

    assert lang() == "zh-Hant"  # the default
    assert lang(**{"Accept-Language": "zh-CN,zh;q=0.9"}) == "zh-Hans"
    assert lang(**{"Accept-Language": "fr-FR, en;q=0.5"}) == "en"
    assert lang("/display/demo?lang=en", **{"Accept-Language": "zh-TW"}) == "en"
    client.set_cookie("cf_lang", "zh_Hans")
    assert lang() == "zh-Hans"
    app.extensions["counterflow"].db.dispose()
