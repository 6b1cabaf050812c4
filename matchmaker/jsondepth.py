"""JSON from outside, with a nesting limit: a 100,000-deep body would otherwise exhaust the
recursion of `json.loads` (RecursionError, a 500). The depth is measured on the raw text before
parsing (strings removed first, so brackets inside them do not count)."""

from __future__ import annotations

import json
import re
from typing import Any

#: Deeper than any document the app accepts (a criteria tree nests a few levels).
MAX_DEPTH = 64
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class TooDeep(json.JSONDecodeError):
    """The document nests deeper than MAX_DEPTH (a JSONDecodeError, so every caller's handler
    for a malformed document answers it the same way)."""


def depth_of(text: str) -> int:
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if char in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, refusing (TooDeep, a ValueError) a document nested deeper than `max_depth`."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if depth_of(text) > max_depth:
        raise TooDeep(f"JSON 嵌套层数超过上限 {max_depth} 层", text, 0)
    return json.loads(text)
