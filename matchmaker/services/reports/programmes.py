"""Programmes (常态化对接活动): an organizer groups its events into a named series with a period,
and names the partner departments that may read its statistics. An event belongs to at most
one programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import Event, Organization, OrganizationKind, Programme, ProgrammePartner, User
from matchmaker.services.audit import audit
from matchmaker.services.tenancy import get_scoped, row_id, scoped


@dataclass(frozen=True)
class ProgrammeDraft:
    name: str
    starts_on: date
    ends_on: date
    description: str = ""


def read_programme_form(values: dict[str, str]) -> ProgrammeDraft:
    """The organizer's programme form, checked field by field (InvalidInput with every problem)."""
    problems: dict[str, str] = {}
    name = values.get("name", "").strip()
    if not name:
        problems["name"] = "请填写专项活动名称"
    elif len(name) > 120:
        problems["name"] = "名称不能超过 120 个字"
    days = {}
    for key, label in (("starts_on", "开始日期"), ("ends_on", "结束日期")):
        try:
            days[key] = date.fromisoformat(values.get(key, "").strip())
        except ValueError:
            problems[key] = f"请填写{label}（如 2026-01-01）"
    if not problems and days["ends_on"] < days["starts_on"]:
        problems["ends_on"] = "结束日期不能早于开始日期"
    description = values.get("description", "").strip()
    if len(description) > 2000:
        problems["description"] = "说明不能超过 2000 个字"
    if problems:
        raise InvalidInput(problems)
    return ProgrammeDraft(name=name, starts_on=days["starts_on"], ends_on=days["ends_on"], description=description)


async def list_programmes(organizer: Organization) -> list[Programme]:
    return await scoped(Programme, organizer, via="organizer").order_by("-starts_on", "-id")


async def partner_programmes(partner: Organization) -> list[Programme]:
    """The programmes a partner department may read."""
    return await Programme.filter(partners__organization_id=partner.pk).order_by("-starts_on", "-id")


async def get_programme(organizer: Organization, programme_id: object) -> Programme:
    return await get_scoped(Programme, organizer, programme_id, via="organizer")


async def readable_programme(viewer: Organization, programme_id: object) -> Programme:
    """The programme if the viewer organizes it or is one of its partners; NotFound otherwise."""
    key = row_id(programme_id)
    programme = await Programme.get_or_none(id=key).select_related("organizer")
    if programme is None:
        raise NotFound()
    if programme.organizer_id == viewer.pk:
        return programme
    if await ProgrammePartner.filter(programme_id=key, organization_id=viewer.pk).exists():
        return programme
    raise NotFound()


async def _check_events(organizer: Organization, event_ids: list[int], programme: Programme | None) -> list[int]:
    ids = sorted(set(event_ids))
    owned = await scoped(Event, organizer, via="organizer").filter(id__in=ids).values_list("id", "programme_id")
    if len(owned) != len(ids):
        raise InvalidInput({"event_ids": "所选活动不存在"})
    elsewhere = [i for i, p in owned if p is not None and (programme is None or p != programme.pk)]
    if elsewhere:
        titles = await Event.filter(id__in=elsewhere).values_list("title", flat=True)
        raise InvalidInput({"event_ids": f"以下活动已属于其他专项活动：{'、'.join(titles)}"})
    return ids


async def create_programme(organizer: Organization, *, draft: ProgrammeDraft, event_ids: list[int] = (),
                           by: User | None) -> Programme:
    ids = await _check_events(organizer, list(event_ids), None)
    async with in_transaction():
        programme = await Programme.create(organizer=organizer, name=draft.name, starts_on=draft.starts_on,
                                           ends_on=draft.ends_on, description=draft.description)
        await Event.filter(id__in=ids).update(programme_id=programme.pk)
        await audit(by, "programme.create", programme, organization=organizer,
                    after={"name": draft.name, "events": ids})
    return programme


async def update_programme(organizer: Organization, programme_id: object, *, draft: ProgrammeDraft,
                           event_ids: list[int], by: User | None) -> Programme:
    """Rename, re-date and set the events of a programme (events left out leave it)."""
    programme = await get_programme(organizer, programme_id)
    ids = await _check_events(organizer, list(event_ids), programme)
    async with in_transaction():
        before = {"name": programme.name, "starts_on": programme.starts_on.isoformat(),
                  "ends_on": programme.ends_on.isoformat()}
        programme.name, programme.starts_on, programme.ends_on = draft.name, draft.starts_on, draft.ends_on
        programme.description = draft.description
        await programme.save()
        await Event.filter(programme_id=programme.pk).exclude(id__in=ids).update(programme_id=None)
        await Event.filter(id__in=ids).update(programme_id=programme.pk)
        await audit(by, "programme.update", programme, organization=organizer, before=before,
                    after={"name": draft.name, "starts_on": draft.starts_on.isoformat(),
                           "ends_on": draft.ends_on.isoformat(), "events": ids})
    return programme


async def delete_programme(organizer: Organization, programme_id: object, *, by: User | None) -> None:
    """Remove a programme; its events stay, belonging to none."""
    programme = await get_programme(organizer, programme_id)
    async with in_transaction():
        await Event.filter(programme_id=programme.pk).update(programme_id=None)
        await audit(by, "programme.delete", programme, organization=organizer, before={"name": programme.name})
        await programme.delete()


async def event_ids_of(programme: Programme) -> list[int]:
    return list(await Event.filter(programme_id=programme.pk).order_by("id").values_list("id", flat=True))


async def events_for_choice(organizer: Organization) -> list[Event]:
    return await scoped(Event, organizer, via="organizer").order_by("-id")


# -- partner departments -----------------------------------------------------------------------

async def partners_of(programme: Programme) -> list[Organization]:
    partner_ids = ProgrammePartner.filter(programme_id=programme.pk).values("organization_id")
    return await Organization.filter(id__in=Subquery(partner_ids)).order_by("name")


async def government_organizations(organizer: Organization) -> list[Organization]:
    """Departments that may be named partners: government organizations that organize nothing."""
    return await Organization.filter(kind=OrganizationKind.GOVERNMENT, is_organizer=False).exclude(
        id=organizer.pk).order_by("name")


async def add_partner(organizer: Organization, programme_id: object, partner_id: object, *,
                      by: User | None) -> ProgrammePartner:
    programme = await get_programme(organizer, programme_id)
    partner = await Organization.get_or_none(id=row_id(partner_id), kind=OrganizationKind.GOVERNMENT,
                                            is_organizer=False)
    if partner is None:
        raise InvalidInput({"partner_id": "请选择一个政府部门（人行、金融监管局、财政局等）"})
    async with in_transaction():
        link, created = await ProgrammePartner.get_or_create(programme=programme, organization=partner)
        if created:
            await audit(by, "programme.partner.add", programme, organization=organizer,
                        after={"partner": partner.name})
    return link


async def remove_partner(organizer: Organization, programme_id: object, partner_id: object, *,
                         by: User | None) -> None:
    programme = await get_programme(organizer, programme_id)
    async with in_transaction():
        removed = await ProgrammePartner.filter(programme_id=programme.pk, organization_id=row_id(partner_id)).delete()
        if removed:
            await audit(by, "programme.partner.remove", programme, organization=organizer,
                        before={"partner_id": row_id(partner_id)})
