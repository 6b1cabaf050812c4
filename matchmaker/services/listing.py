"""Long lists, one page at a time: a filter by state with the count of each state (over the
whole list, so the tabs say what is behind them) and paging. Every domain's long list (the
organizer's registrations and requests, the enterprise library, the outbox) goes through
`state_listing`, so their pages behave alike."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from tortoise.functions import Count
from tortoise.queryset import QuerySet

PER_PAGE = 50


@dataclass(frozen=True)
class Listing:
    items: list[Any]
    total: int  # rows under the chosen filter
    page: int
    per_page: int
    state: str  # "" for all
    counts: dict[str, int] = field(default_factory=dict)  # every state's rows, whatever the filter
    overall: int | None = None  # all rows, when a row may count under several states

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def all_count(self) -> int:
        return self.overall if self.overall is not None else sum(self.counts.values())

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when there is none)."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def page_number(raw: object) -> int:
    """The page asked for: a positive integer, else the first page."""
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return 1
    return max(1, number)


async def state_counts(query: QuerySet, field_name: str = "state") -> dict[str, int]:
    rows = await query.annotate(n=Count("id")).group_by(field_name).values(field_name, "n")
    return {getattr(row[field_name], "value", row[field_name]): row["n"] for row in rows}


async def state_listing(query: QuerySet, *, states: Iterable[str], state: object, page: object,
                        order_by: Sequence[str], prefetch: Sequence[str] = (), field_name: str = "state",
                        per_page: int = PER_PAGE) -> Listing:
    """One page of `query` (already scoped to its tenant), filtered to `state` when it is one of
    `states`; a page past the end shows the last page."""
    counts = await state_counts(query, field_name)
    chosen = str(state or "")
    chosen = chosen if chosen in set(states) else ""
    filtered = query.filter(**{field_name: chosen}) if chosen else query
    total = counts.get(chosen, 0) if chosen else sum(counts.values())
    number = min(page_number(page), max(1, math.ceil(total / per_page)))
    items = await filtered.order_by(*order_by).offset((number - 1) * per_page).limit(per_page) \
        .prefetch_related(*prefetch)
    return Listing(items=list(items), total=total, page=number, per_page=per_page, state=chosen, counts=counts)


def listing_of(rows: Sequence[Any], *, page: object, state: str = "", counts: dict[str, int] | None = None,
               overall: int | None = None, per_page: int = PER_PAGE) -> Listing:
    """The same page for rows already filtered in Python (e.g. by a JSON list column)."""
    total = len(rows)
    number = min(page_number(page), max(1, math.ceil(total / per_page)))
    start = (number - 1) * per_page
    return Listing(items=list(rows[start:start + per_page]), total=total, page=number, per_page=per_page,
                   state=state, counts=dict(counts or {}), overall=overall)
