"""Languages: Simplified Chinese is the source language of every page; English comes from the
Babel catalog `matchmaker/locale/en/LC_MESSAGES/messages.po` (compiled to .mo at install).

The language of the current request lives in a context variable, so the gettext callables
installed once in the Jinja environment translate per request.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "zh"
LANGUAGE_NAMES = {"zh": "简体中文", "en": "English"}

current_language: ContextVar[str] = ContextVar("current_language", default=SOURCE_LANGUAGE)


@cache
def translations(language: str) -> gettext_module.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext_module.NullTranslations()
    compiled = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    source = compiled.with_suffix(".po")
    if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
        with compiled.open("rb") as handle:
            return gettext_module.GNUTranslations(handle)
    # A source checkout that has not run `make install` since the catalog changed: compile in memory.
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def N_(message: str) -> str:
    """Mark a string for the catalog where it is translated later, e.g. labels kept in a dict."""
    return message


def gettext(message: str) -> str:
    return translations(current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, n)


#: Services write a message as "中文 (English gloss)" (errors.py, field checks): a page shows
#: one language, so the gloss is cut in Chinese and used when English has no msgid for it.
_GLOSS = re.compile(r"\s+\(([\x20-\x7e]+)\)\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def one_language(message: str) -> str:
    """`message` in the current language only: "没有权限 (forbidden)" reads 没有权限 in Chinese, and
    in English its catalog translation, else the gloss ("Forbidden"), else the message itself."""
    if not isinstance(message, str) or not message:
        return message
    found = _GLOSS.search(message)
    chinese = message[:found.start()] if found and _CJK.search(message[:found.start()]) else message
    if current_language.get() == SOURCE_LANGUAGE:
        return chinese
    translated = gettext(chinese)
    if translated != chinese:
        return translated
    if found and chinese != message:
        gloss = found.group(1).strip()
        return gloss[:1].upper() + gloss[1:]
    return message


def said(text: object) -> object:
    """A text the matching engine wrote (`matching.phrases.Said`) in the current language; any
    other value as it is."""
    from matchmaker.matching.phrases import in_language

    return in_language(text, current_language.get())


def pick_language(candidates: list[str | None], supported: tuple[str, ...], default: str) -> str:
    """The first supported language among the user's setting, the cookie and Accept-Language."""
    for candidate in candidates:
        if candidate and candidate in supported:
            return candidate
    return default


def from_accept_language(header: str) -> str | None:
    """'en-US,en;q=0.9,zh-CN;q=0.8' -> 'en' (the first primary tag; q-ordering is what browsers send)."""
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag:
            return tag.split("-")[0]
    return None
