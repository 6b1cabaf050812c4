"""统一社会信用代码 (Unified Social Credit Code), GB 32100-2015.

18 characters from `0-9 A-H J-N P-R T U W-Y` (no I, O, S, V, Z); characters 3–8 are the
administrative division code (digits); the 18th is a check character computed over the first 17
with the weights below, modulo 31.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


@dataclass(frozen=True)
class UsccError(ValueError):
    """Why a code is not a valid USCC, in Chinese then English."""

    message: str

    def __str__(self) -> str:
        return self.message


def normalize_uscc(raw: str) -> str:
    """Upper-case, half-width, without spaces: what people paste from licences and Excel."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    """Return the normalized code, or raise UsccError saying exactly what is wrong."""
    code = normalize_uscc(raw)
    if not code:
        raise UsccError("请填写统一社会信用代码 (required)")
    if len(code) != LENGTH:
        raise UsccError(f"统一社会信用代码应为 18 位，当前为 {len(code)} 位 (must be 18 characters, got {len(code)})")
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise UsccError(
                f"第 {position} 位字符“{char}”不允许；只能使用数字和除 I、O、S、V、Z 外的大写字母 "
                f"(character {position} '{char}' is not allowed)"
            )
    if not code[2:8].isdigit():
        raise UsccError("第 3–8 位应为行政区划码（数字） (characters 3–8 must be the division code digits)")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise UsccError(
            f"校验码错误：第 18 位应为“{expected}”，填写的是“{code[17]}”，请核对 "
            f"(check character should be '{expected}', got '{code[17]}')"
        )
    return code


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (for demo data and tests)."""
    if len(first17) != LENGTH - 1 or any(char not in ALPHABET for char in first17):
        raise ValueError(f"not 17 USCC characters: {first17!r}")
    return first17 + check_character(first17)
