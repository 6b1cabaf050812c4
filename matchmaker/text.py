"""The one text sanitiser for every free-text input (forms, JSON bodies, imported cells).

Control characters other than tab and line breaks are never meant in a name or a note, and NUL
is refused by PostgreSQL (text and jsonb alike) with a server error: they are refused as bad
input. A single-line value (a person's or an organization's name, a title, a token's purpose)
refuses line breaks too, because names travel into mail headers and file names. `header_text`
is the last line of defence on the way out: whatever is stored, a header gets one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]")
CONTROL_MESSAGE = "不能包含控制字符"
LINE_BREAK_MESSAGE = "不能换行"


def clean_text(text: str, *, single_line: bool = False) -> str:
    """`text` unchanged, or ValueError (a Chinese message) for a character no input may hold."""
    if CONTROL_CHARACTERS.search(text):
        raise ValueError(CONTROL_MESSAGE)
    if single_line and LINE_BREAKS.search(text):
        raise ValueError(LINE_BREAK_MESSAGE)
    return text


def text_problems(values: Mapping[str, Any], *, single_line: frozenset[str] = frozenset()) -> dict[str, str]:
    """Field name -> message for each string value (nested in lists and objects too) that
    `clean_text` refuses; the keys of nested values are their paths (`criteria.all[0].text`)."""
    problems: dict[str, str] = {}

    def visit(path: str, value: Any) -> None:
        if isinstance(value, str):
            try:
                clean_text(value, single_line=path in single_line)
            except ValueError as error:
                problems.setdefault(path, str(error))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                visit(f"{path}.{key}" if path else str(key), item)
                if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
                    problems.setdefault(path or str(key), CONTROL_MESSAGE)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(f"{path}[{index}]", item)

    visit("", dict(values))
    return problems


def header_text(value: str) -> str:
    """One line for a mail header or a file name: every control character and line break becomes
    a space (for names stored before the sanitiser, or typed where it does not run)."""
    return " ".join(LINE_BREAKS.sub(" ", CONTROL_CHARACTERS.sub(" ", value)).split())
