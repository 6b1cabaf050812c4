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
    institutions = [r for r in approved if side_of(r.organization) == "institution"]
    # One query for every institution's published products (not one per institution).
    published = await Product.filter(organization_id__in=[r.organization_id for r in institutions],
                                     status=PublicationStatus.PUBLISHED).order_by("id")
    by_institution: dict[int, list[Product]] = {}
    for product in published:
        by_institution.setdefault(product.organization_id, []).append(product)
    result = []
    for registration in institutions:
        covered = {pid for person in registration.representatives for pid in person.get("product_ids", [])}
        products = [product for product in by_institution.get(registration.organization_id, [])
                    if not covered or product.pk in covered]
        result.append(ParticipatingInstitution(registration.organization, registration.tables, products))
    return result
