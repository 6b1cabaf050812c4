"""The live board of an event day: every table in the current and the next slot, check-in
counts by side, the chase list and the problems the organizer should walk over to.

A table cell is `free`, `meeting` (planned, in progress or coming), `held` or `no_show`.
Problems: an institution with a meeting now or next that has not checked in (its table is
empty), and a checked-in enterprise whose counterpart now or next is absent (not checked in,
or marked no-show on the institution's side).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from matchmaker.models import Event, HallTable, Meeting, MeetingState, Organization, Registration, RegistrationStatus
from matchmaker.services.clock import utc_now
from matchmaker.services.eventday.chase import ChaseEntry, chase_list, checked_in_ids, day_meetings, today
from matchmaker.services.events.setup import event_slots
from matchmaker.services.events.slots import Slot
from matchmaker.services.scheduling.agendas import current_version


@dataclass(frozen=True)
class Cell:
    status: str  # free | meeting | held | no_show
    meeting: Meeting | None = None
    enterprise: str = ""
    waiting: bool = False  # the enterprise has not checked in


@dataclass(frozen=True)
class TableRow:
    label: str
    institution: str
    present: bool
    now: Cell
    next: Cell


@dataclass(frozen=True)
class Problem:
    kind: str  # table_empty | counterpart_absent
    text: str


@dataclass
class LiveBoard:
    event: Event
    at: datetime
    version_number: int | None
    current: Slot | None
    next: Slot | None
    rows: list[TableRow] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # side -> (checked in, approved)
    chase: list[ChaseEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def fingerprint(self) -> str:
        """Changes whenever anything the board shows changes (not the clock alone)."""
        state = [self.version_number, self.current and self.current.id, self.next and self.next.id,
                 [(r.label, r.present, r.now.status, r.now.enterprise, r.now.waiting, r.next.status,
                   r.next.enterprise) for r in self.rows], sorted(self.counts.items()),
                 [(c.organization.pk, c.reminded) for c in self.chase], [p.text for p in self.problems]]
        return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:16]


def current_and_next(slots: list[Slot], now: datetime) -> tuple[Slot | None, Slot | None]:
    current = next((s for s in slots if s.start <= now < s.end), None)
    upcoming = next((s for s in slots if s.start > now), None)
    return current, upcoming


def _cell(meeting: Meeting | None, names: dict[int, str], present: set[int]) -> Cell:
    if meeting is None:
        return Cell("free")
    status = {MeetingState.HELD: "held", MeetingState.NO_SHOW: "no_show"}.get(meeting.state, "meeting")
    return Cell(status, meeting, names.get(meeting.enterprise_id, ""),
                waiting=status == "meeting" and meeting.enterprise_id not in present)


async def live_board(event: Event, *, viewer: Organization, now: datetime | None = None) -> LiveBoard:
    now = now or utc_now()
    day = today(now)
    current, upcoming = current_and_next(event_slots(event), now)
    version = await current_version(event)
    board = LiveBoard(event, now, version.published_number if version else None, current, upcoming)
    registrations = await Registration.filter(event=event, status=RegistrationStatus.APPROVED) \
        .prefetch_related("organization")
    present = await checked_in_ids(event, day)
    enterprises = [r for r in registrations if r.organization.kind == "enterprise"]
    institutions = [r for r in registrations if r.organization.kind != "enterprise"]
    board.counts = {"enterprise": (sum(r.organization_id in present for r in enterprises), len(enterprises)),
                    "institution": (sum(r.organization_id in present for r in institutions), len(institutions))}
    meetings = await day_meetings(event, day) if version else []
    names = {r.organization_id: r.organization.name for r in registrations}
    names.update(dict(await Organization.filter(id__in={m.enterprise_id for m in meetings}
                                                | {m.institution_id for m in meetings}).values_list("id", "name")))
    at = {(m.institution_id, m.table, m.slot): m for m in meetings}
    labels = {(h.institution_id, h.table): h.label for h in await HallTable.filter(event=event)}
    for registration in sorted(institutions, key=lambda r: r.organization.name):
        pk = registration.organization_id
        for table in range(1, max(1, registration.tables) + 1):
            label = labels.get((pk, table)) or f"第 {table} 桌"
            board.rows.append(TableRow(
                label, registration.organization.name, pk in present,
                _cell(at.get((pk, table, current.id)) if current else None, names, present),
                _cell(at.get((pk, table, upcoming.id)) if upcoming else None, names, present)))
    board.rows.sort(key=lambda r: (r.label if r.label[0] != "第" else "~" + r.institution, r.institution))
    soon = {s.id for s in (current, upcoming) if s}
    empty_tables: dict[int, int] = {}
    for m in meetings:
        if m.slot in soon and m.state == MeetingState.PLANNED and m.institution_id not in present:
            empty_tables[m.institution_id] = empty_tables.get(m.institution_id, 0) + 1
    for pk, count in sorted(empty_tables.items(), key=lambda item: names.get(item[0], "")):
        board.problems.append(Problem("table_empty", f"{names.get(pk, '')}尚未签到，本时段与下一时段有 {count} 场洽谈的桌位空着"))
    for m in meetings:
        if m.slot in soon and m.enterprise_id in present and (
                (m.state == MeetingState.PLANNED and m.institution_id not in present)
                or (m.state == MeetingState.NO_SHOW and m.absent_side in ("institution", "both"))):
            when = "本时段" if current and m.slot == current.id else "下一时段"
            board.problems.append(Problem("counterpart_absent",
                                          f"{names.get(m.enterprise_id, '')}已到场，{when}的对方{names.get(m.institution_id, '')}未到"))
    board.chase = await chase_list(event, viewer=viewer, now=now)
    return board
