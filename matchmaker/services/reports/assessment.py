"""考核 settings and views: the organizer sets a programme's indicators and weights; an
institution reads its own figures and rank in the programmes it took part in."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import Event, Organization, Programme, Registration, RegistrationStatus, User
from matchmaker.services.audit import audit
from matchmaker.services.reports.programmes import get_programme
from matchmaker.services.tenancy import row_id
from matchmaker.stats.assessment import INDICATORS, Scored, check_weights


def read_weights_form(values: dict[str, str]) -> dict[str, float]:
    """Weights from the form (`w_<indicator>`; blank means 0), InvalidInput beside each bad one."""
    weights, problems = {}, {}
    for indicator in INDICATORS:
        text = values.get(f"w_{indicator.key}", "").strip() or "0"
        try:
            weights[indicator.key] = float(text)
        except ValueError:
            problems[f"w_{indicator.key}"] = "请填写 0 到 100 之间的数字"
    problems |= {f"w_{key}" if key != "weights" else key: message
                 for key, message in check_weights(weights).items()} if not problems else {}
    if problems:
        raise InvalidInput(problems)
    return {key: value for key, value in weights.items() if value}


async def set_weights(organizer: Organization, programme_id: object, weights: dict[str, float], *,
                      by: User | None) -> Programme:
    programme = await get_programme(organizer, programme_id)
    problems = check_weights(weights)
    if problems:
        raise InvalidInput(problems)
    async with in_transaction():
        before = dict(programme.assessment_weights or {})
        programme.assessment_weights = dict(weights)
        await programme.save(update_fields=["assessment_weights"])
        await audit(by, "programme.weights", programme, organization=organizer, before=before, after=dict(weights))
    return programme


async def institution_programmes(institution: Organization) -> list[Programme]:
    """Programmes with an event the institution was approved at."""
    event_ids = await Registration.filter(organization_id=institution.pk,
                                          status=RegistrationStatus.APPROVED).values_list("event_id", flat=True)
    programme_ids = await Event.filter(id__in=list(event_ids), programme_id__not_isnull=True).values_list(
        "programme_id", flat=True)
    return await Programme.filter(id__in=list(set(programme_ids))).order_by("-starts_on", "-id")


async def institution_programme(institution: Organization, programme_id: object) -> Programme:
    key = row_id(programme_id)
    if key not in {p.pk for p in await institution_programmes(institution)}:
        raise NotFound()
    return await Programme.get(id=key)


@dataclass(frozen=True)
class OwnStanding:
    scored: Scored | None
    assessed: int  # how many institutions were ranked


def own_standing(ranking: tuple[Scored, ...], institution: Organization) -> OwnStanding:
    """What an institution sees of a ranking: its own line and how many were ranked."""
    return OwnStanding(scored=next((s for s in ranking if s.institution_id == institution.pk), None),
                       assessed=len(ranking))
