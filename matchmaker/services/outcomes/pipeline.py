"""Reading leads: the institution's pipeline (filters, one page at a time), the enterprise's leads with
their history, the organizer's view of its events' leads, the overdue and disputed lists, and the
counts on the bank dashboard. Every query is scoped to the viewer's organization."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from matchmaker.errors import InvalidInput
from matchmaker.models import Event, Meeting, Membership, Organization, Product
from matchmaker.models.outcomes import Confirmation, FinancingLead, LeadLink, LeadRecord, LeadStage, Side
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.outcomes import stages
from matchmaker.services.tenancy import MAX_ID

PAGE_SIZE = 50
OVERDUE_DAYS = 30


@dataclass(frozen=True)
class LeadFilters:
    event_id: int | None = None
    stage: str = ""
    product_id: int | None = None
    member_id: int | None = None
    page: int = 1

    @classmethod
    def parse(cls, query: dict[str, str]) -> LeadFilters:
        """Filters from a query string; a bad value is refused rather than ignored."""
        problems: dict[str, str] = {}

        def number(name: str) -> int | None:
            text = (query.get(name) or "").strip()
            if not text:
                return None
            if not text.isdigit() or not 0 < int(text) <= MAX_ID:
                problems[name] = "应为列表中的一项"
                return None
            return int(text)

        stage = (query.get("stage") or "").strip()
        if stage and stage not in {s.value for s in LeadStage}:
            problems["stage"] = "应为列表中的一项"
        filters = cls(event_id=number("event"), stage=stage, product_id=number("product"),
                      member_id=number("member"), page=number("page") or 1)
        if problems:
            raise InvalidInput(problems)
        return filters

    def query_string(self, **changes: object) -> str:
        values = {"event": self.event_id, "stage": self.stage, "product": self.product_id,
                  "member": self.member_id, "page": self.page, **changes}
        return "&".join(f"{k}={v}" for k, v in values.items() if v not in (None, "", 1) or (k != "page" and v))


@dataclass
class LeadRow:
    lead: FinancingLead
    stage_label: str
    intent: int | None = None
    approved: int | None = None
    disbursed: int = 0
    pending: int = 0
    disputed: int = 0
    first_loan: bool = False
    records: list[LeadRecord] = field(default_factory=list)


def filtered(query: QuerySet[FinancingLead], filters: LeadFilters) -> QuerySet[FinancingLead]:
    if filters.event_id is not None:
        query = query.filter(id__in=Subquery(LeadLink.filter(event_id=filters.event_id).values("lead_id")))
    if filters.stage:
        query = query.filter(stage=filters.stage)
    if filters.product_id is not None:
        query = query.filter(product_id=filters.product_id)
    if filters.member_id is not None:
        query = query.filter(id__in=Subquery(LeadRecord.filter(recorded_by_id=filters.member_id).values("lead_id")))
    return query


def summarize(lead: FinancingLead, records: list[LeadRecord]) -> LeadRow:
    row = LeadRow(lead, stages.STAGE_LABELS[LeadStage(lead.stage)], records=records)
    for record in records:
        if record.superseded:
            continue
        if record.stage == LeadStage.INTENT:
            row.intent = record.amount
        elif record.stage == LeadStage.APPROVED:
            row.approved = record.amount
        elif record.stage == LeadStage.DISBURSED:
            row.disbursed += record.amount or 0
            row.first_loan = row.first_loan or record.first_loan
        if record.confirmation == Confirmation.PENDING:
            row.pending += 1
        elif record.confirmation == Confirmation.DISPUTED:
            row.disputed += 1
    return row


async def rows_of(leads: list[FinancingLead]) -> list[LeadRow]:
    """Each lead with its records (one query for all), summarized."""
    by_lead: dict[int, list[LeadRecord]] = defaultdict(list)
    if leads:
        for record in await LeadRecord.filter(lead_id__in=[lead.pk for lead in leads]).order_by("id") \
                .prefetch_related("recorded_by"):
            by_lead[record.lead_id].append(record)
    return [summarize(lead, by_lead[lead.pk]) for lead in leads]


def _page(query: QuerySet[FinancingLead], filters: LeadFilters) -> QuerySet[FinancingLead]:
    return (query.order_by("-stage_changed_at", "-id").offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
            .select_related("enterprise", "institution", "need", "product"))


async def pipeline(institution: Organization, filters: LeadFilters) -> tuple[list[LeadRow], int]:
    """One page of the institution's leads, most recently moved first, and how many match."""
    query = filtered(FinancingLead.filter(institution_id=institution.pk), filters)
    return await rows_of(await _page(query, filters)), await query.count()


def overdue_query(query: QuerySet[FinancingLead], now: datetime | None = None) -> QuerySet[FinancingLead]:
    """Open leads whose stage has not changed for 30 days after a meeting they had."""
    bound = db_time((now or utc_now()) - timedelta(days=OVERDUE_DAYS))
    met = LeadLink.filter(meeting__ends_at__lt=bound).values("lead_id")
    return query.filter(stage__in=stages.OPEN_STAGES, stage_changed_at__lt=bound, id__in=Subquery(met))


async def overdue(institution: Organization, *, limit: int = 100) -> list[LeadRow]:
    query = overdue_query(FinancingLead.filter(institution_id=institution.pk))
    return await rows_of(await query.order_by("stage_changed_at").limit(limit)
                         .select_related("enterprise", "institution", "need", "product"))


def organizer_scope(organizer: Organization) -> QuerySet[FinancingLead]:
    """The leads an organizer follows: those joined at its events, and claims (抢单, platform-wide,
    as on the organizer's claims list)."""
    own_events = Event.filter(organizer_id=organizer.pk).values("id")
    at_events = LeadLink.filter(event_id__in=Subquery(own_events)).values("lead_id")
    with_event = LeadLink.filter(event_id__isnull=False).values("lead_id")
    return FinancingLead.filter(Q(id__in=Subquery(at_events)) | ~Q(id__in=Subquery(with_event)))


async def organizer_leads(organizer: Organization, filters: LeadFilters) -> tuple[list[LeadRow], int]:
    query = filtered(organizer_scope(organizer), filters)
    return await rows_of(await _page(query, filters)), await query.count()


async def organizer_overdue(organizer: Organization, *, limit: int = 100) -> list[LeadRow]:
    query = overdue_query(organizer_scope(organizer))
    return await rows_of(await query.order_by("stage_changed_at").limit(limit)
                         .select_related("enterprise", "institution", "need", "product"))


async def organizer_disputed(organizer: Organization, *, limit: int = 100) -> list[LeadRow]:
    disputed = LeadRecord.filter(confirmation=Confirmation.DISPUTED, superseded=False).values("lead_id")
    query = organizer_scope(organizer).filter(id__in=Subquery(disputed))
    return await rows_of(await query.order_by("-stage_changed_at").limit(limit)
                         .select_related("enterprise", "institution", "need", "product"))


async def enterprise_leads(enterprise: Organization) -> list[LeadRow]:
    leads = await (FinancingLead.filter(enterprise_id=enterprise.pk).order_by("-stage_changed_at", "-id")
                   .select_related("enterprise", "institution", "need", "product"))
    return await rows_of(leads)


async def lead_rows(lead: FinancingLead) -> LeadRow:
    return (await rows_of([lead]))[0]


async def lead_meetings(lead: FinancingLead) -> list[Meeting]:
    ids = await LeadLink.filter(lead_id=lead.pk, meeting_id__isnull=False).values_list("meeting_id", flat=True)
    return await Meeting.filter(id__in=list(ids)).order_by("starts_at").select_related("event") if ids else []


async def lead_events(lead: FinancingLead) -> list[Event]:
    ids = await LeadLink.filter(lead_id=lead.pk, event_id__isnull=False).values_list("event_id", flat=True)
    return await Event.filter(id__in=list(set(ids))).order_by("id") if ids else []


@dataclass(frozen=True)
class FilterChoices:
    events: list[Event]
    products: list[Product]
    members: list[tuple[int, str]]
    stages: dict[str, str]


async def institution_choices(institution: Organization) -> FilterChoices:
    event_ids = LeadLink.filter(lead__institution_id=institution.pk, event_id__isnull=False).values("event_id")
    events = await Event.filter(id__in=Subquery(event_ids)).order_by("-id")
    products = await Product.filter(organization_id=institution.pk).order_by("name")
    members = await Membership.filter(organization_id=institution.pk).select_related("user").order_by("user_id")
    return FilterChoices(events, products, [(m.user_id, m.user.name) for m in members],
                         {s.value: label for s, label in stages.STAGE_LABELS.items()})


async def organizer_choices(organizer: Organization) -> FilterChoices:
    events = await Event.filter(organizer_id=organizer.pk).order_by("-id")
    return FilterChoices(events, [], [], {s.value: label for s, label in stages.STAGE_LABELS.items()})


@dataclass(frozen=True)
class PipelineCounts:
    by_stage: dict[str, int]
    total: int
    overdue: int
    awaiting: int  # records the enterprise reported, awaiting the institution's confirmation
    disputed: int


async def institution_counts(institution: Organization) -> PipelineCounts:
    rows = await (FinancingLead.filter(institution_id=institution.pk).annotate(n=Count("id"))
                  .group_by("stage").values_list("stage", "n"))
    by_stage = {stages.STAGE_LABELS[LeadStage(s)]: n for s, n in rows}
    ordered = {label: by_stage.get(label, 0) for label in stages.STAGE_LABELS.values()}
    live = LeadRecord.filter(lead__institution_id=institution.pk, superseded=False)
    return PipelineCounts(
        ordered, sum(by_stage.values()),
        await overdue_query(FinancingLead.filter(institution_id=institution.pk)).count(),
        await live.filter(recorded_side=Side.ENTERPRISE, confirmation=Confirmation.PENDING).count(),
        await live.filter(confirmation=Confirmation.DISPUTED).count())
