"""Hall tables: automatic labels in kind-then-name order, kept at publication, edited all or
nothing, unique per hall; agendas and calendars show them."""

from __future__ import annotations

import pytest

from matchmaker.errors import InvalidInput
from matchmaker.models import HallTable
from matchmaker.services.eventday.tables import (
    assign_hall_tables,
    auto_label,
    hall_tables,
    renumber_hall_tables,
    save_hall_tables,
)
from matchmaker.services.scheduling.agendas import agenda_entries, calendar_meetings, participant_meetings
from matchmaker.services.scheduling.agendas import current_version
from matchmaker.mail.compose import format_place
from tests.services.eventday.checkin_seed import desk_event


def test_automatic_labels_run_a01_to_a99_then_b01():
    assert [auto_label(n) for n in (1, 2, 99, 100, 101)] == ["A01", "A02", "A99", "B01", "B02"]


async def test_tables_are_labelled_by_kind_then_name_and_saved_at_assignment(db, make_organization):
    seeded = await desk_event(make_organization)

    provisional = await hall_tables(seeded.event)
    saved = await assign_hall_tables(seeded.event, by=seeded.organizer)

    # Banks come before guarantors (kind order), whatever their names.
    assert [(s.institution_name, s.table, s.label, s.saved) for s in provisional] == [
        ("星河银行", 1, "A01", False), ("星河银行", 2, "A02", False), ("星河担保", 1, "A03", False)]
    assert saved == 3
    assert [s.saved for s in await hall_tables(seeded.event)] == [True, True, True]
    assert await assign_hall_tables(seeded.event, by=seeded.organizer) == 0


async def test_agendas_mails_and_calendars_show_the_label(db, make_organization):
    seeded = await desk_event(make_organization)
    await save_hall_tables(seeded.event, {f"{seeded.bank.pk}-2": ("", "a07")}, by=seeded.organizer)
    version = await current_version(seeded.event)

    [entry] = await agenda_entries(await participant_meetings(version, seeded.alpha.pk), seeded.alpha.pk)
    [meeting] = calendar_meetings(seeded.event, [entry], sequence=1, language="zh")

    assert entry.line.label == "A07"
    assert format_place(entry.line, "zh") == "桌号 A07" and format_place(entry.line, "en") == "Table A07"
    assert meeting.location == "星河国际会议中心 A07"


async def test_a_label_used_twice_in_a_hall_is_refused_and_nothing_changes(db, make_organization):
    seeded = await desk_event(make_organization)
    await assign_hall_tables(seeded.event, by=seeded.organizer)

    with pytest.raises(InvalidInput) as bad:
        await save_hall_tables(seeded.event, {f"{seeded.bank.pk}-1": ("", "A05"), f"{seeded.guarantor.pk}-1": ("", "a05"),
                                              f"{seeded.bank.pk}-2": ("", " ")}, by=seeded.organizer)

    assert bad.value.problems == {f"label-{seeded.guarantor.pk}-1": "桌号 A05 在同一会场已用于星河银行",
                                  f"label-{seeded.bank.pk}-2": "请填写桌号"}
    assert sorted(await HallTable.filter(event=seeded.event).values_list("label", flat=True)) == ["A01", "A02", "A03"]


async def test_swapping_two_labels_and_renumbering(db, make_organization):
    seeded = await desk_event(make_organization)
    await assign_hall_tables(seeded.event, by=seeded.organizer)

    await save_hall_tables(seeded.event, {f"{seeded.bank.pk}-1": ("", "A03"), f"{seeded.guarantor.pk}-1": ("", "A01")},
                           by=seeded.organizer)
    swapped = [(s.institution_name, s.label) for s in await hall_tables(seeded.event)]
    await renumber_hall_tables(seeded.event, by=seeded.organizer)

    assert swapped == [("星河银行", "A03"), ("星河银行", "A02"), ("星河担保", "A01")]
    assert [s.label for s in await hall_tables(seeded.event)] == ["A01", "A02", "A03"]
