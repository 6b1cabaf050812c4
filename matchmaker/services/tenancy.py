"""Tenant scoping: every query of tenant data goes through here.

An object of another organization is reported exactly like a missing one (NotFound -> 404), so
that nobody can probe which ids exist.
"""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from matchmaker.errors import NotFound
from matchmaker.models import Organization

M = TypeVar("M", bound=Model)


def scoped(model: type[M], organization: Organization, *, via: str = "organization") -> QuerySet[M]:
    """All rows of `model` that belong to `organization` (through the foreign key named `via`)."""
    return model.filter(**{f"{via}_id": organization.pk})


async def get_scoped(model: type[M], organization: Organization, pk: object, *, via: str = "organization") -> M:
    try:
        key = int(pk)  # ids in URLs are integers; anything else cannot name a row
    except (TypeError, ValueError):
        raise NotFound() from None
    row = await scoped(model, organization, via=via).get_or_none(pk=key)
    if row is None:
        raise NotFound()
    return row
