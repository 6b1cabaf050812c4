"""/api/v1/lists: the organizer's lists (名单) for its own systems — list, read, members paged, and
what the pages write: create, update, import members (JSON rows, all or nothing), delete.

Like every /api/v1 route, a Bearer token acts for its organization: only an organizer's token
reaches these routes (403 otherwise), and another organizer's list answers 404."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from matchmaker.errors import InvalidInput
from matchmaker.models import RegistryList
from matchmaker.services.registry import lists
from matchmaker.web.api import _body, _require, endpoint
from matchmaker.web.auth import Viewer
from matchmaker.web.views.matching.terms import matching_date

_TEXT_KEYS = ("key", "name", "kind", "issuer", "source_document", "valid_from", "valid_until")


def list_json(row: RegistryList, members: int | None = None) -> dict[str, Any]:
    body = {"id": row.pk, "key": row.key, "field": f"list.{row.key}", "name": row.name, "kind": str(row.kind),
            "issuer": row.issuer, "source_document": row.source_document,
            "source_file": row.source_file_name or None,
            "valid_from": row.valid_from.isoformat() if row.valid_from else None,
            "valid_until": row.valid_until.isoformat() if row.valid_until else None, "priority": row.priority}
    if members is not None:
        body["members"] = members
    return body


def _draft(body: dict[str, Any]) -> lists.ListDraft:
    """The form's draft from a JSON body: dates as "YYYY-MM-DD" or null, priority a boolean."""
    problems: dict[str, str] = {}
    unknown = sorted(set(body) - {*_TEXT_KEYS, "priority"})
    for name in unknown:
        problems[name] = f"未知字段 {name}"
    text: dict[str, str] = {}
    for name in _TEXT_KEYS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            problems[name] = f"{name} 应为字符串"
        text[name] = value if isinstance(value, str) else ""
    priority = body.get("priority", False)
    if not isinstance(priority, bool):
        problems["priority"] = "priority 应为 true 或 false"
    if problems:
        raise InvalidInput(problems)
    return lists.ListDraft(**text, priority=bool(priority))


async def list_lists(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    organizer = _require(viewer, "organizer")
    return [list_json(summary.row, summary.members) for summary in await lists.lists_of(organizer)]


async def create_list(request: Request, viewer: Viewer) -> dict[str, Any]:
    organizer = _require(viewer, "organizer")
    row = await lists.create_list(organizer, draft=_draft(await _body(request)), by=viewer.user)
    return list_json(row, 0)


async def get_list(request: Request, viewer: Viewer) -> dict[str, Any]:
    organizer = _require(viewer, "organizer")
    row, _, total = await lists.members_page(organizer, request.path_params["list_id"], page=1)
    return list_json(row, total)


async def put_list(request: Request, viewer: Viewer) -> dict[str, Any]:
    """Replace everything but the key (criteria test list.<key>; a different key in the body is ignored)."""
    organizer = _require(viewer, "organizer")
    row = await lists.update_list(organizer, request.path_params["list_id"], draft=_draft(await _body(request)),
                                  by=viewer.user)
    return list_json(row)


async def delete_list(request: Request, viewer: Viewer) -> dict[str, Any]:
    organizer = _require(viewer, "organizer")
    await lists.delete_list(organizer, request.path_params["list_id"], by=viewer.user)
    return {"deleted": True}


def _page(request: Request) -> int:
    text = request.query_params.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise InvalidInput({"page": "page 应为 1 到 100000 之间的整数"})
    return int(text)


async def list_members(request: Request, viewer: Viewer) -> dict[str, Any]:
    organizer = _require(viewer, "organizer")
    page = _page(request)
    row, members, total = await lists.members_page(organizer, request.path_params["list_id"],
                                                   search=request.query_params.get("q", "")[:60], page=page)
    return {"list": list_json(row), "total": total, "page": page, "page_size": lists.PAGE_SIZE,
            "members": [{"uscc": m.uscc, "name": m.name, "note": m.note, "added_on": m.added_on.isoformat()}
                        for m in members]}


async def import_members(request: Request, viewer: Viewer) -> dict[str, Any]:
    """{"members": [{"uscc", "name", "note", "added_on"}], "replace": false}: members not sent stay
    unless replace is true."""
    organizer = _require(viewer, "organizer")
    body = await _body(request)
    unknown = sorted(set(body) - {"members", "replace"})
    if unknown:
        raise InvalidInput({name: f"未知字段 {name}" for name in unknown})
    replace = body.get("replace", False)
    if not isinstance(replace, bool):
        raise InvalidInput({"replace": "replace 应为 true 或 false"})
    result = await lists.put_members(organizer, request.path_params["list_id"], body.get("members"),
                                     replace=replace, by=viewer.user, today=matching_date())
    return {"added": result.added, "updated": result.updated, "removed": result.removed}


api_list_routes = [
    ("/api/v1/lists", endpoint(list_lists), ["GET"]),
    ("/api/v1/lists", endpoint(create_list, status_code=201), ["POST"]),
    ("/api/v1/lists/{list_id}", endpoint(get_list), ["GET"]),
    ("/api/v1/lists/{list_id}", endpoint(put_list), ["PUT"]),
    ("/api/v1/lists/{list_id}/members", endpoint(list_members), ["GET"]),
    ("/api/v1/lists/{list_id}/members", endpoint(import_members), ["POST"]),
]
