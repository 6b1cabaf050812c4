"""The most an offer grants one enterprise, and whether that clears the offer's minimum.

Rules (model.AmountRule): tiers (the first tier whose condition *passes* wins; a condition that
cannot be judged, e.g. on a need of another kind, does not select its tier; no tier: 0 元 and
the amount criterion fails); a share of a field (floor(value × percent / 100) 元, capped by
`max`; the field missing fails, a need field on a need of another kind leaves the amount
unknown); or a fixed `max`. A computed maximum below `min` fails the amount criterion.

For a need of the offer's kind family, the need's amount is then held against that result:
above the enterprise's maximum, or below the product's minimum, fails the amount criterion
("需求 800 万元 > 本产品对贵企业最高 300 万元，可申请 300 万元"). A need without an amount is
not judged on it. The product's term range is judged likewise (`term_for_pair`,
`term_columns`): a need term outside [min, max] months fails `product.term`.

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
from matchmaker.matching.expressions import MISSING, ZERO, evaluate_columns, evaluate_scalar, render_expr
from matchmaker.matching.fields import Field, default_fields
from matchmaker.matching.model import TermRule
from matchmaker.matching.outcomes import FAIL, PASS, UNKNOWN
from matchmaker.matching.phrases import EN, ZH, Phrasebook, Said, field_label, say, written
from matchmaker.matching.render import FAIL_MARK, PASS_MARK, format_value


@dataclass(frozen=True)
class AmountOutcome:
    amount: int | None  # None: unknown
    outcome: str  # pass | fail | unknown
    text: str


_FIELDS = default_fields()
NEED_AMOUNT = _FIELDS.get("need.amount")
NEED_TERM = _FIELDS.get("need.term_months")
assert NEED_AMOUNT is not None and NEED_TERM is not None


def _wan(amount: float, book: Phrasebook = ZH) -> str:
    text = f"{amount / 10000:.4f}".rstrip("0").rstrip(".")
    return f"{text} ×10k yuan" if book.english else f"{text} 万元"


def _share_text(field: Field, percent: float, book: Phrasebook = ZH) -> str:
    if book.english:
        return f"{percent:g}% of {field_label(field, book)}"
    return f"按{field.label}的 {percent:g}% 计"


def _two(zh: Callable[[], str], en: Callable[[], str]) -> Said:
    """A reason written in Chinese by `zh` and in English by `en`."""
    return say(lambda b: en() if b.english else zh())


def amount_for_pair(amount: CompiledAmount, value_of: Callable[[Field], Any], need_applies: bool,
                    outcome_of: Callable[[CompiledNode], str]) -> AmountOutcome:
    """The amount rule for one pair. `value_of(field)` reads the pair's value, `outcome_of`
    judges a tier condition (pass | fail | unknown)."""
    rule = amount.rule
    how: Callable[[Phrasebook], str]
    if amount.tiers:
        for tier in amount.tiers:
            if tier.when is None or outcome_of(tier.when) == PASS:
                granted, label = tier.max, tier.label
                how = lambda b: label or ("amount tier" if b.english else "分档额度")  # noqa: E731
                break
        else:
            return AmountOutcome(0, FAIL, _two(lambda: "不符合任何额度档，无可贷额度" + FAIL_MARK,
                                               lambda: "No amount tier applies: nothing can be lent" + FAIL_MARK))
    elif amount.share_field is not None:
        field, percent = amount.share_field, float(rule.share_percent or 0)
        if field.needs_need and not need_applies:
            return AmountOutcome(None, UNKNOWN, _two(
                lambda: f"额度{_share_text(field, percent)}：未按需求判断，额度待定",
                lambda: f"Amount {_share_text(field, percent, EN)}: not judged on the need, amount to be set"))
        value = value_of(field)
        if value is None:
            return AmountOutcome(None, FAIL, _two(
                lambda: f"{field.label} 未填写，无法计算额度（{_share_text(field, percent)}）" + FAIL_MARK,
                lambda: f"{field_label(field, EN)} not filled in: the amount ({_share_text(field, percent, EN)}) "
                        "cannot be computed" + FAIL_MARK))
        granted = math.floor(value * percent / 100)
        if rule.max is not None:
            granted = min(granted, rule.max)
        how = lambda b: f"{_share_text(field, percent, b)}{': ' if b.english else '：'}{format_value(field, value, book=b)}"  # noqa: E731
    elif amount.expr is not None:
        expr = amount.expr

        def formula(b: Phrasebook) -> str:
            shown = render_expr(expr.expr, expr.fields, book=b)
            return f"by the formula {shown}" if b.english else f"按公式 {shown} 计"

        if expr.uses_need and not need_applies:
            return AmountOutcome(None, UNKNOWN, _two(lambda: f"额度{formula(ZH)}：未按需求判断，额度待定",
                                                     lambda: f"Amount {formula(EN)}: not judged on the need, amount to be set"))
        value, status, detail = evaluate_scalar(expr, value_of)
        if status == MISSING:
            return AmountOutcome(None, FAIL, _two(
                lambda: f"{detail} 未填写，无法计算额度（{formula(ZH)}）" + FAIL_MARK,
                lambda: f"{written(detail, EN)} not filled in: the amount ({formula(EN)}) cannot be computed" + FAIL_MARK))
        if status == ZERO:
            return AmountOutcome(None, UNKNOWN, _two(
                lambda: f"{detail}为 0，无法计算额度（{formula(ZH)}），额度待定",
                lambda: f"{written(detail, EN)} is 0: the amount ({formula(EN)}) cannot be computed, to be set"))
        assert value is not None
        granted = max(math.floor(value), 0)
        if rule.max is not None:
            granted = min(granted, rule.max)
        computed = value
        how = lambda b: f"{formula(b)}{': ' if b.english else '：'}{_wan(computed, b)}"  # noqa: E731
        if granted <= 0:
            return AmountOutcome(0, FAIL, _two(lambda: f"可贷额度为 0（{how(ZH)}）" + FAIL_MARK,
                                               lambda: f"The amount that can be lent is 0 ({how(EN)})" + FAIL_MARK))
    elif rule.max is not None:
        granted = rule.max
        how = lambda b: "the product's maximum" if b.english else "产品最高额度"  # noqa: E731
    else:
        return _against_need(None, rule.min, lambda b: "", value_of(NEED_AMOUNT) if need_applies else None)
    if rule.min is not None and granted < rule.min:
        low = rule.min
        return AmountOutcome(granted, FAIL, _two(
            lambda: f"可贷额度 {_wan(granted)} < 起贷额度 {_wan(low)}（{how(ZH)}）" + FAIL_MARK,
            lambda: f"Amount available {_wan(granted, EN)} < minimum loan {_wan(low, EN)} ({how(EN)})" + FAIL_MARK))
    return _against_need(granted, rule.min, how, value_of(NEED_AMOUNT) if need_applies else None)


def _against_need(granted: int | None, minimum: int | None, how: Callable[[Phrasebook], str],
                  wanted: Any) -> AmountOutcome:
    """The need's amount against [minimum, granted] (granted None: no upper limit stated)."""
    if wanted is not None and granted is not None and wanted > granted:
        return AmountOutcome(granted, FAIL, _two(
            lambda: f"需求 {_wan(wanted)} > 本产品对贵企业最高 {_wan(granted)}（{how(ZH)}），"
                    f"可申请 {_wan(granted)}" + FAIL_MARK,
            lambda: f"Need {_wan(wanted, EN)} > this product's maximum for your company {_wan(granted, EN)} "
                    f"({how(EN)}); you may apply for {_wan(granted, EN)}" + FAIL_MARK))
    if wanted is not None and minimum is not None and wanted < minimum:
        def upto(b: Phrasebook) -> str:
            return "" if granted is None else f"–{_wan(granted, b)}"
        return AmountOutcome(granted, FAIL, _two(
            lambda: f"需求 {_wan(wanted)} < 起贷额度 {_wan(minimum)}，可申请 {_wan(minimum)}{upto(ZH)}" + FAIL_MARK,
            lambda: f"Need {_wan(wanted, EN)} < minimum loan {_wan(minimum, EN)}; you may apply for "
                    f"{_wan(minimum, EN)}{upto(EN)}" + FAIL_MARK))
    if granted is None:
        return AmountOutcome(None, PASS, _two(
            lambda: "额度由机构核定" + (f"，需求 {_wan(wanted)}" + PASS_MARK if wanted is not None else ""),
            lambda: "Amount set by the institution" + (f"; need {_wan(wanted, EN)}" + PASS_MARK
                                                       if wanted is not None else "")))
    return AmountOutcome(granted, PASS, _two(
        lambda: f"可贷额度最高 {_wan(granted)}（{how(ZH)}）"
                + (f"，需求 {_wan(wanted)}在额度内" if wanted is not None else "") + PASS_MARK,
        lambda: f"Amount available up to {_wan(granted, EN)} ({how(EN)})"
                + (f"; need {_wan(wanted, EN)} is within it" if wanted is not None else "") + PASS_MARK))


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
    elif amount.expr is not None:
        values, missing, zero = evaluate_columns(amount.expr, column_of, n)
        applies = need_applies if amount.expr.uses_need else np.ones(n, bool)
        computed = applies & ~missing & ~zero
        fail = applies & missing
        with np.errstate(invalid="ignore"):
            granted = np.where(computed, np.maximum(np.floor(values), 0.0), np.nan)
            if rule.max is not None:
                granted = np.minimum(granted, float(rule.max))
            fail = fail | (computed & (granted <= 0))
    elif rule.max is not None:
        granted, fail = np.full(n, float(rule.max)), np.zeros(n, bool)
    else:
        granted, fail = np.full(n, np.nan), np.zeros(n, bool)
    wanted, wanted_present = column_of(NEED_AMOUNT)
    judged = need_applies & wanted_present
    with np.errstate(invalid="ignore"):
        if rule.min is not None:
            fail = fail | (granted < rule.min) | (judged & (wanted < rule.min))
        fail = fail | (judged & (wanted > granted))  # NaN (unknown or no upper limit) never exceeded
    return granted, fail


def term_for_pair(term: TermRule, value_of: Callable[[Field], Any], need_applies: bool) -> tuple[str, str]:
    """(outcome, reason) of the product's term range for one pair."""
    if not need_applies:
        return UNKNOWN, _two(lambda: f"期限 {_term_span(term)}（未按需求判断）",
                             lambda: f"Term {_term_span(term, EN)} (not judged on the need)")
    wanted = value_of(NEED_TERM)
    if wanted is None:
        return UNKNOWN, _two(lambda: f"期限 {_term_span(term)}（需求未填写期限）",
                             lambda: f"Term {_term_span(term, EN)} (the need states no term)")
    months = f"{wanted:g} 个月"
    months_en = f"{wanted:g} months"
    if term.max_months is not None and wanted > term.max_months:
        return FAIL, _two(
            lambda: f"需求期限 {months} > 本产品最长 {term.max_months} 个月，可申请 {_term_span(term)}" + FAIL_MARK,
            lambda: f"Term sought {months_en} > this product's longest {term.max_months} months; you may apply for "
                    f"{_term_span(term, EN)}" + FAIL_MARK)
    if term.min_months is not None and wanted < term.min_months:
        return FAIL, _two(
            lambda: f"需求期限 {months} < 本产品最短 {term.min_months} 个月，可申请 {_term_span(term)}" + FAIL_MARK,
            lambda: f"Term sought {months_en} < this product's shortest {term.min_months} months; you may apply for "
                    f"{_term_span(term, EN)}" + FAIL_MARK)
    return PASS, _two(lambda: f"需求期限 {months}，在本产品期限 {_term_span(term)}内" + PASS_MARK,
                      lambda: f"Term sought {months_en}, within this product's term {_term_span(term, EN)}" + PASS_MARK)


def term_columns(term: TermRule, column_of: Callable[[Field], tuple[np.ndarray, np.ndarray]],
                 need_applies: np.ndarray) -> np.ndarray:
    """Rows whose need term falls outside the product's range (the fail mask of `product.term`)."""
    wanted, present = column_of(NEED_TERM)
    judged = need_applies & present
    fail = np.zeros(need_applies.shape[0], bool)
    with np.errstate(invalid="ignore"):
        if term.max_months is not None:
            fail |= judged & (wanted > term.max_months)
        if term.min_months is not None:
            fail |= judged & (wanted < term.min_months)
    return fail


def _term_span(term: TermRule, book: Phrasebook = ZH) -> str:
    if book.english:
        if term.min_months is not None and term.max_months is not None:
            return f"{term.min_months}–{term.max_months} months"
        if term.max_months is not None:
            return f"up to {term.max_months} months (inclusive)"
        return f"{term.min_months} months or more"
    if term.min_months is not None and term.max_months is not None:
        return f"{term.min_months}–{term.max_months} 个月"
    if term.max_months is not None:
        return f"{term.max_months} 个月以内（含）"
    return f"{term.min_months} 个月以上（含）"
