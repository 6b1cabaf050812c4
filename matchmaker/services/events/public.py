"""What an event's public page shows about its participants: approved institutions and the
published products their representatives cover."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.models import Event, Organization, Product, PublicationStatus, Registration, RegistrationStatus
from matchmaker.services.events.registrations import side_of


@dataclass(frozen=True)
class ParticipatingInstitution:
    organization: Organization
    tables: int
    products: list[Product]


async def participating_institutions(event: Event) -> list[ParticipatingInstitution]:
    approved = await Registration.filter(event=event, status=RegistrationStatus.APPROVED).order_by(
        "id").prefetch_related("organization")
    result = []
    for registration in approved:
        if side_of(registration.organization) != "institution":
            continue
        covered = {pid for person in registration.representatives for pid in person.get("product_ids", [])}
        products = await Product.filter(organization=registration.organization, status=PublicationStatus.PUBLISHED,
                                        **({"id__in": covered} if covered else {})).order_by("id")
        result.append(ParticipatingInstitution(registration.organization, registration.tables, products))
    return result
