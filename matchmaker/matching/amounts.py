"""The most an offer grants one enterprise, and whether that clears the offer's minimum.

Rules (model.AmountRule): tiers (the first tier whose condition *passes* wins; a condition that
cannot be judged, e.g. on a need of another kind, does not select its tier; no tier: 0 元 and
the amount criterion fails); a share of a field (floor(value × percent / 100) 元, capped by
`max`; the field missing fails, a need field on a need of another kind leaves the amount
unknown); or a fixed `max`. A computed maximum below `min` fails the amount criterion.

`amount_for_pair` and `amount_columns` implement the same rule for one pair and for all rows;
the arithmetic is the same float64 operations in both so the results are identical.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from matchmaker.matching.compiled import CompiledAmount, CompiledNode
from matchmaker.matching.fields import Field
from matchmaker.matching.outcomes import FAIL, PASS, UNKNOWN
from matchmaker.matching.render import FAIL_MARK, PASS_MARK, format_value


@dataclass(frozen=True)
class AmountOutcome:
    amount: int | None  # None: unknown
    outcome: str  # pass | fail | unknown
    text: str


def _wan(amount: float) -> str:
    text = f"{amount / 10000:.4f}".rstrip("0").rstrip(".")
    return f"{text} 万元"


def _share_text(field: Field, percent: float) -> str:
    return f"按{field.label}的 {percent:g}% 计"


def amount_for_pair(amount: CompiledAmount, value_of: Callable[[Field], Any], need_applies: bool,
                    outcome_of: Callable[[CompiledNode], str]) -> AmountOutcome:
    """The amount rule for one pair. `value_of(field)` reads the pair's value, `outcome_of`
    judges a tier condition (pass | fail | unknown)."""
    rule = amount.rule
    if amount.tiers:
        for tier in amount.tiers:
            if tier.when is None or outcome_of(tier.when) == PASS:
                granted, how = tier.max, tier.label or "分档额度"
                break
        else:
            return AmountOutcome(0, FAIL, "不符合任何额度档，无可贷额度" + FAIL_MARK)
    elif amount.share_field is not None:
        field, percent = amount.share_field, float(rule.share_percent or 0)
        if field.needs_need and not need_applies:
            return AmountOutcome(None, UNKNOWN, f"额度{_share_text(field, percent)}：未按需求判断，额度待定")
        value = value_of(field)
        if value is None:
            return AmountOutcome(None, FAIL, f"{field.label} 未填写，无法计算额度（{_share_text(field, percent)}）"
                                 + FAIL_MARK)
        granted = math.floor(value * percent / 100)
        if rule.max is not None:
            granted = min(granted, rule.max)
        how = f"{_share_text(field, percent)}：{format_value(field, value)}"
    elif rule.max is not None:
        granted, how = rule.max, "产品最高额度"
    else:
        return AmountOutcome(None, PASS, "额度由机构核定")
    if rule.min is not None and granted < rule.min:
        return AmountOutcome(granted, FAIL, f"可贷额度 {_wan(granted)} < 起贷额度 {_wan(rule.min)}（{how}）" + FAIL_MARK)
    return AmountOutcome(granted, PASS, f"可贷额度最高 {_wan(granted)}（{how}）" + PASS_MARK)


def amount_columns(amount: CompiledAmount, column_of: Callable[[Field], tuple[np.ndarray, np.ndarray]],
                   need_applies: np.ndarray, passes: Callable[[CompiledNode], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(max amount per row as float64 with NaN = unknown, fail mask) for all rows.

    `column_of(field)` gives (float64 values with NaN for missing, present mask); `passes(node)`
    the rows where a tier condition definitely passes.
    """
    rule = amount.rule
    n = need_applies.shape[0]
    if amount.tiers:
        # walk the tiers from the last: an earlier tier that passes overrides a later one
        granted, fail = np.zeros(n), np.ones(n, bool)
        for tier in reversed(amount.tiers):
            if tier.when is None:
                granted, fail = np.full(n, float(tier.max)), np.zeros(n, bool)
            else:
                chosen = passes(tier.when)
                granted, fail = np.where(chosen, float(tier.max), granted), fail & ~chosen
    elif amount.share_field is not None:
        field, percent = amount.share_field, float(rule.share_percent or 0)
        values, present = column_of(field)
        applies = need_applies if field.needs_need else np.ones(n, bool)
        fail = applies & ~present
        granted = np.where(applies & present, np.floor(values * percent / 100), np.nan)
        if rule.max is not None:
            granted = np.minimum(granted, float(rule.max))  # NaN (unknown) stays NaN
    elif rule.max is not None:
        granted, fail = np.full(n, float(rule.max)), np.zeros(n, bool)
    else:
        return np.full(n, np.nan), np.zeros(n, bool)
    if rule.min is not None:
        with np.errstate(invalid="ignore"):
            fail = fail | (granted < rule.min)
    return granted, fail
