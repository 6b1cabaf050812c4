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
    Dataset,
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


def facts_of(data: Dataset) -> tuple[LeadFacts, ...]:
    """A dataset's lead facts: those its loader sorted out, else derived from its records."""
    return data.facts if data.facts or not data.leads else lead_facts(data.leads, data.records)


def _within(day, start, end) -> bool:
    """`day in period` without the method call (the indicators run over 100,000s of rows)."""
    return day is not None and start <= day <= end


# -- activity ---------------------------------------------------------------------------------

def events_held(events: Iterable[EventRow], period: Period) -> int:
    """对接活动: events whose (first) day falls in the period."""
    return sum(1 for event in events if event.held_on in period)


def meetings_held(meetings: Iterable[MeetingRow], period: Period) -> int:
    """洽谈场次: meetings with state held, on a day in the period (`Totals.add_meeting`)."""
    return totals((), period, meetings).meetings_held


def enterprises_served(meetings: Iterable[MeetingRow], facts: Iterable[LeadFacts], period: Period) -> int:
    """服务企业数: distinct enterprises with a held meeting or a lead (created) in the period."""
    return totals(facts, period, meetings).enterprises_served()


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
#
# What a lead adds to the amount indicators of a period is defined once, in `Totals.add_fact`
# (and a meeting's in `Totals.add_meeting`); each indicator function below is one pass of it
# over the facts, and the breakdowns, the trend and the 考核 add every fact once into the
# accumulators of its groups and merge those (stats.summary), so a figure is the same wherever
# it is read and 100,000 leads are walked once, not once per indicator and group.

_BUCKET = {"confirmed": 0, "pending": 1, "disputed": 2}


def _bucket_split(bucket: list[int]) -> Split:
    return Split(Tally(bucket[0], bucket[1]), Tally(bucket[2], bucket[3]), Tally(bucket[4], bucket[5]))


def _kind(facts: LeadFacts, record: RecordRow) -> str:
    return record.kind or facts.lead.kind


def _is_credit(facts: LeadFacts, record: RecordRow) -> bool:
    if record.guarantee:
        return record.guarantee == CREDIT_GUARANTEE
    return _kind(facts, record) == "credit_loan"


class Totals:
    """The amount and activity figures of one group of facts and meetings over one period,
    accumulated one fact at a time (`add_fact`, `add_meeting`) and mergeable (`merge`): two
    groups merged give exactly the figures of their union (counts and amounts add up, distinct
    enterprises are kept as sets)."""

    __slots__ = ("meetings_held", "no_show", "served", "leads", "intent", "approved", "paid", "paid_ent",
                 "paid_confirmed_ent", "first", "first_ent", "first_confirmed_ent", "loan_whole", "credit_part",
                 "rate_weighted", "rate_total", "days", "reached", "counted")

    def __init__(self) -> None:
        self.meetings_held = self.no_show = self.leads = 0
        self.served: set[int] = set()
        self.intent = [0] * 6  # confirmed, pending, disputed: count, amount
        self.approved = [0] * 6
        self.paid = [0] * 6
        self.first = [0] * 6
        self.paid_ent: set[int] = set()  # with a recorded (not disputed) disbursement
        self.paid_confirmed_ent: set[int] = set()
        self.first_ent: set[int] = set()
        self.first_confirmed_ent: set[int] = set()
        self.loan_whole = self.credit_part = self.rate_weighted = self.rate_total = 0
        self.days: list[int] = []
        self.reached = [0] * len(FUNNEL_STAGES)
        #: The distinct-enterprise counts (served, paid, paid confirmed, first, first confirmed)
        #: when the database counted them (`stats.sql.distinct_sql`), else the sets' sizes.
        self.counted: tuple[int, int, int, int, int] | None = None

    def distinct(self) -> tuple[int, int, int, int, int]:
        if self.counted is not None:
            return self.counted
        return (len(self.served), len(self.paid_ent), len(self.paid_confirmed_ent), len(self.first_ent),
                len(self.first_confirmed_ent))

    def enterprises_served(self) -> int:
        return self.distinct()[0]

    def add_meeting(self, meeting: MeetingRow, start, end) -> None:
        """洽谈场次 and 服务企业数: a meeting held on a day in the period; a no-show counts apart."""
        day = meeting.day
        if day is None or not start <= day <= end:
            return
        if meeting.state == "held":
            self.meetings_held += 1
            self.served.add(meeting.enterprise_id)
        elif meeting.state == "no_show":
            self.no_show += 1

    def add_fact(self, f: LeadFacts, start, end) -> None:
        """What one lead adds: 线索数, 意向 (its latest intent, when created in the period), 授信
        (its first approval, dated in the period), 放款 and 首贷 (its disbursements dated in the
        period), 信用贷款占比, 平均利率, 放款用时 and the 转化漏斗."""
        lead = f.lead
        day = lead.first_contact_on
        if day is not None and start <= day <= end:
            self.leads += 1
            self.served.add(lead.enterprise_id)
            self.reached[_FUNNEL_INDEX[f.furthest]] += 1
            record = f.intent
            if record is not None:
                at = _BUCKET[record.confirmation] * 2
                self.intent[at] += 1
                self.intent[at + 1] += record.amount or 0
        record = f.approved
        if record is not None and start <= record.occurred_on <= end:
            at = _BUCKET[record.confirmation] * 2
            self.approved[at] += 1
            self.approved[at + 1] += record.amount or 0
        if not f.disbursements:
            return
        first_recorded = None
        for r in f.disbursements:
            disputed = r.confirmation == "disputed"
            if first_recorded is None and not disputed:
                first_recorded = r
            if not start <= r.occurred_on <= end:
                continue
            at, amount = _BUCKET[r.confirmation] * 2, r.amount or 0
            self.paid[at] += 1
            self.paid[at + 1] += amount
            if not disputed:
                self.paid_ent.add(lead.enterprise_id)
            if at == 0:
                self.paid_confirmed_ent.add(lead.enterprise_id)
            if r.first_loan:
                self.first[at] += 1
                self.first[at + 1] += amount
                if not disputed:
                    self.first_ent.add(lead.enterprise_id)
                if at == 0:
                    self.first_confirmed_ent.add(lead.enterprise_id)
            if disputed or _kind(f, r) not in LOAN_KINDS:
                continue
            self.loan_whole += amount
            if _is_credit(f, r):
                self.credit_part += amount
            rate = r.rate_bp if r.rate_bp is not None else (f.approved.rate_bp if f.approved else None)
            if rate is not None and amount:
                self.rate_weighted += rate * amount
                self.rate_total += amount
        if first_recorded is not None and start <= first_recorded.occurred_on <= end:
            self.days.append((first_recorded.occurred_on - lead.first_contact_on).days)

    def merge(self, other: Totals) -> Totals:
        # Spelt out, not a loop over getattr/setattr: the breakdowns merge some 30,000 totals.
        self.meetings_held += other.meetings_held
        self.no_show += other.no_show
        self.leads += other.leads
        self.loan_whole += other.loan_whole
        self.credit_part += other.credit_part
        self.rate_weighted += other.rate_weighted
        self.rate_total += other.rate_total
        self.intent = [a + b for a, b in zip(self.intent, other.intent)]
        self.approved = [a + b for a, b in zip(self.approved, other.approved)]
        self.paid = [a + b for a, b in zip(self.paid, other.paid)]
        self.first = [a + b for a, b in zip(self.first, other.first)]
        self.reached = [a + b for a, b in zip(self.reached, other.reached)]
        if other.served:
            self.served |= other.served
        if other.paid_ent:
            self.paid_ent |= other.paid_ent
            self.paid_confirmed_ent |= other.paid_confirmed_ent
        if other.first_ent:
            self.first_ent |= other.first_ent
            self.first_confirmed_ent |= other.first_confirmed_ent
        if other.days:
            self.days.extend(other.days)
        return self

    # The figures, in the indicators' types.
    def intent_split(self) -> Split:
        return _bucket_split(self.intent)

    def approved_split(self) -> Split:
        return _bucket_split(self.approved)

    def disbursed(self) -> Disbursed:
        counts = self.distinct()
        return Disbursed(split=_bucket_split(self.paid), enterprises=counts[1], confirmed_enterprises=counts[2])

    def first_loans(self) -> FirstLoans:
        counts = self.distinct()
        return FirstLoans(split=_bucket_split(self.first), enterprises=counts[3], confirmed_enterprises=counts[4])

    def credit_loan_share(self) -> Share:
        return Share(part=self.credit_part, whole=self.loan_whole)

    def average_rate(self) -> float | None:
        return self.rate_weighted / self.rate_total / 100 if self.rate_total else None

    def days_to_disburse(self) -> float | None:
        return float(median(self.days)) if self.days else None

    def funnel(self) -> tuple[FunnelStep, ...]:
        """Each step counts the leads whose furthest stage is it or a later one."""
        counts, running = [], 0
        for value in reversed(self.reached):
            running += value
            counts.append(running)
        return tuple(FunnelStep(stage, count) for stage, count in zip(FUNNEL_STAGES, reversed(counts)))


_FUNNEL_INDEX = {stage: index for index, stage in enumerate(FUNNEL_STAGES)}


#: The columns of a stored lead fact and of a stored disbursement fact (the tables lead_fact
#: and disbursement_fact, kept by the outcomes service and aggregated by `stats.sql`).
LEAD_FACT_COLUMNS = ("lead_id", "enterprise_id", "institution_id", "kind", "first_event_id", "first_contact_on",
                     "furthest", "declined", "withdrawn", "intent_on", "intent_amount", "intent_bucket",
                     "approved_on", "approved_amount", "approved_bucket", "disbursements", "disbursed_amount",
                     "last_bucket", "contact_month", "approved_month")
DISBURSEMENT_FACT_COLUMNS = ("record_id", "lead_id", "enterprise_id", "institution_id", "kind", "occurred_on",
                             "amount", "bucket", "first_loan", "loan", "credit", "rate_bp", "first_recorded", "days",
                             "first_event_id", "month")


def month_number(day) -> int | None:
    """A date's calendar month as one integer (2026-11 -> 202611): what the cells group by."""
    return None if day is None else day.year * 100 + day.month


def stored_facts(f: LeadFacts) -> tuple[tuple, list[tuple]]:
    """One lead's facts as the rows the database keeps (LEAD_FACT_COLUMNS, and one
    DISBURSEMENT_FACT_COLUMNS row per live disbursement), each value decided here as
    `Totals.add_fact` decides it, so that the SQL sums of `stats.sql` add up what it adds up."""
    lead, intent_record, approval = f.lead, f.intent, f.approved
    first_recorded = next((r for r in f.disbursements if r.confirmation != "disputed"), None)
    paid = []
    for r in f.disbursements:
        disputed = r.confirmation == "disputed"
        loan = not disputed and _kind(f, r) in LOAN_KINDS
        rate = r.rate_bp if r.rate_bp is not None else (approval.rate_bp if approval else None)
        first = r is first_recorded
        paid.append((r.id, lead.id, lead.enterprise_id, lead.institution_id, lead.kind, r.occurred_on, r.amount or 0,
                     _BUCKET[r.confirmation], bool(r.first_loan), loan, loan and _is_credit(f, r), rate, first,
                     (r.occurred_on - lead.first_contact_on).days if first and lead.first_contact_on else None,
                     lead.event_id, month_number(r.occurred_on)))
    last = f.disbursements[-1] if f.disbursements else None
    row = (lead.id, lead.enterprise_id, lead.institution_id, lead.kind, lead.event_id, lead.first_contact_on,
           _FUNNEL_INDEX[f.furthest], f.declined, f.withdrawn,
           intent_record.occurred_on if intent_record else None,
           (intent_record.amount or 0) if intent_record else None,
           _BUCKET[intent_record.confirmation] if intent_record else None,
           approval.occurred_on if approval else None, (approval.amount or 0) if approval else None,
           _BUCKET[approval.confirmation] if approval else None, len(f.disbursements),
           sum(r.amount or 0 for r in f.disbursements if r.confirmation != "disputed"),
           _BUCKET[last.confirmation] if last else None, month_number(lead.first_contact_on),
           month_number(approval.occurred_on) if approval else None)
    return row, paid


def totals(facts: Iterable[LeadFacts], period: Period, meetings: Iterable[MeetingRow] = ()) -> Totals:
    """One pass of `Totals` over facts (and meetings) for one period."""
    start, end = period.start, period.end
    result = Totals()
    for f in facts:
        result.add_fact(f, start, end)
    for meeting in meetings:
        result.add_meeting(meeting, start, end)
    return result


def leads_created(facts: Iterable[LeadFacts], period: Period) -> int:
    """线索数: leads whose first contact falls in the period."""
    return totals(facts, period).leads


def intent(facts: Iterable[LeadFacts], period: Period) -> Split:
    """意向金额: the latest intent amount of each lead created in the period."""
    return totals(facts, period).intent_split()


def approved(facts: Iterable[LeadFacts], period: Period) -> Split:
    """授信: leads reaching 已授信 in the period (the date of their first approval): count, amount."""
    return totals(facts, period).approved_split()


@dataclass(frozen=True)
class Disbursed:
    split: Split
    enterprises: int  # distinct enterprises with a recorded (not disputed) disbursement
    confirmed_enterprises: int


def disbursed(facts: Iterable[LeadFacts], period: Period) -> Disbursed:
    """放款: disbursements dated in the period: count, amount, distinct enterprises."""
    return totals(facts, period).disbursed()


@dataclass(frozen=True)
class FirstLoans:
    split: Split  # the first-loan disbursements
    enterprises: int  # distinct 首贷户 with a recorded (not disputed) first-loan disbursement
    confirmed_enterprises: int


def first_loans(facts: Iterable[LeadFacts], period: Period) -> FirstLoans:
    """首贷户: enterprises whose profile said first_loan when a disbursement dated in the period
    was recorded."""
    return totals(facts, period).first_loans()


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
    return totals(facts, period).credit_loan_share()


def average_rate(facts: Iterable[LeadFacts], period: Period) -> float | None:
    """平均利率 (percent a year): amount-weighted mean rate of the loans disbursed in the period
    (recorded, not disputed); a disbursement without its own rate takes the approval's."""
    return totals(facts, period).average_rate()


def days_to_disburse(facts: Iterable[LeadFacts], period: Period) -> float | None:
    """放款用时: median days from a lead's first contact to its first disbursement, over leads
    whose first (not disputed) disbursement falls in the period."""
    return totals(facts, period).days_to_disburse()


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


def responsiveness_changes_at(responses: Iterable[ResponseRow], now: datetime) -> datetime | None:
    """The first moment after `now` at which `responsiveness` would count a row it leaves out at
    `now` (an open one whose deadline is still ahead): until then its figures hold unless a row
    changes. None when no open row has a deadline ahead."""
    ahead = [row.deadline for row in responses
             if row.answered_at is None and row.deadline is not None and row.deadline > now]
    return min(ahead, default=None)


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
    return totals(facts, period).funnel()
