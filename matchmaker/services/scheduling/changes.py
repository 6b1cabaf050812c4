"""Who gets a new agenda: the difference between two schedule versions, per participant. Pure.

A meeting is identified by its pair (enterprise, institution): a version meets a pair at most
once. Between an earlier and a later version a pair is *added*, *cancelled* (gone, or marked
cancelled) or *moved* (another slot or another table — the table is on the agenda too). Every
change concerns both sides of the pair, so it is listed under the enterprise and the institution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


class PlacedMeeting(Protocol):
    """What a comparison needs of a meeting (a Meeting row fits)."""

    enterprise_id: int
    institution_id: int
    slot: str
    table: int


@dataclass
class ParticipantChanges:
    """The changes in one participant's agenda; `organization` is filled in by the service."""

    organization_id: int
    added: list[Any] = field(default_factory=list)
    moved: list[tuple[Any, Any]] = field(default_factory=list)  # (before, after)
    cancelled: list[Any] = field(default_factory=list)
    organization: Any = None

    @property
    def count(self) -> int:
        return len(self.added) + len(self.moved) + len(self.cancelled)

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "moved": len(self.moved), "cancelled": len(self.cancelled)}


def _by_pair(meetings: Iterable[PlacedMeeting]) -> dict[tuple[int, int], PlacedMeeting]:
    return {(m.enterprise_id, m.institution_id): m for m in meetings}


def compare_meetings(before: Iterable[PlacedMeeting], after: Iterable[PlacedMeeting]) -> list[ParticipantChanges]:
    """Changes from `before` to `after`, one entry per participant whose agenda changed, in
    organization id order. Pass only live meetings (not cancelled ones) on both sides."""
    old, new = _by_pair(before), _by_pair(after)
    changes: dict[int, ParticipantChanges] = {}

    def of(organization_id: int) -> ParticipantChanges:
        return changes.setdefault(organization_id, ParticipantChanges(organization_id))

    for pair in sorted(new.keys() - old.keys()):
        for side in pair:
            of(side).added.append(new[pair])
    for pair in sorted(old.keys() - new.keys()):
        for side in pair:
            of(side).cancelled.append(old[pair])
    for pair in sorted(old.keys() & new.keys()):
        before_meeting, after_meeting = old[pair], new[pair]
        if (before_meeting.slot, before_meeting.table) != (after_meeting.slot, after_meeting.table):
            for side in pair:
                of(side).moved.append((before_meeting, after_meeting))
    return [changes[key] for key in sorted(changes)]
