"""UI languages: Flask-Babel set-up, locale choice, and the JSON catalogs the browser pages use.

Every user-visible string is an English msgid marked with `_l(...)` in a surface's `messages.py`
(or `_()` in a template) and translated in server/translations/<locale>/LC_MESSAGES/messages.po.
Pages get their strings as JSON rendered by `catalogs()`, so JavaScript never holds UI text.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, force_locale, get_locale

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DEFAULT_LOCALE = "zh_Hant"
LOCALES = ("zh_Hant", "zh_Hans", "en")
# BCP 47 tags for <html lang>, Intl date formatting and speech synthesis voices.
HTML_LANG = {"zh_Hant": "zh-Hant", "zh_Hans": "zh-Hans", "en": "en"}
SPEECH_LANG = {"zh_Hant": "zh-TW", "zh_Hans": "zh-CN", "en": "en-US"}
INTL_LANG = {"zh_Hant": "zh-Hant-TW", "zh_Hans": "zh-Hans-CN", "en": "en-GB"}
# Browser Accept-Language tags -> our locales (zh-TW/HK write traditional, zh-CN/SG simplified).
_ACCEPT = {"zh-tw": "zh_Hant", "zh-hk": "zh_Hant", "zh-mo": "zh_Hant", "zh-hant": "zh_Hant", "zh": "zh_Hant",
           "zh-cn": "zh_Hans", "zh-sg": "zh_Hans", "zh-hans": "zh_Hans", "en": "en"}


def normalize(tag: str | None) -> str | None:
    """'zh-TW', 'zh_hant', 'en-US' ... -> one of LOCALES, or None."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").lower().split("-")
    for length in range(len(parts), 0, -1):  # zh-Hant-TW -> zh-hant-tw, zh-hant, zh
        candidate = "-".join(parts[:length])
        if candidate in _ACCEPT:
            return _ACCEPT[candidate]
    return None


def select_locale() -> str:
    """?lang= wins, then the cf_lang cookie, then the browser's Accept-Language, then zh_Hant."""
    for tag in (request.args.get("lang"), request.cookies.get("cf_lang")):
        locale = normalize(tag)
        if locale:
            return locale
    for tag, _quality in request.accept_languages:
        locale = normalize(tag)
        if locale:
            return locale
    return DEFAULT_LOCALE


def current_locale() -> str:
    return normalize(str(get_locale())) or DEFAULT_LOCALE


def catalogs(messages: Mapping[str, object], locales: Iterable[str] = LOCALES) -> dict[str, dict[str, str]]:
    """{locale: {key: translated text}} for a surface's messages (lazy strings), for the page's JSON."""
    result: dict[str, dict[str, str]] = {}
    for locale in locales:
        with force_locale(locale):
            result[locale] = {key: str(text) for key, text in messages.items()}
    return result


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile each messages.po whose .mo is missing or older, so a fresh checkout shows translations."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
            written.append(mo_path)
        except OSError:  # read-only install: the shipped .mo files are used as they are
            log.warning("cannot compile translations", extra={"po": str(po_path)})
    return written


def init_i18n(app: Flask) -> Babel:
    compiled = compile_catalogs()
    if compiled:
        log.info("compiled translations", extra={"files": [str(p) for p in compiled]})
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel = Babel(app, locale_selector=select_locale)

    @app.context_processor
    def _i18n_context():
        locale = current_locale()
        return {"cf_locale": locale, "cf_html_lang": HTML_LANG[locale]}

    return babel
