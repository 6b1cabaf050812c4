"""One function per indicator of DESIGN §9 (口径). Every figure on a page, in a workbook or in a
通报 is computed here and nowhere else.

Recorded figures are split three ways and never mixed silently: `confirmed` (the other side
confirmed), `one_sided` (recorded by one side, not yet answered) and `disputed` (the other side
disputed it; counted apart and left out of `recorded`). A superseded record (replaced by a
correction) counts nowhere: its correction counts instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from matchmaker.stats.periods import Period
from matchmaker.stats.rows import (
    CREDIT_GUARANTEE,
    FUNNEL_STAGES,
    LOAN_KINDS,
    EventRow,
    FeedbackRow,
    LeadRow,
    MeetingRow,
    ParticipantRow,
    RecordRow,
    ResponseRow,
)


@dataclass(frozen=True)
class Tally:
    count: int = 0
    amount: int = 0  # 元

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.amount + other.amount)


@dataclass(frozen=True)
class Split:
    """A figure by how far the other side agreed to it."""

    confirmed: Tally = Tally()
    one_sided: Tally = Tally()
    disputed: Tally = Tally()

    @property
    def recorded(self) -> Tally:
        """Confirmed and one-sided together: what stands unless disputed."""
        return self.confirmed + self.one_sided


def _split(records: Iterable[RecordRow]) -> Split:
    buckets = {"confirmed": [0, 0], "pending": [0, 0], "disputed": [0, 0]}
    for record in records:
        bucket = buckets[record.confirmation]
        bucket[0] += 1
        bucket[1] += record.amount or 0
    return Split(Tally(*buckets["confirmed"]), Tally(*buckets["pending"]), Tally(*buckets["disputed"]))


@dataclass(frozen=True)
class LeadFacts:
    """A lead with its live (not superseded) records sorted out once, for every indicator."""

    lead: LeadRow
    intent: RecordRow | None  # the latest intent record
    approved: RecordRow | None  # the first approval
    disbursements: tuple[RecordRow, ...]  # by date
    furthest: str  # the furthest funnel stage reached
    declined: bool
    withdrawn: bool


def lead_facts(leads: Iterable[LeadRow], records: Iterable[RecordRow]) -> tuple[LeadFacts, ...]:
    """Sort each lead's live records into its facts (one pass over the records)."""
    live: dict[int, list[RecordRow]] = {}
    for record in records:
        if not record.superseded:
            live.setdefault(record.lead_id, []).append(record)
    order = {stage: index for index, stage in enumerate(FUNNEL_STAGES)}
    result = []
    for lead in leads:
        own = sorted(live.get(lead.id, ()), key=lambda r: (r.occurred_on, r.id))
        intents = [r for r in own if r.stage == "intent"]
        approvals = [r for r in own if r.stage == "approved"]
        # A disputed record does not move the lead on: the other side says it did not happen so.
        furthest = max((r.stage for r in own if r.stage in order and r.confirmation != "disputed"),
                       key=order.__getitem__, default="contact")
        result.append(LeadFacts(
            lead=lead, intent=intents[-1] if intents else None, approved=approvals[0] if approvals else None,
            disbursements=tuple(r for r in own if r.stage == "disbursed"), furthest=furthest,
            declined=any(r.stage == "declined" for r in own), withdrawn=any(r.stage == "withdrawn" for r in own)))
    return tuple(result)


def _within(day, start, end) -> bool:
    """`day in period` without the method call (the indicators run over 100,000s of rows)."""
    return day is not None and start <= day <= end


# -- activity ---------------------------------------------------------------------------------

def events_held(events: Iterable[EventRow], period: Period) -> int:
    """对接活动: events whose (first) day falls in the period."""
    return sum(1 for event in events if event.held_on in period)


def meetings_held(meetings: Iterable[MeetingRow], period: Period) -> int:
    """洽谈场次: meetings with state held, on a day in the period."""
    start, end = period.start, period.end
    return sum(1 for m in meetings if m.state == "held" and m.day is not None and start <= m.day <= end)


def enterprises_served(meetings: Iterable[MeetingRow], facts: Iterable[LeadFacts], period: Period) -> int:
    """服务企业数: distinct enterprises with a held meeting or a lead (created) in the period."""
    start, end = period.start, period.end
    served = {m.enterprise_id for m in meetings if m.state == "held" and m.day is not None and start <= m.day <= end}
    served |= {f.lead.enterprise_id for f in facts if _within(f.lead.first_contact_on, start, end)}
    return len(served)


@dataclass(frozen=True)
class Attendance:
    checked_in: int
    approved: int
    no_show: int
    planned: int  # meetings scheduled and not cancelled

    @property
    def checkin_rate(self) -> float | None:
        return self.checked_in / self.approved if self.approved else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_show / self.planned if self.planned else None


def attendance(events: Iterable[EventRow], participants: Iterable[ParticipantRow],
               meetings: Iterable[MeetingRow], period: Period) -> Attendance:
    """到场率: checked-in participants / approved participants of the events held in the period,
    and no-show meetings / planned (not cancelled) meetings on days in the period."""
    held = {event.id for event in events if event.held_on in period}
    people = [p for p in participants if p.event_id in held]
    planned = [m for m in meetings if m.state != "cancelled" and m.day in period]
    return Attendance(checked_in=sum(1 for p in people if p.checked_in), approved=len(people),
                      no_show=sum(1 for m in planned if m.state == "no_show"), planned=len(planned))


# -- amounts ----------------------------------------------------------------------------------

def leads_created(facts: Iterable[LeadFacts], period: Period) -> int:
    """线索数: leads whose first contact falls in the period."""
    start, end = period.start, period.end
    return sum(1 for f in facts if _within(f.lead.first_contact_on, start, end))


def intent(facts: Iterable[LeadFacts], period: Period) -> Split:
    """意向金额: the latest intent amount of each lead created in the period."""
    start, end = period.start, period.end
    return _split(f.intent for f in facts if f.intent is not None and _within(f.lead.first_contact_on, start, end))


def approved(facts: Iterable[LeadFacts], period: Period) -> Split:
    """授信: leads reaching 已授信 in the period (the date of their first approval): count, amount."""
    start, end = period.start, period.end
    return _split(f.approved for f in facts if f.approved is not None and start <= f.approved.occurred_on <= end)


def _disbursements(facts: Iterable[LeadFacts], period: Period) -> list[tuple[LeadFacts, RecordRow]]:
    start, end = period.start, period.end
    return [(f, r) for f in facts if f.disbursements for r in f.disbursements if start <= r.occurred_on <= end]


@dataclass(frozen=True)
class Disbursed:
    split: Split
    enterprises: int  # distinct enterprises with a recorded (not disputed) disbursement
    confirmed_enterprises: int


def disbursed(facts: Iterable[LeadFacts], period: Period) -> Disbursed:
    """放款: disbursements dated in the period: count, amount, distinct enterprises."""
    pairs = _disbursements(facts, period)
    return Disbursed(split=_split(r for _, r in pairs),
                     enterprises=len({f.lead.enterprise_id for f, r in pairs if r.confirmation != "disputed"}),
                     confirmed_enterprises=len({f.lead.enterprise_id for f, r in pairs
                                                if r.confirmation == "confirmed"}))


@dataclass(frozen=True)
class FirstLoans:
    split: Split  # the first-loan disbursements
    enterprises: int  # distinct 首贷户 with a recorded (not disputed) first-loan disbursement
    confirmed_enterprises: int


def first_loans(facts: Iterable[LeadFacts], period: Period) -> FirstLoans:
    """首贷户: enterprises whose profile said first_loan when a disbursement dated in the period
    was recorded."""
    pairs = [(f, r) for f, r in _disbursements(facts, period) if r.first_loan]
    return FirstLoans(split=_split(r for _, r in pairs),
                      enterprises=len({f.lead.enterprise_id for f, r in pairs if r.confirmation != "disputed"}),
                      confirmed_enterprises=len({f.lead.enterprise_id for f, r in pairs
                                                 if r.confirmation == "confirmed"}))


def _kind(facts: LeadFacts, record: RecordRow) -> str:
    return record.kind or facts.lead.kind


def _is_credit(facts: LeadFacts, record: RecordRow) -> bool:
    if record.guarantee:
        return record.guarantee == CREDIT_GUARANTEE
    return _kind(facts, record) == "credit_loan"


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None


def credit_loan_share(facts: Iterable[LeadFacts], period: Period) -> Share:
    """信用贷款占比: credit-loan disbursed amount / all loan disbursed amount (recorded, not
    disputed). A loan is credit when its guarantee says 信用, or, with none given, its kind is
    a credit loan."""
    loans = [(f, r) for f, r in _disbursements(facts, period)
             if r.confirmation != "disputed" and _kind(f, r) in LOAN_KINDS]
    return Share(part=sum(r.amount or 0 for f, r in loans if _is_credit(f, r)),
                 whole=sum(r.amount or 0 for _, r in loans))


def average_rate(facts: Iterable[LeadFacts], period: Period) -> float | None:
    """平均利率 (percent a year): amount-weighted mean rate of the loans disbursed in the period
    (recorded, not disputed); a disbursement without its own rate takes the approval's."""
    weighted = total = 0
    for f, r in _disbursements(facts, period):
        rate = r.rate_bp if r.rate_bp is not None else (f.approved.rate_bp if f.approved else None)
        if r.confirmation == "disputed" or rate is None or not r.amount or _kind(f, r) not in LOAN_KINDS:
            continue
        weighted += rate * r.amount
        total += r.amount
    return weighted / total / 100 if total else None


def days_to_disburse(facts: Iterable[LeadFacts], period: Period) -> float | None:
    """放款用时: median days from a lead's first contact to its first disbursement, over leads
    whose first (not disputed) disbursement falls in the period."""
    days = []
    for f in facts:
        first = next((r for r in f.disbursements if r.confirmation != "disputed"), None)
        if first is not None and first.occurred_on in period:
            days.append((first.occurred_on - f.lead.first_contact_on).days)
    return float(median(days)) if days else None


@dataclass(frozen=True)
class Responsiveness:
    asked: int
    on_time: int
    median_hours: float | None

    @property
    def rate(self) -> float | None:
        return self.on_time / self.asked if self.asked else None


def responsiveness(responses: Iterable[ResponseRow], period: Period, *, now: datetime | None = None,
                   answerer: str | None = None) -> Responsiveness:
    """响应率 / 响应用时: requests and claims asked in the period and answered before their
    deadline / all of them, and the median hours to an answer. One still open with its deadline
    ahead of `now` is not counted yet. `answerer` keeps only those one side had to answer."""
    asked = on_time = 0
    hours = []
    for row in responses:
        if row.asked_at.date() not in period or (answerer and row.answerer != answerer):
            continue
        if row.answered_at is None and now is not None and (row.deadline is None or row.deadline > now):
            continue
        asked += 1
        if row.answered_at is not None:
            hours.append((row.answered_at - row.asked_at).total_seconds() / 3600)
            if row.deadline is None or row.answered_at <= row.deadline:
                on_time += 1
    return Responsiveness(asked=asked, on_time=on_time, median_hours=round(median(hours), 2) if hours else None)


def satisfaction(feedback: Iterable[FeedbackRow], period: Period) -> float | None:
    """企业评价: mean satisfaction (1–5) of the feedback given in the period."""
    scores = [row.satisfaction for row in feedback if row.on in period]
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    leads: int  # leads that reached this stage or a later one


def funnel(facts: Sequence[LeadFacts], period: Period) -> tuple[FunnelStep, ...]:
    """转化漏斗: the leads created in the period by furthest stage, each step counting the leads
    that reached it or went further (contact → intent → accepted → approved → disbursed). A
    stage known only from a disputed record is not reached."""
    reached = [0] * len(FUNNEL_STAGES)
    for f in facts:
        if f.lead.first_contact_on in period:
            for index in range(FUNNEL_STAGES.index(f.furthest) + 1):
                reached[index] += 1
    return tuple(FunnelStep(stage, count) for stage, count in zip(FUNNEL_STAGES, reached))
