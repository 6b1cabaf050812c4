"""An event as a `matchmaker.schedule-problem/1` document (DESIGN §5) for the scheduler.

Weights. Each accepted request weighs the sum of both sides' priority points, so that mutual
interest weighs most:

    asker \\ receiver   must   want   ok
    must                 20     15    12
    want                 15     10     7
    ok                   12      7     4

(must = 10, want = 5, ok = 2 points per side.) A request the organizer added counts as the
enterprise's own priority plus `want` for the institution.

Coverage bonus. The organizer's fairness setting gives `coverage_bonus` for every enterprise
with at least one meeting. The format has one bonus for all enterprises, so the 首贷户 extra share
(`first_loan_bonus_percent`) is carried by the first-loan enterprises' requests instead: each of
their requests gains `coverage_bonus * percent / 100` divided by the number of their accepted
requests (rounded up), so meeting a first-loan enterprise at all is worth about that much more.

Priority lists. An enterprise on a list the organizer marked for scheduling and ranking priority
(a 守信红名单 or 重点支持名单 valid on the event's first day) gains `PRIORITY_LIST_POINTS` on each
of its requests: one step of priority (like asking "want" instead of "ok"), so that its meetings
are kept first when tables run short.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, time
from typing import Any, NamedTuple

from matchmaker.models import (
    Availability,
    EnterpriseProfile,
    Event,
    MeetingRequest,
    Organization,
    Pitch,
    PitchStatus,
    Priority,
    Registration,
    RegistrationStatus,
    RequestState,
)
from matchmaker.services.events.setup import event_slots
from matchmaker.services.events.registrations import side_of_kind
from matchmaker.services.events.slots import Slot, parse_hhmm, slots_available
from matchmaker.services.registry.lists import priority_lists_of

PROBLEM_FORMAT = "matchmaker.schedule-problem/1"
PRIORITY_POINTS = {Priority.MUST: 10, Priority.WANT: 5, Priority.OK: 2}
#: Added to every request of an enterprise on a valid priority list (red list).
PRIORITY_LIST_POINTS = 3


def request_weight(asker: Priority, receiver: Priority) -> int:
    """The weight of an accepted request from both sides' priorities (see the module table)."""
    return PRIORITY_POINTS[asker] + PRIORITY_POINTS[receiver]


class AcceptedRequest(NamedTuple):
    enterprise_id: int
    institution_id: int
    priority: Priority
    answer_priority: Priority | None
    after_pitch: bool


def enterprise_key(organization_id: int) -> str:
    return f"E{organization_id}"


def institution_key(organization_id: int) -> str:
    return f"I{organization_id}"


def _available(slots: list[Slot], rows: dict[str, Availability]) -> list[str]:
    """Slot ids a participant can meet in; a session without a row is attended whole."""
    result: list[str] = []
    for session in dict.fromkeys(slot.session for slot in slots):
        row = rows.get(session)
        if row is not None and not row.attends:
            continue
        arrive: time | None = parse_hhmm(row.arrive_at) if row and row.arrive_at else None
        leave: time | None = parse_hhmm(row.leave_at) if row and row.leave_at else None
        result.extend(slots_available(slots, session, arrive, leave))
    return result


async def _on_priority_lists(enterprise_ids: set[int], on: date | None) -> set[int]:
    """The enterprises on a priority list (红名单) valid on the event's first day."""
    if not enterprise_ids or on is None:
        return set()
    codes = dict(await Organization.filter(id__in=list(enterprise_ids), uscc__isnull=False).values_list("uscc", "id"))
    return {codes[code] for code in await priority_lists_of(codes, on) if code in codes}


async def export_problem(event: Event) -> dict[str, Any]:
    """The event's approved participants, accepted requests and selected pitches as a problem."""
    slots = event_slots(event)
    # Plain values, not model instances: a province-wide event has thousands of registrations and
    # tens of thousands of requests, and this runs in the web process when the organizer clicks 求解.
    registrations = await Registration.filter(event=event, status=RegistrationStatus.APPROVED).order_by(
        "id").values_list("id", "organization_id", "tables", "organization__kind")
    availability: dict[int, dict[str, Availability]] = defaultdict(dict)
    for row in await Availability.filter(registration_id__in=[r[0] for r in registrations]):
        availability[row.registration_id][row.session] = row
    enterprises, institutions = [], []
    approved_enterprises, approved_institutions = set(), set()
    for registration_id, organization_id, tables, kind in registrations:
        available = _available(slots, availability[registration_id])
        if side_of_kind(kind) == "enterprise":
            approved_enterprises.add(organization_id)
            enterprises.append({"id": enterprise_key(organization_id), "available": available,
                                "max_meetings": event.max_meetings_per_enterprise})
        else:
            approved_institutions.add(organization_id)
            institutions.append({"id": institution_key(organization_id), "tables": max(1, tables),
                                 "available": available, "max_meetings": event.max_meetings_per_institution})
    pitches = [p for p in await Pitch.filter(event=event, status=PitchStatus.SELECTED).order_by("id")
               if p.enterprise_id in approved_enterprises and p.slot in {s.id for s in slots}]
    pitching = {p.enterprise_id for p in pitches}
    accepted = [AcceptedRequest(*row) for row in await MeetingRequest.filter(
        event=event, state=RequestState.ACCEPTED).order_by("id").values_list(
        "enterprise_id", "institution_id", "priority", "answer_priority", "after_pitch")]
    accepted = [r for r in accepted if r.enterprise_id in approved_enterprises
                and r.institution_id in approved_institutions and (not r.after_pitch or r.enterprise_id in pitching)]
    first_loan = set(await EnterpriseProfile.filter(organization_id__in=list(approved_enterprises), first_loan=True
                                                    ).values_list("organization_id", flat=True))
    on_priority_list = await _on_priority_lists(approved_enterprises, slots[0].start.date() if slots else None)
    requests_per_enterprise = defaultdict(int)
    for request in accepted:
        requests_per_enterprise[request.enterprise_id] += 1
    extra = event.coverage_bonus * event.first_loan_bonus_percent / 100
    requests = []
    # One pair may have several accepted requests (one per need): the scheduler meets a pair once,
    # so they are merged and the strongest weight kept.
    merged: dict[tuple[int, int], dict[str, Any]] = {}
    for request in accepted:
        asker = request.priority
        receiver = request.answer_priority or Priority.WANT
        weight = request_weight(asker, receiver)
        if request.enterprise_id in first_loan and extra:
            weight += math.ceil(extra / requests_per_enterprise[request.enterprise_id])
        if request.enterprise_id in on_priority_list:
            weight += PRIORITY_LIST_POINTS
        key = (request.enterprise_id, request.institution_id)
        entry = merged.get(key)
        if entry is None:
            merged[key] = entry = {"enterprise": enterprise_key(request.enterprise_id),
                                   "institution": institution_key(request.institution_id), "weight": weight,
                                   "after_pitch": request.after_pitch}
            requests.append(entry)
        else:
            entry["weight"] = max(entry["weight"], weight)
            entry["after_pitch"] = entry["after_pitch"] and request.after_pitch
    return {
        "format": PROBLEM_FORMAT,
        "event": {"id": event.pk, "title": event.title},
        "slots": [{"id": s.id, "start": s.start.isoformat(), "end": s.end.isoformat()} for s in slots],
        "enterprises": enterprises,
        "institutions": institutions,
        "requests": requests,
        "pitches": [{"enterprise": enterprise_key(p.enterprise_id), "slot": p.slot} for p in pitches],
        "coverage_bonus": event.coverage_bonus,
    }
