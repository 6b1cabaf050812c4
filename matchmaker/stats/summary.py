"""The figures a statistics page, a workbook and a 通报 show: the headline, the monthly trend
and the breakdowns, each assembled from the indicator functions (never recomputed here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from matchmaker.stats import indicators as ind
from matchmaker.stats.labels import FINANCING_KIND_LABELS, INSTITUTION_KIND_LABELS, UNKNOWN
from matchmaker.stats.periods import Period, months_of
from matchmaker.stats.rows import Dataset, EnterpriseRow, MeetingRow

DIMENSIONS = ("institution", "institution_kind", "product_kind", "district", "chain", "size_class", "first_loan")


@dataclass(frozen=True)
class Headline:
    period: Period
    events_held: int
    meetings_held: int
    enterprises_served: int
    attendance: ind.Attendance
    leads: int
    intent: ind.Split
    approved: ind.Split
    disbursed: ind.Disbursed
    first_loans: ind.FirstLoans
    credit_loan_share: ind.Share
    average_rate: float | None
    days_to_disburse: float | None
    responsiveness: ind.Responsiveness
    satisfaction: float | None
    funnel: tuple[ind.FunnelStep, ...]


def headline(data: Dataset, period: Period, *, facts: Sequence[ind.LeadFacts] | None = None,
             now: datetime | None = None) -> Headline:
    facts = ind.lead_facts(data.leads, data.records) if facts is None else facts
    return Headline(
        period=period,
        events_held=ind.events_held(data.events, period),
        meetings_held=ind.meetings_held(data.meetings, period),
        enterprises_served=ind.enterprises_served(data.meetings, facts, period),
        attendance=ind.attendance(data.events, data.participants, data.meetings, period),
        leads=ind.leads_created(facts, period),
        intent=ind.intent(facts, period),
        approved=ind.approved(facts, period),
        disbursed=ind.disbursed(facts, period),
        first_loans=ind.first_loans(facts, period),
        credit_loan_share=ind.credit_loan_share(facts, period),
        average_rate=ind.average_rate(facts, period),
        days_to_disburse=ind.days_to_disburse(facts, period),
        responsiveness=ind.responsiveness(data.responses, period, now=now),
        satisfaction=ind.satisfaction(data.feedback, period),
        funnel=ind.funnel(facts, period),
    )


@dataclass(frozen=True)
class TrendPoint:
    month: str  # 2026-11
    meetings_held: int
    leads: int
    intent: ind.Split
    approved: ind.Split
    disbursed: ind.Split


def monthly_trend(data: Dataset, period: Period, *,
                  facts: Sequence[ind.LeadFacts] | None = None) -> tuple[TrendPoint, ...]:
    """Month by month within the period (each month clipped to it). Facts and meetings are first
    sorted by the months their dates fall in, so each month's indicators read only its own rows
    (the indicators still decide what counts: a fact dated in another month adds nothing)."""
    facts = ind.lead_facts(data.leads, data.records) if facts is None else facts
    months = months_of(period)
    by_month: dict[tuple[int, int], list[ind.LeadFacts]] = {}
    for f in facts:
        days = {f.lead.first_contact_on, *(r.occurred_on for r in f.disbursements)}
        if f.approved is not None:
            days.add(f.approved.occurred_on)
        for key in {(d.year, d.month) for d in days if d is not None}:
            by_month.setdefault(key, []).append(f)
    meetings: dict[tuple[int, int], list[MeetingRow]] = {}
    for meeting in data.meetings:
        if meeting.day is not None:
            meetings.setdefault((meeting.day.year, meeting.day.month), []).append(meeting)
    points = []
    for m in months:
        own = by_month.get((m.start.year, m.start.month), [])
        points.append(TrendPoint(month=m.label, meetings_held=ind.meetings_held(
            meetings.get((m.start.year, m.start.month), []), m), leads=ind.leads_created(own, m),
            intent=ind.intent(own, m), approved=ind.approved(own, m), disbursed=ind.disbursed(own, m).split))
    return tuple(points)


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    meetings_held: int
    no_show: int
    enterprises_served: int
    leads: int
    intent: ind.Split
    approved: ind.Split
    disbursed: ind.Disbursed
    first_loans: ind.FirstLoans


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    rows: tuple[BreakdownRow, ...]
    total: BreakdownRow
    additive: bool  # False where one enterprise can sit in several rows (industry chains)


def _first_loan_enterprises(data: Dataset, facts: Iterable[ind.LeadFacts]) -> set[int]:
    """An enterprise counts as 首贷户 if a disbursement to it was recorded as a first loan or its
    profile says so."""
    flagged = {f.lead.enterprise_id for f in facts for r in f.disbursements if r.first_loan}
    return flagged | {e.id for e in data.enterprises.values() if e.first_loan}


def _keys(data: Dataset, dimension: str, first_loan: set[int]
          ) -> tuple[Callable[[ind.LeadFacts], list[str]], Callable[[MeetingRow], list[str]], Callable[[str], str]]:
    enterprises = data.enterprises
    blank = EnterpriseRow(id=0, name="")

    def of_enterprise(pick: Callable[[EnterpriseRow, int], list[str]]):
        return (lambda f: pick(enterprises.get(f.lead.enterprise_id, blank), f.lead.enterprise_id),
                lambda m: pick(enterprises.get(m.enterprise_id, blank), m.enterprise_id))

    if dimension == "institution":
        names = {str(i.id): i.name for i in data.institutions.values()}
        return (lambda f: [str(f.lead.institution_id)], lambda m: [str(m.institution_id)],
                lambda key: names.get(key, key))
    if dimension == "institution_kind":
        kinds = {i.id: i.kind for i in data.institutions.values()}
        return (lambda f: [kinds.get(f.lead.institution_id, "")], lambda m: [kinds.get(m.institution_id, "")],
                lambda key: INSTITUTION_KIND_LABELS.get(key, UNKNOWN))
    if dimension == "product_kind":
        # A meeting is about a pair, not a product: meetings are not split by product kind.
        return (lambda f: [f.lead.kind], lambda m: [], lambda key: FINANCING_KIND_LABELS.get(key, UNKNOWN))
    if dimension == "district":
        lead_key, meeting_key = of_enterprise(lambda e, _: [e.district])
    elif dimension == "chain":
        lead_key, meeting_key = of_enterprise(lambda e, _: list(e.chains) or [""])
    elif dimension == "size_class":
        lead_key, meeting_key = of_enterprise(lambda e, _: [e.size_class])
    elif dimension == "first_loan":
        lead_key, meeting_key = of_enterprise(lambda e, eid: ["yes" if eid in first_loan else "no"])
        return lead_key, meeting_key, lambda key: {"yes": "首贷户", "no": "非首贷户"}[key]
    else:
        raise ValueError(f"unknown dimension {dimension}")
    return lead_key, meeting_key, lambda key: key or UNKNOWN


def _row(key: str, label: str, meetings: list[MeetingRow], facts: list[ind.LeadFacts], period: Period) -> BreakdownRow:
    return BreakdownRow(key=key, label=label, meetings_held=ind.meetings_held(meetings, period),
                        no_show=sum(1 for m in meetings if m.state == "no_show" and m.day in period),
                        enterprises_served=ind.enterprises_served(meetings, facts, period),
                        leads=ind.leads_created(facts, period), intent=ind.intent(facts, period),
                        approved=ind.approved(facts, period), disbursed=ind.disbursed(facts, period),
                        first_loans=ind.first_loans(facts, period))


def _total(data: Dataset, period: Period, dimension: str, facts: Sequence[ind.LeadFacts]) -> BreakdownRow:
    return _row("total", "合计", list(data.meetings) if dimension != "product_kind" else [], list(facts), period)


def breakdowns(data: Dataset, period: Period, *,
               facts: Sequence[ind.LeadFacts] | None = None) -> dict[str, Breakdown]:
    """Every dimension's breakdown; the totals row (the same for all but product kind, which
    has no meetings) is computed once."""
    facts = ind.lead_facts(data.leads, data.records) if facts is None else facts
    totals: dict[bool, BreakdownRow] = {}
    result = {}
    for dimension in DIMENSIONS:
        variant = dimension == "product_kind"
        if variant not in totals:
            totals[variant] = _total(data, period, dimension, facts)
        result[dimension] = breakdown(data, period, dimension, facts=facts, total=totals[variant])
    return result


def breakdown(data: Dataset, period: Period, dimension: str, *,
              facts: Sequence[ind.LeadFacts] | None = None, total: BreakdownRow | None = None) -> Breakdown:
    """The figures per institution, institution kind, product kind, district, industry chain,
    size class or 首贷户/非首贷户, largest recorded disbursement first, with a totals row."""
    facts = ind.lead_facts(data.leads, data.records) if facts is None else facts
    lead_key, meeting_key, label = _keys(data, dimension, _first_loan_enterprises(data, facts))
    meetings: dict[str, list[MeetingRow]] = {}
    grouped: dict[str, list[ind.LeadFacts]] = {}
    for meeting in data.meetings:
        for key in meeting_key(meeting):
            meetings.setdefault(key, []).append(meeting)
    for f in facts:
        for key in lead_key(f):
            grouped.setdefault(key, []).append(f)
    rows = [_row(key, label(key), meetings.get(key, []), grouped.get(key, []), period)
            for key in set(meetings) | set(grouped)]
    rows = [r for r in rows if r.meetings_held or r.leads or r.intent.recorded.count or r.approved.recorded.count
            or r.disbursed.split.recorded.count or r.disbursed.split.disputed.count or r.no_show]
    rows.sort(key=lambda r: (-r.disbursed.split.recorded.amount, -r.approved.recorded.amount,
                             -r.meetings_held, r.label))
    total = _total(data, period, dimension, facts) if total is None else total
    return Breakdown(dimension=dimension, rows=tuple(rows), total=total, additive=dimension != "chain")
