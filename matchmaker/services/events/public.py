"""What an event's public page shows about its participants: approved institutions and the
published products their representatives cover."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.models import INSTITUTION_KINDS, Event, Product, PublicationStatus, Registration, RegistrationStatus


@dataclass(frozen=True)
class ListedProduct:
    name: str
    rate_text: str


@dataclass(frozen=True)
class ParticipatingInstitution:
    name: str
    tables: int
    products: list[ListedProduct]


async def participating_institutions(event: Event) -> list[ParticipatingInstitution]:
    """Two statements, and plain values rather than models: the page shows names only, and
    every participant of an event opens it (the enterprises' registrations are not read)."""
    approved = await Registration.filter(event=event, status=RegistrationStatus.APPROVED,
                                         organization__kind__in=list(INSTITUTION_KINDS)).order_by("id").values_list(
        "organization_id", "organization__name", "tables", "representatives")
    # One query for every institution's published products (not one per institution).
    published = await Product.filter(organization_id__in=[row[0] for row in approved],
                                     status=PublicationStatus.PUBLISHED).order_by("id").values_list(
        "id", "organization_id", "name", "rate_text")
    by_institution: dict[int, list[tuple[int, ListedProduct]]] = {}
    for product_id, organization_id, name, rate_text in published:
        by_institution.setdefault(organization_id, []).append((product_id, ListedProduct(name, rate_text)))
    result = []
    for organization_id, name, tables, representatives in approved:
        covered = {pid for person in representatives for pid in person.get("product_ids", [])}
        products = [product for product_id, product in by_institution.get(organization_id, [])
                    if not covered or product_id in covered]
        result.append(ParticipatingInstitution(name, tables, products))
    return result
