"""Hall tables: the label printed on the floor plan for every table an institution staffs
(A01, A02 …), so that an attendee finds the physical table (DESIGN §3 Venue).

Every approved institution gets one label per table it brings (`max(1, tables)`, as the
problem export counts them). Labels are given automatically in a fixed order (institution kind,
then name), are saved when a schedule version is first published, and can be edited on the
venue page. A label is unique in its hall; "" is the event's main hall (its venue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput
from matchmaker.models import (
    INSTITUTION_KINDS,
    Event,
    HallTable,
    Organization,
    OrganizationKind,
    Registration,
    RegistrationStatus,
    User,
)
from matchmaker.services.audit import audit

LABEL_MAX = 16
KIND_ORDER = {kind: index for index, kind in enumerate(OrganizationKind)}


@dataclass(frozen=True)
class TableSeat:
    """One staffed table of one institution with its hall and label (`saved`: stored, not a
    provisional automatic label)."""

    institution_id: int
    institution_name: str
    kind: OrganizationKind
    table: int
    hall: str
    label: str
    saved: bool

    @property
    def key(self) -> str:
        return f"{self.institution_id}-{self.table}"


def auto_label(number: int) -> str:
    """A01 … A99, B01 … B99, …: rows of a hundred tables, as a floor plan numbers them."""
    row, seat = divmod(number - 1, 99)
    return f"{chr(ord('A') + row % 26)}{seat + 1:02d}"


def place_text(event: Event, seat: TableSeat | None) -> str:
    """Where a table is, for a calendar LOCATION: `星河国际会议中心 A07` (with its hall if any)."""
    if seat is None:
        return event.venue
    return " ".join(part for part in (event.venue, seat.hall, seat.label) if part)


async def _staffed(event_id: int) -> list[tuple[Organization, int]]:
    """Approved institutions of the event in label order, with how many tables each staffs."""
    rows = await Registration.filter(event_id=event_id, status=RegistrationStatus.APPROVED,
                                     organization__kind__in=list(INSTITUTION_KINDS)).prefetch_related("organization")
    rows.sort(key=lambda r: (KIND_ORDER[r.organization.kind], r.organization.name, r.organization_id))
    return [(r.organization, max(1, r.tables)) for r in rows]


async def hall_tables(event: Event | int) -> list[TableSeat]:
    """Every staffed table of the event in label order: stored labels, and for tables without
    one the next free automatic label of the main hall."""
    event_id = event if isinstance(event, int) else event.pk
    staffed = await _staffed(event_id)
    stored = {(row.institution_id, row.table): row for row in await HallTable.filter(event_id=event_id)}
    taken = {(row.hall, row.label) for row in stored.values()}
    seats: list[TableSeat] = []
    number = 0
    for institution, tables in staffed:
        for table in range(1, tables + 1):
            row = stored.get((institution.pk, table))
            if row is not None:
                seats.append(TableSeat(institution.pk, institution.name, institution.kind, table, row.hall,
                                       row.label, True))
                continue
            number += 1
            while ("", auto_label(number)) in taken:
                number += 1
            taken.add(("", auto_label(number)))
            seats.append(TableSeat(institution.pk, institution.name, institution.kind, table, "",
                                   auto_label(number), False))
    return seats


async def table_seats(event: Event | int) -> dict[tuple[int, int], TableSeat]:
    """(institution id, table number) -> its seat, for agendas, plans and calendars."""
    return {(seat.institution_id, seat.table): seat for seat in await hall_tables(event)}


async def assign_hall_tables(event: Event, *, by: User | None) -> int:
    """Save the automatic label of every table that has none yet; returns how many were saved.
    Called when a schedule is published (inside its transaction) so that printed agendas keep
    their labels when more institutions are approved later."""
    missing = [seat for seat in await hall_tables(event) if not seat.saved]
    if not missing:
        return 0
    async with in_transaction():
        for seat in missing:
            await HallTable.create(event_id=event.pk, institution_id=seat.institution_id, table=seat.table,
                                   hall=seat.hall, label=seat.label)
        await audit(by, "venue.assign", event, after={"labels": {s.key: s.label for s in missing}})
    return len(missing)


async def renumber_hall_tables(event: Event, *, by: User | None) -> int:
    """Forget every stored label and give all tables the automatic ones again, in order."""
    async with in_transaction():
        before = {f"{r.institution_id}-{r.table}": r.label for r in await HallTable.filter(event_id=event.pk)}
        await HallTable.filter(event_id=event.pk).delete()
        seats = await hall_tables(event)
        for seat in seats:
            await HallTable.create(event_id=event.pk, institution_id=seat.institution_id, table=seat.table,
                                   hall=seat.hall, label=seat.label)
        await audit(by, "venue.renumber", event, before={"labels": before},
                    after={"labels": {s.key: s.label for s in seats}})
    return len(seats)


def _clean_label(raw: str) -> str:
    return "".join(raw.split()).upper()


async def save_hall_tables(event: Event, entries: Mapping[str, tuple[str, str]], *, by: User | None) -> None:
    """Store the organizer's hall and label for tables keyed `institution-table`, all or nothing.

    Every table of the event is checked together (the submitted ones and the others as they
    are), so a label already used by another table of the same hall is refused beside the field.
    """
    seats = await hall_tables(event)
    halls = {""} | {hall["name"] for hall in event.halls}
    wanted = {seat.key: (seat.hall, seat.label) for seat in seats}
    problems: dict[str, str] = {}
    for key, (hall, raw) in entries.items():
        if key not in wanted:
            problems[f"label-{key}"] = "该洽谈桌不属于本活动"
            continue
        label = _clean_label(raw)
        if not label:
            problems[f"label-{key}"] = "请填写桌号"
        elif len(label) > LABEL_MAX:
            problems[f"label-{key}"] = f"桌号最多 {LABEL_MAX} 个字符"
        if hall not in halls:
            problems[f"label-{key}"] = "请选择本活动的会场"
        wanted[key] = (hall, label)
    owners: dict[tuple[str, str], str] = {}
    names = {seat.key: seat.institution_name for seat in seats}
    for key, place in wanted.items():
        if place in owners and place[1]:
            problems.setdefault(f"label-{key}", f"桌号 {place[1]} 在同一会场已用于{names[owners[place]]}")
        owners.setdefault(place, key)
    if problems:
        raise InvalidInput(problems, "桌号有误，请按提示修改")
    before = {seat.key: [seat.hall, seat.label] for seat in seats if seat.saved}
    async with in_transaction():
        # Delete then create: swapping two labels would otherwise hit the hall's unique label.
        await HallTable.filter(event_id=event.pk).delete()
        for seat in seats:
            hall, label = wanted[seat.key]
            await HallTable.create(event_id=event.pk, institution_id=seat.institution_id, table=seat.table,
                                   hall=hall, label=label)
        await audit(by, "venue.update", event, before={"labels": before},
                    after={"labels": {key: list(place) for key, place in wanted.items()}})
