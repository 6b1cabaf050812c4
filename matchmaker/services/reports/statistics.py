"""The statistics of one scope (an event or a programme) over one period, for the pages and the
reports alike, so that a figure has one value wherever it is shown."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import Event, Organization, Programme, ProgrammePartner
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.reports import cache
from matchmaker.services.reports.data import event_day, lead_details, load_dataset, load_summed
from matchmaker.services.reports.programmes import event_ids_of, readable_programme
from matchmaker.services.tenancy import row_id
from matchmaker.stats import assessment as stats_assessment
from matchmaker.stats.indicators import LeadFacts, responsiveness_changes_at
from matchmaker.stats.periods import BadPeriod, Period, date_range, parse_period
from matchmaker.stats.rows import Dataset
from matchmaker.stats.summary import (
    Breakdown,
    Headline,
    TrendPoint,
    breakdowns,
    headline,
    monthly_trend,
)


@dataclass(frozen=True)
class Scope:
    kind: str  # event | programme
    id: int
    title: str
    organizer: str
    event_ids: tuple[int, ...]
    default_period: Period
    programme: Programme | None = None
    is_organizer: bool = False  # the viewer runs it (a partner department only reads)


@dataclass(frozen=True)
class Statistics:
    scope: Scope
    period: Period
    headline: Headline
    trend: tuple[TrendPoint, ...]
    breakdowns: dict[str, Breakdown]
    ranking: tuple[stats_assessment.Scored, ...]
    weights: dict[str, float]
    #: The scope's rows without the leads' facts (the database sums them: data.load_summed);
    #: empty when the figures came from the cache, complete with `details` (the workbook's).
    data: Dataset
    facts: tuple[LeadFacts, ...]  # empty, kept for the shape; the files read `lead_rows`
    generated_at: datetime
    overdue_leads: int = 0  # open leads with no step for OVERDUE_DAYS (the 通报's 存在的问题)
    #: The workbook's per-lead sheet (data.lead_details), loaded only when a file asks for it.
    lead_rows: tuple[tuple, ...] = ()


OVERDUE_DAYS = 30  # a lead with no stage recorded for this long after its last step is 逾期未跟进


async def programme_scope(viewer: Organization, programme_id: object) -> Scope:
    programme = await readable_programme(viewer, programme_id)
    return Scope(kind="programme", id=programme.pk, title=programme.name, organizer=programme.organizer.name,
                 event_ids=tuple(await event_ids_of(programme)),
                 default_period=date_range(programme.starts_on, programme.ends_on), programme=programme,
                 is_organizer=programme.organizer_id == viewer.pk)


async def event_scope(viewer: Organization, event_id: object) -> Scope:
    """An event the viewer organizes, or one of a programme the viewer is a partner of."""
    event = await Event.get_or_none(id=row_id(event_id)).select_related("organizer", "programme")
    if event is None:
        raise NotFound()
    is_organizer = event.organizer_id == viewer.pk
    if not is_organizer and not (event.programme_id and await ProgrammePartner.filter(
            programme_id=event.programme_id, organization_id=viewer.pk).exists()):
        raise NotFound()
    programme = event.programme if event.programme_id else None
    day = event_day(event.sessions) or datetime.now(UTC).astimezone(SHANGHAI).date()
    period = (date_range(programme.starts_on, programme.ends_on) if programme
              else date_range(date(day.year, 1, 1), date(day.year, 12, 31)))
    return Scope(kind="event", id=event.pk, title=event.title, organizer=event.organizer.name, event_ids=(event.pk,),
                 default_period=period, programme=programme, is_organizer=is_organizer)


def period_of(scope: Scope, text: str | None) -> Period:
    """The period asked for (`2026-Q4`, `2026-11`, `2026`, `a..b`), the scope's own when blank."""
    if not text or not text.strip():
        return scope.default_period
    try:
        return parse_period(text)
    except BadPeriod as error:
        raise InvalidInput({"period": str(error)}) from None


def weights_of(programme: Programme | None) -> dict[str, float]:
    saved = dict(programme.assessment_weights or {}) if programme else {}
    return saved or dict(stats_assessment.DEFAULT_WEIGHTS)


async def compute(scope: Scope, period: Period, *, now: datetime | None = None,
                  details: bool = False) -> Statistics:
    """Every figure of the scope over the period; `details` adds the workbook's per-lead rows
    and the scope's rows (`data`), which the cache does not keep: the figures alone come from
    the statistics cache (services/reports/cache.py) while they hold, else are computed and
    stored there."""
    now = now or datetime.now(UTC)
    if details:
        return await _with_details(scope, period, now)
    weights = weights_of(scope.programme)
    key = cache.cache_key(scope.kind, scope.id, scope.event_ids, period, weights)
    epoch, figures = await cache.read(key, now)  # the epoch first: see the cache's docstring
    if figures is None:
        statistics = await _computed(scope, period, now)
        if epoch is not None:
            await cache.store(key, epoch, _figures(statistics), computed_at=now,
                              valid_until=_valid_until(statistics.data, now))
        return statistics
    return Statistics(scope=scope, period=period, headline=figures["headline"], trend=figures["trend"],
                      breakdowns=figures["breakdowns"], ranking=figures["ranking"], weights=weights,
                      data=Dataset(), facts=(), generated_at=figures["generated_at"],
                      overdue_leads=figures["overdue_leads"])


async def _with_details(scope: Scope, period: Period, now: datetime) -> Statistics:
    """The figures (the cache's when they hold: the workbook then skips the sums) with the rows
    the workbook's detail sheets list: the per-lead rows, the meetings, the names."""
    statistics = await compute(scope, period, now=now)
    lead_rows = tuple([row async for row in lead_details(scope.event_ids)])
    data = statistics.data
    if not data.events:  # read back from the cache, which keeps no rows
        data = await load_dataset(scope.event_ids, parties=({row[1] for row in lead_rows},
                                                            {row[2] for row in lead_rows}))
    return replace(statistics, data=data, lead_rows=lead_rows)


def _figures(statistics: Statistics) -> dict:
    return {"headline": statistics.headline, "trend": statistics.trend, "breakdowns": statistics.breakdowns,
            "ranking": statistics.ranking, "generated_at": statistics.generated_at,
            "overdue_leads": statistics.overdue_leads}


def _valid_until(data: Dataset, now: datetime) -> datetime:
    """When time alone changes the figures computed at `now`: the overdue cutoff's next day
    (`compute` takes it in UTC), or an open request's deadline passing (responsiveness)."""
    moment = now.astimezone(UTC)
    until = datetime(moment.year, moment.month, moment.day, tzinfo=UTC) + timedelta(days=1)
    deadline = responsiveness_changes_at(data.responses, moment.astimezone(SHANGHAI).replace(tzinfo=None))
    if deadline is not None:
        until = min(until, deadline.replace(tzinfo=SHANGHAI).astimezone(UTC))
    return until


async def _computed(scope: Scope, period: Period, now: datetime) -> Statistics:
    local_now = now.astimezone(SHANGHAI).replace(tzinfo=None)
    weights = weights_of(scope.programme)
    # Summed in SQL, merged for every figure below; the overdue leads counted in the same pass.
    data, groups = await load_summed(scope.event_ids, period,
                                     overdue_before=(now - timedelta(days=OVERDUE_DAYS)).date())
    return Statistics(
        scope=scope, period=period, headline=headline(data, period, now=local_now, groups=groups),
        trend=monthly_trend(data, period, groups=groups),
        breakdowns=breakdowns(data, period, groups=groups),
        ranking=stats_assessment.assess(data, period, weights, now=local_now, groups=groups),
        weights=weights, data=data, facts=(), generated_at=now, overdue_leads=groups.overdue)


async def institution_scope(programme: Programme) -> Scope:
    """A programme as an institution that took part in it sees it (its 考核 only)."""
    organizer = await Organization.get(id=programme.organizer_id)
    return Scope(kind="programme", id=programme.pk, title=programme.name, organizer=organizer.name,
                 event_ids=tuple(await event_ids_of(programme)),
                 default_period=date_range(programme.starts_on, programme.ends_on), programme=programme)
