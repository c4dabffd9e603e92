"""Names in three languages: the Simplified Chinese name of a branch or service made from its
Traditional one by OpenCC (docs/architecture.md, "The domain").

OpenCC's `tw2s` converts Taiwan-standard Traditional text phrase by phrase (臺→台, 櫃檯→柜台), which
a character table of our own would get wrong. A name given explicitly is kept as given.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..models import Branch, Service

CONFIG = "tw2s"


@lru_cache(maxsize=1)
def _converter():
    import opencc  # loaded once, on first use: its dictionaries take a moment

    return opencc.OpenCC(f"{CONFIG}.json")


def simplified(name_zh: str) -> str:
    """'個人業務' -> '个人业务'."""
    return _converter().convert(name_zh) if name_zh else ""


def local_name(row, locale: str, prefix: str = "") -> str:
    """The name to show in a locale, from a dict or object with name_zh / name_zh_hans / name_en
    (with `prefix`, e.g. service_name_zh). An empty Simplified name falls back to the Traditional one."""
    get = row.get if isinstance(row, dict) else (lambda key, default=None: getattr(row, key, default))
    if locale == "en":
        return get(f"{prefix}name_en") or get(f"{prefix}name_zh") or ""
    if locale == "zh_Hans":
        return get(f"{prefix}name_zh_hans") or get(f"{prefix}name_zh") or ""
    return get(f"{prefix}name_zh") or ""


def _needs_filling(obj, session: Session) -> bool:
    """New without a Simplified name, or its Traditional name changed while the Simplified one did not
    (an explicit Simplified name in the same change wins; an empty one means "derive it again")."""
    if not obj.name_zh_hans:
        return True
    if obj in session.new:
        return False
    attrs = inspect(obj).attrs
    return attrs.name_zh.history.has_changes() and not attrs.name_zh_hans.history.has_changes()


@event.listens_for(Session, "before_flush")
def _fill_simplified_names(session: Session, _flush_context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Branch | Service) and obj.name_zh and _needs_filling(obj, session):
            obj.name_zh_hans = simplified(obj.name_zh)
