"""Whether the published schedule still says what was agreed: after it was published, requests
may have been withdrawn or removed (their meetings are still on the agendas), meetings cancelled,
and new requests accepted (they are on nobody's agenda yet). The organizer's schedule pages show
this ("v1 已过期：1 项撤回，1 项新接受") beside the one-click repair that mends it: the repaired,
published next version drops the withdrawn meetings from every agenda and fits the new ones in."""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.expressions import Q

from matchmaker.models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingState,
    RequestState,
    ScheduleVersion,
    VersionState,
)


@dataclass(frozen=True)
class Staleness:
    version: ScheduleVersion
    withdrawn: list[Meeting] = field(default_factory=list)  # on the agendas, request no longer accepted
    cancelled: list[Meeting] = field(default_factory=list)  # cancelled after publication
    newly_accepted: list[MeetingRequest] = field(default_factory=list)  # accepted since, on no agenda

    @property
    def stale(self) -> bool:
        return bool(self.withdrawn or self.cancelled or self.newly_accepted)


async def published_staleness(event: Event) -> Staleness | None:
    """How the event's published version differs from the requests as they stand (None: nothing
    is published)."""
    version = await ScheduleVersion.get_or_none(event=event, state=VersionState.PUBLISHED)
    if version is None:
        return None
    meetings = await Meeting.filter(version=version).prefetch_related("request", "enterprise", "institution")
    withdrawn = [m for m in meetings if m.state != MeetingState.CANCELLED
                 and (m.request is None or m.request.state != RequestState.ACCEPTED)]
    cancelled = [m for m in meetings if m.state == MeetingState.CANCELLED]
    scheduled = {m.request_id for m in meetings if m.request_id is not None}
    since = version.published_at or version.created_at
    newly_accepted = await (MeetingRequest.filter(event=event, state=RequestState.ACCEPTED)
                            .exclude(id__in=list(scheduled))
                            .filter(Q(answered_at__gt=since) | Q(answered_at__isnull=True, created_at__gt=since))
                            .prefetch_related("enterprise", "institution").order_by("id"))
    return Staleness(version=version, withdrawn=withdrawn, cancelled=cancelled, newly_accepted=list(newly_accepted))
