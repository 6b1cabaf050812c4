"""E-mails about meeting requests, to every member of the organization the in-app message goes
to. Called next to `notify` inside the transaction that changes the request, so the mail exists
exactly when the change does (the outbox sends it later)."""

from __future__ import annotations

from datetime import datetime

from matchmaker.mail.compose import RequestAnsweredMail, RequestExpiredMail, RequestReceivedMail
from matchmaker.models import Event, MeetingRequest, Organization
from matchmaker.services.scheduling.agendas import members, reader_language, topic_of
from matchmaker.services.mailing.identity import mail_identity
from matchmaker.services.mailing.notification_mail import Recipient, queue_notification_mail


async def _topic(request: MeetingRequest) -> str:
    await request.fetch_related("need", "product")
    return topic_of(request.need.title if request.need else "", request.product.name if request.product else "")


async def _mail_members(organization_id: int, request: MeetingRequest, event: Event, build) -> None:  # type: ignore[no-untyped-def]
    for user in await members(organization_id):
        await queue_notification_mail(
            build(user.name), recipient=Recipient(user.email, user.name, reader_language(user)),
            request_id=request.pk, domain=mail_identity().domain, organization_id=event.organizer_id,
            event_id=event.pk)


def _requests_url(event: Event) -> str:
    return mail_identity().link(f"/events/{event.pk}/requests")


async def mail_request_received(request: MeetingRequest, event: Event, *, asker: Organization,
                                receiver: Organization) -> None:
    topic = await _topic(request)
    await _mail_members(receiver.pk, request, event, lambda name: RequestReceivedMail(
        participant_name=name, event_title=event.title, requester=asker.name, topic=topic,
        respond_by=event.answer_deadline, respond_url=_requests_url(event), note=request.message))


async def mail_request_answered(request: MeetingRequest, event: Event, *, receiver: Organization,
                                asker_id: int, accepted: bool) -> None:
    topic = await _topic(request)
    await _mail_members(asker_id, request, event, lambda name: RequestAnsweredMail(
        participant_name=name, event_title=event.title, counterpart=receiver.name, topic=topic,
        accepted=accepted, requests_url=_requests_url(event), reason=request.answer_reason))


async def mail_request_expired(request: MeetingRequest, event: Event, *, asker: Organization,
                               receiver: Organization, expired_at: datetime) -> None:
    """Only the asker is mailed: the template says "your request got no answer"; the receiver,
    who let it lapse, keeps the in-app message."""
    topic = await _topic(request)
    await _mail_members(asker.pk, request, event, lambda name: RequestExpiredMail(
        participant_name=name, event_title=event.title, counterpart=receiver.name, topic=topic,
        expired_at=expired_at, requests_url=_requests_url(event)))
