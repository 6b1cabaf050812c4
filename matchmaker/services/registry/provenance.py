"""Provenance: where each value of an enterprise's profile came from.

One `ProfileValueSource` row per filled field says who put the current value there: the
enterprise itself (企业自报), an organizer's import (which file, under which source name, by whom,
when, and whether the department that holds the data vouches for it: 已核验), the API (which
token) or a stage of the platform (a first disbursement ends 首贷户). Saving a form changes the
source of the fields whose value changed only, so re-saving a page never wipes a verified mark;
an import stamps every field its file fills in, since the file confirms those values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from matchmaker.models import EnterpriseProfile, ProfileValueSource, User, ValueOrigin

SHANGHAI = ZoneInfo("Asia/Shanghai")
ORIGIN_LABELS = {ValueOrigin.SELF: "企业自报", ValueOrigin.IMPORT: "组织方导入", ValueOrigin.API: "API",
                 ValueOrigin.DERIVED: "平台推算"}


@dataclass(frozen=True)
class Source:
    """Where the values of one save come from (see the module docstring)."""

    origin: ValueOrigin = ValueOrigin.SELF
    source: str = ""  # 税务数据 / the token's name / the stage
    file_name: str = ""
    verified: bool = False

    @classmethod
    def imported(cls, file_name: str, *, source: str = "", verified: bool = False) -> Source:
        return cls(ValueOrigin.IMPORT, (source.strip() or file_name)[:120], file_name[:200], verified)

    @classmethod
    def api(cls, token_name: str) -> Source:
        return cls(ValueOrigin.API, token_name[:120])

    @classmethod
    def derived(cls, stage: str) -> Source:
        return cls(ValueOrigin.DERIVED, stage[:120])


SELF = Source()


def flat_snapshot(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """A revision snapshot (qualifications and custom as JSON) as one value per profile column key."""
    flat = {key: value for key, value in snapshot.items() if key not in ("qualifications", "custom")}
    for name, held in (snapshot.get("qualifications") or {}).items():
        flat[f"qual.{name}"] = held.get("obtained") if isinstance(held, dict) else held
        if isinstance(held, dict) and held.get("valid_until"):
            flat[f"qual_valid.{name}"] = held["valid_until"]
    for key, value in (snapshot.get("custom") or {}).items():
        flat[f"custom.{key}"] = value
    return flat


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(fields whose value is new or different, fields emptied) between two flat snapshots."""
    before = before or {}
    keys = set(before) | set(after)
    filled = {k for k in keys if not is_empty(after.get(k)) and before.get(k) != after.get(k)}
    emptied = {k for k in keys if is_empty(after.get(k)) and not is_empty(before.get(k))}
    return filled, emptied


def source_rows(profile_id: int, fields: Iterable[str], source: Source, *, by: User | None,
                at: datetime) -> list[ProfileValueSource]:
    return [ProfileValueSource(profile_id=profile_id, field=field, origin=source.origin, source=source.source,
                               file_name=source.file_name, verified=source.verified, recorded_by=by, recorded_at=at)
            for field in sorted(fields)]


async def record_sources(profile: EnterpriseProfile, *, stamped: set[str], emptied: set[str], source: Source,
                         by: User | None) -> None:
    """Give `stamped` fields `source` and drop the source of `emptied` ones (inside the caller's transaction)."""
    if emptied:
        await ProfileValueSource.filter(profile_id=profile.pk, field__in=sorted(emptied)).delete()
    if stamped:
        await ProfileValueSource.filter(profile_id=profile.pk, field__in=sorted(stamped)).delete()
        await ProfileValueSource.bulk_create(source_rows(profile.pk, stamped, source, by=by, at=datetime.now(UTC)))


async def sources_of(profile: EnterpriseProfile | None) -> dict[str, ProfileValueSource]:
    """Field key -> where its current value came from (empty before the first save)."""
    if profile is None or profile.pk is None:
        return {}
    return {row.field: row for row in await ProfileValueSource.filter(profile_id=profile.pk)
            .prefetch_related("recorded_by")}


def recorded_on(row: ProfileValueSource) -> date:
    """The day (Asia/Shanghai) the value was recorded, as pages show it."""
    return row.recorded_at.astimezone(SHANGHAI).date()
