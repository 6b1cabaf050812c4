"""The figures a statistics page, a workbook and a 通报 show: the headline, the monthly trend
and the breakdowns, each assembled from the indicator definitions in `indicators` (never
recomputed here).

How (issue 13, bench/reports.py's 100,000 leads): the breakdowns, the trend, the headline and
the 考核 all merge `indicators.Totals` *cells* of (institution, product kind, month) and
per-enterprise totals, and there are two ways to fill them that give the same figures:

- `Groups` (pure): adds every lead's facts (`indicators.lead_facts`) once into its cells, the
  reference the hand-computed fixture checks and the tests compare with;
- `SummedGroups` (the pages and files): the outcomes service keeps each lead's facts in the
  tables lead_fact / disbursement_fact (`indicators.stored_facts`, in the transaction that
  writes a record), and the database sums them with GROUP BY (`stats.sql`: a dozen queries of a
  few hundred rows each, cells and the 4,000 enterprises). Distinct enterprises do not add up
  across cells, so each merged dimension (institution, its kind, product kind) gets them from a
  COUNT(DISTINCT) of its own, and the total from the per-enterprise rows.

Before (one pass in Python over 100,000 facts loaded per request) the page took 7.4 s CPU on
SQLite; summed in the database ≈ 2.5 s CPU (1.8 s on PostgreSQL), most of it the database scanning
and grouping the facts: still above the 500 ms target, so the services keep the computed figures
in a cache that every write to their sources invalidates (services/reports/cache.py), and only
the first view after a change pays for this computation (see the README's figures).
tests/services/reports/test_sql_aggregation.py asserts SummedGroups == Groups field by field
on the fixture and on a random programme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from matchmaker.stats import indicators as ind
from matchmaker.stats.labels import FINANCING_KIND_LABELS, INSTITUTION_KIND_LABELS, UNKNOWN
from matchmaker.stats.periods import Period, months_of
from matchmaker.stats.rows import Dataset, EnterpriseRow

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
             now: datetime | None = None, groups: Groups | None = None) -> Headline:
    """The §9 headline: the amount figures are one `ind.Totals` of every fact and meeting (the
    merged cells when the groups are at hand)."""
    if groups is not None:
        total = groups.total()
    else:
        total = ind.totals(ind.facts_of(data) if facts is None else facts, period, data.meetings)
    return Headline(
        period=period,
        events_held=ind.events_held(data.events, period),
        meetings_held=total.meetings_held,
        enterprises_served=total.enterprises_served(),
        attendance=ind.attendance(data.events, data.participants, data.meetings, period),
        leads=total.leads,
        intent=total.intent_split(),
        approved=total.approved_split(),
        disbursed=total.disbursed(),
        first_loans=total.first_loans(),
        credit_loan_share=total.credit_loan_share(),
        average_rate=total.average_rate(),
        days_to_disburse=total.days_to_disburse(),
        responsiveness=ind.responsiveness(data.responses, period, now=now),
        satisfaction=ind.satisfaction(data.feedback, period),
        funnel=total.funnel(),
    )


@dataclass(frozen=True)
class TrendPoint:
    month: str  # 2026-11
    meetings_held: int
    leads: int
    intent: ind.Split
    approved: ind.Split
    disbursed: ind.Split


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


class Groups:
    """One pass over a scope's facts and meetings into the cells every breakdown, the trend and
    the 考核 are merged from (why: 100,000 leads are walked once, where running each indicator
    per dimension and group walked them some forty times).

    A cell is (institution, product kind, month) — product kind None for meetings, which are
    about a pair, not a product — and holds `ind.Totals` of what fell in that month of the
    period; the months partition the period, so merging cells gives a group's figures over the
    whole period exactly (distinct enterprises are merged as sets). The dimensions of the
    enterprise (district, chain, size class, 首贷户) merge per-enterprise totals instead."""

    def __init__(self, data: Dataset, period: Period, facts: Sequence[ind.LeadFacts]) -> None:
        self.data, self.period = data, period
        months = {(m.start.year, m.start.month): m for m in months_of(period)}
        start, end = period.start, period.end
        cells: dict[tuple, ind.Totals] = {}
        enterprises: dict[int, ind.Totals] = {}
        for f in facts:
            lead = f.lead
            days = [lead.first_contact_on]
            if f.approved is not None:
                days.append(f.approved.occurred_on)
            days.extend(r.occurred_on for r in f.disbursements)
            touched = {(d.year, d.month) for d in days if d is not None and start <= d <= end}
            if not touched:
                continue
            for key in touched:
                m = months[key]
                cell = cells.get((lead.institution_id, lead.kind, key))
                if cell is None:
                    cell = cells[(lead.institution_id, lead.kind, key)] = ind.Totals()
                cell.add_fact(f, m.start, m.end)
            own = enterprises.get(lead.enterprise_id)
            if own is None:
                own = enterprises[lead.enterprise_id] = ind.Totals()
            own.add_fact(f, start, end)
        for meeting in data.meetings:
            day = meeting.day
            if day is None or not start <= day <= end:
                continue
            key = (day.year, day.month)
            cell = cells.get((meeting.institution_id, None, key))
            if cell is None:
                cell = cells[(meeting.institution_id, None, key)] = ind.Totals()
            cell.add_meeting(meeting, start, end)
            own = enterprises.get(meeting.enterprise_id)
            if own is None:
                own = enterprises[meeting.enterprise_id] = ind.Totals()
            own.add_meeting(meeting, start, end)
        self.cells, self.enterprises, self.months = cells, enterprises, months
        flagged = {f.lead.enterprise_id for f in facts for r in f.disbursements if r.first_loan}
        self.first_loan = flagged | {e.id for e in data.enterprises.values() if e.first_loan}

    def merged(self, pick) -> dict[object, ind.Totals]:
        """The cells merged by `pick(institution_id, kind, month)` (None leaves a cell out)."""
        result: dict[object, ind.Totals] = {}
        for (institution_id, kind, month), cell in self.cells.items():
            key = pick(institution_id, kind, month)
            if key is not None:
                result.setdefault(key, ind.Totals()).merge(cell)
        return result

    def by_enterprise(self, keys) -> dict[str, ind.Totals]:
        """The per-enterprise totals merged by `keys(enterprise_id)` (one enterprise, many keys)."""
        result: dict[str, ind.Totals] = {}
        for enterprise_id, own in self.enterprises.items():
            for key in keys(enterprise_id):
                result.setdefault(key, ind.Totals()).merge(own)
        return result

    def total(self, *, meetings: bool = True) -> ind.Totals:
        return self.merged(lambda i, kind, m: "total" if meetings or kind is not None else None).get(
            "total", ind.Totals())

    def institution(self) -> dict[int, ind.Totals]:
        return self.counted("institution", self.merged(lambda i, kind, m: i))

    def counted(self, dimension: str, merged: dict) -> dict:
        """The merged groups with their distinct enterprises counted (here: the sets merged)."""
        return merged


def _key(value) -> str | None:
    return None if value is None else str(value)


class SummedGroups(Groups):
    """The same cells and per-enterprise totals, summed by the database over the stored facts
    (`stats.sql`): the additive figures come as one row per cell or enterprise, the distinct
    enterprises of the merged dimensions as counts per group (sets do not add up across
    cells), the 放款用时 days as (days, how many). The meetings are added as in `Groups`.
    tests/stats assert both give the same figures."""

    def __init__(self, data: Dataset, period: Period, *, lead_cells: Sequence, paid_cells: Sequence,
                 lead_enterprises: Sequence, paid_enterprises: Sequence, distinct: dict[str, Sequence],
                 days: Sequence) -> None:
        """The rows of `stats.sql`: `lead_facts_sql` by CELL_LEADS_KEY and by enterprise,
        `paid_sql` by CELL_PAID_KEY and by enterprise, `distinct_sql`, `days_sql`."""
        from matchmaker.stats import sql

        self.data, self.period = data, period
        months = {(m.start.year, m.start.month): m for m in months_of(period)}
        self.cells: dict[tuple, ind.Totals] = {}

        def cell(institution_id, kind, month) -> ind.Totals:
            key = (institution_id, kind, divmod(int(month), 100))  # 202611 -> (2026, 11)
            return self.cells.get(key) or self.cells.setdefault(key, ind.Totals())

        for institution_id, kind, contact_month, approved_month, contact_in, approved_in, *figures in lead_cells:
            if contact_in:
                sql.add_leads(cell(institution_id, kind, contact_month), figures)
            if approved_in:
                sql.add_approved(cell(institution_id, kind, approved_month), figures)
        for institution_id, kind, month, paid_in, *figures in paid_cells:
            if paid_in:
                sql.add_paid(cell(institution_id, kind, month), figures)
        self.enterprises: dict[int, ind.Totals] = {}
        flagged = set()

        def own(enterprise_id) -> ind.Totals:
            return self.enterprises.get(enterprise_id) or self.enterprises.setdefault(enterprise_id, ind.Totals())

        for enterprise_id, contact_in, approved_in, *figures in lead_enterprises:
            if contact_in:
                sql.add_leads(own(enterprise_id), figures)
            if approved_in:
                sql.add_approved(own(enterprise_id), figures)
        for enterprise_id, paid_in, *figures in paid_enterprises:
            if any(int(figures[6 + 2 * b] or 0) for b in sql.BUCKETS):  # a first-loan disbursement, any date
                flagged.add(enterprise_id)
            if paid_in:
                sql.add_paid(own(enterprise_id), figures)
        for enterprise_id, totals in list(self.enterprises.items()):  # each one's sets: itself or empty
            if not (totals.leads or any(totals.approved) or any(totals.paid)):
                del self.enterprises[enterprise_id]  # nothing in the period (the pure Groups has no row)
                continue
            if totals.leads:
                totals.served.add(enterprise_id)
            if totals.paid[0] or totals.paid[2]:
                totals.paid_ent.add(enterprise_id)
            if totals.paid[0]:
                totals.paid_confirmed_ent.add(enterprise_id)
            if totals.first[0] or totals.first[2]:
                totals.first_ent.add(enterprise_id)
            if totals.first[0]:
                totals.first_confirmed_ent.add(enterprise_id)
        start, end = period.start, period.end
        for meeting in data.meetings:
            day = meeting.day
            if day is None or not start <= day <= end:
                continue
            key = (meeting.institution_id, None, (day.year, day.month))
            (self.cells.get(key) or self.cells.setdefault(key, ind.Totals())).add_meeting(meeting, start, end)
            own(meeting.enterprise_id).add_meeting(meeting, start, end)
        self.months = months
        self.distinct = {dimension: {_key(k): tuple(int(v) for v in counts) for k, *counts in rows}
                         for dimension, rows in distinct.items()}
        self.days = [int(d) for d, n in days for _ in range(int(n))]
        self.first_loan = flagged | {e.id for e in data.enterprises.values() if e.first_loan}
        #: 逾期未跟进 (`sql.overdue_sql`) when the loader counted it in the same statement.
        self.overdue: int | None = None

    @staticmethod
    def parties(lead_cells: Sequence, lead_enterprises: Sequence) -> tuple[set[int], set[int]]:
        """The scope's enterprises and institutions, from the rows (every fact is in a group)."""
        return {row[0] for row in lead_enterprises}, {row[0] for row in lead_cells}

    def counted(self, dimension: str, merged: dict) -> dict:
        counts = self.distinct[dimension]
        for key, group in merged.items():
            group.counted = counts.get(_key(key), (0, 0, 0, 0, 0))
        return merged

    def total(self, *, meetings: bool = True) -> ind.Totals:
        result = super().total(meetings=meetings)
        own = self.enterprises.values()
        result.counted = (sum(1 for e in own if (e.served if meetings else e.leads)),
                          sum(1 for e in own if e.paid_ent), sum(1 for e in own if e.paid_confirmed_ent),
                          sum(1 for e in own if e.first_ent), sum(1 for e in own if e.first_confirmed_ent))
        result.days = list(self.days)
        return result


def _group_row(key: str, label: str, group: ind.Totals) -> BreakdownRow:
    return BreakdownRow(key=key, label=label, meetings_held=group.meetings_held, no_show=group.no_show,
                        enterprises_served=group.enterprises_served(), leads=group.leads, intent=group.intent_split(),
                        approved=group.approved_split(), disbursed=group.disbursed(), first_loans=group.first_loans())


def groups_of(data: Dataset, period: Period, facts: Sequence[ind.LeadFacts] | None = None) -> Groups:
    return Groups(data, period, ind.facts_of(data) if facts is None else facts)


def monthly_trend(data: Dataset, period: Period, *, facts: Sequence[ind.LeadFacts] | None = None,
                  groups: Groups | None = None) -> tuple[TrendPoint, ...]:
    """Month by month within the period (each month clipped to it)."""
    groups = groups or groups_of(data, period, facts)
    by_month = groups.merged(lambda i, kind, m: m)
    points = []
    for key, m in groups.months.items():
        group = by_month.get(key, ind.Totals())
        points.append(TrendPoint(month=m.label, meetings_held=group.meetings_held, leads=group.leads,
                                 intent=group.intent_split(), approved=group.approved_split(),
                                 disbursed=group.disbursed().split))
    return tuple(points)


def _dimension_groups(groups: Groups, dimension: str) -> tuple[dict[str, ind.Totals], Callable[[str], str]]:
    data = groups.data
    enterprises = data.enterprises
    blank = EnterpriseRow(id=0, name="")
    if dimension == "institution":
        names = {str(i.id): i.name for i in data.institutions.values()}
        merged = groups.counted(dimension, groups.merged(lambda i, kind, m: str(i)))
        return merged, lambda key: names.get(key, key)
    if dimension == "institution_kind":
        kinds = {i.id: i.kind for i in data.institutions.values()}
        merged = groups.counted(dimension, groups.merged(lambda i, kind, m: kinds.get(i, "")))
        return merged, lambda key: INSTITUTION_KIND_LABELS.get(key, UNKNOWN)
    if dimension == "product_kind":
        # A meeting is about a pair, not a product: meetings are not split by product kind.
        merged = groups.counted(dimension, groups.merged(lambda i, kind, m: kind))
        return merged, lambda key: FINANCING_KIND_LABELS.get(key, UNKNOWN)
    if dimension == "district":
        keys = lambda e: [enterprises.get(e, blank).district]  # noqa: E731
    elif dimension == "chain":
        keys = lambda e: list(enterprises.get(e, blank).chains) or [""]  # noqa: E731
    elif dimension == "size_class":
        keys = lambda e: [enterprises.get(e, blank).size_class]  # noqa: E731
    elif dimension == "first_loan":
        first_loan = groups.first_loan
        merged = groups.by_enterprise(lambda e: ["yes" if e in first_loan else "no"])
        return merged, lambda key: {"yes": "首贷户", "no": "非首贷户"}[key]
    else:
        raise ValueError(f"unknown dimension {dimension}")
    return groups.by_enterprise(keys), lambda key: key or UNKNOWN


def breakdowns(data: Dataset, period: Period, *, facts: Sequence[ind.LeadFacts] | None = None,
               groups: Groups | None = None) -> dict[str, Breakdown]:
    """Every dimension's breakdown; the totals row (the same for all but product kind, which
    has no meetings) is computed once."""
    groups = groups or groups_of(data, period, facts)
    totals = {False: _group_row("total", "合计", groups.total()),
              True: _group_row("total", "合计", groups.total(meetings=False))}
    return {dimension: breakdown(data, period, dimension, groups=groups, total=totals[dimension == "product_kind"])
            for dimension in DIMENSIONS}


def breakdown(data: Dataset, period: Period, dimension: str, *,
              facts: Sequence[ind.LeadFacts] | None = None, total: BreakdownRow | None = None,
              groups: Groups | None = None) -> Breakdown:
    """The figures per institution, institution kind, product kind, district, industry chain,
    size class or 首贷户/非首贷户, largest recorded disbursement first, with a totals row."""
    groups = groups or groups_of(data, period, facts)
    merged, label = _dimension_groups(groups, dimension)
    rows = [_group_row(key, label(key), group) for key, group in merged.items()]
    rows = [r for r in rows if r.meetings_held or r.leads or r.intent.recorded.count or r.approved.recorded.count
            or r.disbursed.split.recorded.count or r.disbursed.split.disputed.count or r.no_show]
    rows.sort(key=lambda r: (-r.disbursed.split.recorded.amount, -r.approved.recorded.amount,
                             -r.meetings_held, r.label))
    if total is None:
        total = _group_row("total", "合计", groups.total(meetings=dimension != "product_kind"))
    return Breakdown(dimension=dimension, rows=tuple(rows), total=total, additive=dimension != "chain")
