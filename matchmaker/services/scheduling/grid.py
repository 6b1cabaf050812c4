"""What the organizer's schedule pages show of a version: the grid (slots × tables per
institution), each participant's agenda, and the warnings worth acting on before publishing.
Read only."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from matchmaker.models import Meeting, ScheduleVersion
from matchmaker.services.eventday.tables import table_seats
from matchmaker.services.scheduling.versions import live_meetings, participant_names, version_problem
from matchmaker.services.events.slots import SHANGHAI


@dataclass(frozen=True)
class SlotLabel:
    id: str
    label: str  # 12-08 09:00–09:20


@dataclass
class InstitutionGrid:
    key: str
    name: str
    tables: int
    rows: list[tuple[SlotLabel, list[Meeting | None]]]
    labels: list[str] = field(default_factory=list)  # hall label of table 1..tables


@dataclass
class Agenda:
    key: str
    name: str
    side: str  # enterprise | institution
    meetings: list[Meeting]
    idle_gaps: int


@dataclass
class Warnings:
    without_meeting: list[str] = field(default_factory=list)
    idle: list[tuple[str, int]] = field(default_factory=list)
    overfull: list[tuple[str, int, int]] = field(default_factory=list)  # name, requested, can hold
    unscheduled: list[tuple[str, str, str]] = field(default_factory=list)  # enterprise, institution, reason

    @property
    def count(self) -> int:
        return len(self.without_meeting) + len(self.idle) + len(self.overfull) + len(self.unscheduled)


@dataclass
class VersionView:
    version: ScheduleVersion
    slots: list[SlotLabel]
    grids: list[InstitutionGrid]
    agendas: list[Agenda]
    warnings: Warnings
    names: dict[str, str]
    tables: dict[str, int]
    labels: dict[tuple[int, int], str] = field(default_factory=dict)  # (institution id, table) -> A07

    def label(self, meeting: Meeting) -> str:
        return self.labels.get((meeting.institution_id, meeting.table), "")


def _slot_labels(document: dict[str, Any]) -> list[SlotLabel]:
    labels = []
    for slot in document["slots"]:
        start = datetime.fromisoformat(slot["start"]).astimezone(SHANGHAI)
        end = datetime.fromisoformat(slot["end"]).astimezone(SHANGHAI)
        labels.append(SlotLabel(slot["id"], f"{start:%m-%d %H:%M}–{end:%H:%M}"))
    return labels


def _idle_gaps(busy: set[int], available: set[int]) -> int:
    """Empty available slots between the first and the last meeting (as the checker counts them)."""
    if not busy:
        return 0
    return sum(1 for s in available if min(busy) < s < max(busy) and s not in busy)


def _key_of(meeting: Meeting, side: str) -> str:
    return f"E{meeting.enterprise_id}" if side == "enterprise" else f"I{meeting.institution_id}"


async def version_view(version: ScheduleVersion) -> VersionView:
    document = await version_problem(version)
    run = await version.created_from
    names = await participant_names(document)
    slots = _slot_labels(document)
    position = {slot.id: index for index, slot in enumerate(slots)}
    meetings = await live_meetings(version)
    tables = {p["id"]: p.get("tables", 1) for p in document["institutions"]}
    labels = {pair: seat.label for pair, seat in (await table_seats(version.event_id)).items()}

    grids = []
    for institution in document["institutions"]:
        key = institution["id"]
        cells = {(m.slot, m.table): m for m in meetings if _key_of(m, "institution") == key}
        busy = {slot_id for slot_id, _ in cells}
        rows = [(slot, [cells.get((slot.id, t)) for t in range(1, tables[key] + 1)]) for slot in slots
                if slot.id in institution["available"] or slot.id in busy]
        institution_id = int(key[1:])
        grids.append(InstitutionGrid(key, names[key], tables[key], rows,
                                     [labels.get((institution_id, t), "") for t in range(1, tables[key] + 1)]))

    pitch = {p["enterprise"]: position.get(p["slot"]) for p in document.get("pitches", [])}
    agendas = []
    for side, participants in (("enterprise", document["enterprises"]), ("institution", document["institutions"])):
        for participant in participants:
            key = participant["id"]
            own = sorted((m for m in meetings if _key_of(m, side) == key), key=lambda m: position.get(m.slot, 0))
            available = {position[s] for s in participant["available"] if s in position} - {pitch.get(key)}
            gaps = _idle_gaps({position[m.slot] for m in own if m.slot in position}, available)
            agendas.append(Agenda(key, names[key], side, own, gaps))

    return VersionView(version, slots, grids, agendas, _warnings(document, agendas, run.solution if run else None,
                                                                   names), names, tables, labels)


def _warnings(document: dict[str, Any], agendas: list[Agenda], solution: dict[str, Any] | None,
              names: dict[str, str]) -> Warnings:
    warnings = Warnings()
    warnings.without_meeting = [a.name for a in agendas if a.side == "enterprise" and not a.meetings]
    warnings.idle = [(a.name, a.idle_gaps) for a in agendas if a.idle_gaps]
    demand = Counter(r["institution"] for r in document["requests"])
    for institution in document["institutions"]:
        capacity = institution.get("tables", 1) * len(institution["available"])
        if institution.get("max_meetings") is not None:
            capacity = min(capacity, institution["max_meetings"])
        if demand[institution["id"]] > capacity:
            warnings.overfull.append((names[institution["id"]], demand[institution["id"]], capacity))
    met = {(m.enterprise_id, m.institution_id) for a in agendas for m in a.meetings}
    reasons: dict[tuple[str, str], str] = defaultdict(str)
    for item in (solution or {}).get("unscheduled", []):
        reasons[item["enterprise"], item["institution"]] = item["reason"]
    for request in document["requests"]:
        pair = (int(request["enterprise"][1:]), int(request["institution"][1:]))
        if pair not in met:
            reason = reasons[request["enterprise"], request["institution"]] or "未安排 (not scheduled)"
            warnings.unscheduled.append((names[request["enterprise"]], names[request["institution"]], reason))
    return warnings
