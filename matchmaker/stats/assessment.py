"""考核: each institution's indicators over a period, normalised to 0–100 across the institutions
assessed, and a weighted sum of them. The organizer picks the indicators and their weights.

Normalisation is min–max: the best institution scores 100 on an indicator, the worst 0
(reversed where less is better: response hours, no-show rate); when every institution has the
same value, each scores 100. An institution with no value for an indicator (no requests to
answer, no feedback) scores 0 on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from matchmaker.stats import indicators as ind
from matchmaker.stats.periods import Period
from matchmaker.stats.rows import Dataset


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    higher_is_better: bool = True


INDICATORS = (
    Indicator("on_time_rate", "按时响应率", "%"),
    Indicator("response_hours", "响应用时中位数", "小时", higher_is_better=False),
    Indicator("meetings_held", "洽谈场次", "场"),
    Indicator("no_show_rate", "机构缺席率", "%", higher_is_better=False),
    Indicator("intent_amount", "意向金额", "万元"),
    Indicator("approved_amount", "授信金额", "万元"),
    Indicator("disbursed_amount", "放款金额", "万元"),
    Indicator("first_loans", "首贷户数", "户"),
    Indicator("credit_share", "信用贷款占比", "%"),
    Indicator("satisfaction", "企业评价", "分"),
)
INDICATOR_BY_KEY = {indicator.key: indicator for indicator in INDICATORS}

#: The default weights (they sum to 100): what a city office rewards most is money reaching
#: enterprises, first loans and credit loans, then the work of answering and meeting.
DEFAULT_WEIGHTS = {"on_time_rate": 10, "response_hours": 5, "meetings_held": 10, "no_show_rate": 5,
                   "intent_amount": 10, "approved_amount": 15, "disbursed_amount": 25, "first_loans": 10,
                   "credit_share": 5, "satisfaction": 5}


def check_weights(weights: Mapping[str, float]) -> dict[str, str]:
    """Problems with a set of weights, by indicator key (empty when they can be used)."""
    problems = {key: "未知指标" for key in weights if key not in INDICATOR_BY_KEY}
    problems |= {key: "权重须在 0 到 100 之间" for key, value in weights.items()
                 if key in INDICATOR_BY_KEY and not 0 <= value <= 100}
    if not problems and sum(weights.values()) <= 0:
        problems["weights"] = "至少一个指标的权重须大于 0"
    return problems


@dataclass(frozen=True)
class Scored:
    institution_id: int
    name: str
    kind: str
    values: dict[str, float | None]  # raw values in the indicator's unit
    normalised: dict[str, float]  # 0..100
    score: float
    rank: int


def raw_values(data: Dataset, period: Period, *, facts: Sequence[ind.LeadFacts] | None = None,
               now: datetime | None = None, groups=None) -> dict[int, dict[str, float | None]]:
    """Each institution's raw indicator values (amounts in 万元, rates in percent), its amounts
    from the institution's merged `summary.Groups` cells."""
    from matchmaker.stats.summary import groups_of  # summary builds on this module's neighbours

    groups = groups or groups_of(data, period, facts)
    by_institution = groups.institution()
    meetings: dict[int, list] = {}
    for meeting in data.meetings:
        meetings.setdefault(meeting.institution_id, []).append(meeting)
    responses: dict[int, list] = {}
    for row in data.responses:
        responses.setdefault(row.institution_id, []).append(row)
    feedback: dict[int, list] = {}
    for row in data.feedback:
        feedback.setdefault(row.institution_id, []).append(row)
    nothing = ind.Totals()

    result = {}
    for institution_id in data.institutions:
        own = by_institution.get(institution_id, nothing)
        own_meetings = [m for m in meetings.get(institution_id, []) if m.state != "cancelled" and m.day in period]
        answered = ind.responsiveness(responses.get(institution_id, []), period, now=now, answerer="institution")
        absent = sum(1 for m in own_meetings if m.state == "no_show" and m.absent_side in ("institution", "both"))
        share = own.credit_loan_share().ratio
        result[institution_id] = {
            "on_time_rate": None if answered.rate is None else round(answered.rate * 100, 2),
            "response_hours": answered.median_hours,
            "meetings_held": float(ind.meetings_held(own_meetings, period)),
            "no_show_rate": round(absent / len(own_meetings) * 100, 2) if own_meetings else None,
            "intent_amount": own.intent_split().recorded.amount / 10_000,
            "approved_amount": own.approved_split().recorded.amount / 10_000,
            "disbursed_amount": own.disbursed().split.recorded.amount / 10_000,
            "first_loans": float(own.first_loans().enterprises),
            "credit_share": None if share is None else round(share * 100, 2),
            "satisfaction": ind.satisfaction(feedback.get(institution_id, []), period),
        }
    return result


def normalise(values: Mapping[int, float | None], *, higher_is_better: bool) -> dict[int, float]:
    present = [v for v in values.values() if v is not None]
    if not present:
        return {key: 0.0 for key in values}
    low, high = min(present), max(present)
    result = {}
    for key, value in values.items():
        if value is None:
            result[key] = 0.0
        elif high == low:
            result[key] = 100.0
        else:
            share = (value - low) / (high - low)
            result[key] = round(100 * (share if higher_is_better else 1 - share), 2)
    return result


def assess(data: Dataset, period: Period, weights: Mapping[str, float] | None = None, *,
           facts: Sequence[ind.LeadFacts] | None = None, now: datetime | None = None,
           groups=None) -> tuple[Scored, ...]:
    """The ranking: score = Σ weightᵢ × normalisedᵢ / Σ weightᵢ, highest first; equal scores
    share a rank (1, 1, 3)."""
    weights = {key: value for key, value in (weights or DEFAULT_WEIGHTS).items() if value}
    raw = raw_values(data, period, facts=facts, now=now, groups=groups)
    norms = {key: normalise({i: raw[i][key] for i in raw}, higher_is_better=INDICATOR_BY_KEY[key].higher_is_better)
             for key in weights}
    total_weight = sum(weights.values())
    scored = []
    for institution_id, values in raw.items():
        normalised = {key: norms[key][institution_id] for key in weights}
        score = round(sum(weights[key] * normalised[key] for key in weights) / total_weight, 2) if total_weight else 0.0
        institution = data.institutions[institution_id]
        scored.append((score, institution.name, institution_id, values, normalised, institution.kind))
    scored.sort(key=lambda item: (-item[0], item[1]))
    result, rank, previous = [], 0, None
    for position, (score, name, institution_id, values, normalised, kind) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = position, score
        result.append(Scored(institution_id=institution_id, name=name, kind=kind, values=values,
                             normalised=normalised, score=score, rank=rank))
    return tuple(result)


def formula(weights: Mapping[str, float] | None = None) -> str:
    """The formula in words, as the page and the 通报 print it."""
    weights = {key: value for key, value in (weights or DEFAULT_WEIGHTS).items() if value}
    total = sum(weights.values())
    terms = " + ".join(f"{_number(value)}×{INDICATOR_BY_KEY[key].label}" for key, value in weights.items())
    return (f"综合得分 = ({terms}) ÷ {_number(total)}；各指标先按参评机构最小—最大值归一到 0–100 分"
            "（响应用时、缺席率越低越好，取反向）。")


def _number(value: float) -> str:
    return f"{value:g}"
