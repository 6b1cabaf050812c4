"""The plain rows the statistics read: what the services load from the database, nothing more.

Amounts are integer 元, rates basis points, dates calendar dates in Asia/Shanghai. Stages,
states and kinds are the string values of the model enums, so this package needs no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: Lead stages in funnel order (the furthest one reached counts).
FUNNEL_STAGES = ("contact", "intent", "accepted", "approved", "disbursed")
LOAN_KINDS = frozenset({"credit_loan", "ip_pledge_loan", "guaranteed_loan"})
CREDIT_GUARANTEE = "信用"


@dataclass(frozen=True)
class EventRow:
    id: int
    title: str
    held_on: date | None  # the first day of its sessions
    programme_id: int | None = None


@dataclass(frozen=True)
class ParticipantRow:
    """An approved participant of an event and whether anyone of it checked in."""

    event_id: int
    organization_id: int
    checked_in: bool


@dataclass(frozen=True)
class MeetingRow:
    id: int
    event_id: int
    enterprise_id: int
    institution_id: int
    state: str  # planned | held | no_show | cancelled
    day: date
    absent_side: str = ""  # for a no-show: enterprise | institution | both


@dataclass(frozen=True)
class EnterpriseRow:
    id: int
    name: str
    district: str = ""
    chains: tuple[str, ...] = ()
    size_class: str = ""
    first_loan: bool | None = None  # the profile's 首贷户 flag today


@dataclass(frozen=True)
class InstitutionRow:
    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class LeadRow:
    id: int
    enterprise_id: int
    institution_id: int
    kind: str  # the product's financing kind, else the need's
    first_contact_on: date
    event_id: int | None = None


@dataclass(frozen=True)
class RecordRow:
    """One stage record of a lead. Superseded records (replaced by a correction) are loaded too
    and ignored here, so that a correction counts once."""

    id: int
    lead_id: int
    stage: str
    occurred_on: date
    amount: int | None = None
    rate_bp: int | None = None
    guarantee: str = ""
    first_loan: bool = False
    confirmation: str = "pending"  # pending (one side only) | confirmed | disputed
    superseded: bool = False
    kind: str = ""  # the record's product kind, "" when the lead's applies


@dataclass(frozen=True)
class ResponseRow:
    """A meeting request or a claim that someone had to answer."""

    kind: str  # request | claim
    institution_id: int
    enterprise_id: int
    answerer: str  # institution | enterprise
    asked_at: datetime
    deadline: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True)
class FeedbackRow:
    institution_id: int
    enterprise_id: int
    satisfaction: int  # 1..5
    on: date


@dataclass(frozen=True)
class Dataset:
    """Everything one scope (an event or a programme) holds, ready for the indicators."""

    events: tuple[EventRow, ...] = ()
    participants: tuple[ParticipantRow, ...] = ()
    meetings: tuple[MeetingRow, ...] = ()
    enterprises: dict[int, EnterpriseRow] = field(default_factory=dict)
    institutions: dict[int, InstitutionRow] = field(default_factory=dict)
    leads: tuple[LeadRow, ...] = ()
    records: tuple[RecordRow, ...] = ()
    responses: tuple[ResponseRow, ...] = ()
    feedback: tuple[FeedbackRow, ...] = ()
    #: The leads' facts (`indicators.LeadFacts`) when the loader sorted the records out already
    #: (the services do it in SQL and leave `records` empty); else `lead_facts` derives them.
    facts: tuple = ()
