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


#: Primary keys are 32-bit integer columns: a larger number names no row (and would overflow the driver).
MAX_ID = 2**31 - 1


def row_id(pk: object) -> int:
    """The integer id in `pk` (from a URL); NotFound for anything that cannot name a row."""
    try:
        key = int(str(pk))
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < key <= MAX_ID:
        raise NotFound()
    return key


async def get_scoped(model: type[M], organization: Organization, pk: object, *, via: str = "organization") -> M:
    key = row_id(pk)
    row = await scoped(model, organization, via=via).get_or_none(pk=key)
    if row is None:
        raise NotFound()
    return row
