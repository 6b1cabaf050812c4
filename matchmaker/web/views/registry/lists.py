"""The organizer's lists (名单): the list of lists, create/edit, members (paged, searched),
member import (all or nothing) and export, the member template, the source document."""

from __future__ import annotations

from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.services.jobs import job_of
from matchmaker.services.registry import lists
from matchmaker.services.registry.io import import_job
from matchmaker.services.registry.io.transfer import Limits, RowProblem
from matchmaker.web.auth import organizer_of
from matchmaker.web.pages import redirect, render, settings_of
from matchmaker.web.views.matching.terms import matching_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_FIELDS = ("key", "name", "kind", "issuer", "source_document", "valid_from", "valid_until")


def _download(data: bytes, filename: str, media_type: str = XLSX) -> Response:
    return Response(data, media_type=media_type,
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def _limits(request: Request) -> Limits:
    settings = settings_of(request)
    return Limits(max_bytes=settings.registry_import_max_bytes, max_rows=settings.registry_import_max_rows)


async def list_index(request: Request) -> Response:
    viewer = await organizer_of(request)
    return render(request, "registry/lists/index.html", {
        "viewer": viewer, "lists": await lists.lists_of(viewer.organization), "kind_labels": lists.KIND_LABELS,
        "today": matching_date(), "valid_on": lists.valid_on, "notice": request.query_params.get("notice", "")})


async def _form(request: Request, viewer, *, row=None, values: dict, problems: dict,
                status_code: int = 200) -> Response:
    return render(request, "registry/lists/form.html", {
        "viewer": viewer, "row": row, "values": values, "problems": problems, "kind_labels": lists.KIND_LABELS,
        "priority_kinds": lists.PRIORITY_KINDS}, status_code=status_code)


async def new_list_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    return await _form(request, viewer, values={"kind": "white"}, problems={})


async def edit_list_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    row = await lists.get_list(viewer.organization, request.path_params["list_id"])
    values = {"key": row.key, "name": row.name, "kind": str(row.kind), "issuer": row.issuer,
              "source_document": row.source_document, "valid_from": row.valid_from.isoformat() if row.valid_from else "",
              "valid_until": row.valid_until.isoformat() if row.valid_until else "",
              "priority": "1" if row.priority else ""}
    return await _form(request, viewer, row=row, values=values, problems={})


async def save_list(request: Request) -> Response:
    viewer = await organizer_of(request)
    list_id = request.path_params.get("list_id")
    row = await lists.get_list(viewer.organization, list_id) if list_id else None
    async with request.form() as form:
        values = {name: str(form.get(name, "")) for name in FORM_FIELDS}
        values["priority"] = "1" if form.get("priority") == "1" else ""
        upload = form.get("source_file")
        source_file = None
        if isinstance(upload, UploadFile) and upload.filename:
            source_file = lists.SourceFile(upload.filename, await upload.read(lists.MAX_SOURCE_FILE_BYTES + 1))
    draft = lists.ListDraft(**{name: values[name] for name in FORM_FIELDS}, priority=values["priority"] == "1")
    try:
        if row is None:
            row = await lists.create_list(viewer.organization, draft=draft, by=viewer.user, source_file=source_file)
        else:
            await lists.update_list(viewer.organization, row.pk, draft=draft, by=viewer.user, source_file=source_file)
    except InvalidInput as error:
        return await _form(request, viewer, row=row, values=values, problems=error.problems, status_code=400)
    return redirect(f"/organizer/lists/{row.pk}?notice=saved")


def _page_number(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("page", "1")), 100_000))
    except ValueError:
        return 1


async def _detail(request: Request, viewer, *, problems: list[RowProblem] | None = None, imported=None,
                  status_code: int = 200) -> Response:
    search = request.query_params.get("q", "")[:60]
    page = _page_number(request)
    row, members, total = await lists.members_page(viewer.organization, request.path_params["list_id"],
                                                   search=search, page=page)
    pages = max(1, -(-total // lists.PAGE_SIZE))
    return render(request, "registry/lists/detail.html", {
        "viewer": viewer, "row": row, "members": members, "total": total, "page": page, "pages": pages,
        "search": search, "kind_labels": lists.KIND_LABELS, "problems": problems or [], "imported": imported,
        "valid_today": lists.valid_on(row, matching_date()), "notice": request.query_params.get("notice", ""),
        "first": (page - 1) * lists.PAGE_SIZE + 1 if members else 0,
        "last": (page - 1) * lists.PAGE_SIZE + len(members)}, status_code=status_code)


async def list_detail(request: Request) -> Response:
    """The list; with `?job=` the result of a member import (a background job) shown above it."""
    viewer = await organizer_of(request)
    if "job" not in request.query_params:
        return await _detail(request, viewer)
    job = await job_of(viewer.organization, request.query_params["job"], kind_prefix=import_job.LIST_KIND)
    if str(job.options.get("list_id")) != str(request.path_params["list_id"]):
        raise NotFound()
    if job.state not in ("done", "failed"):
        return redirect(f"/jobs/{job.pk}")
    if job.state == "done":
        return await _detail(request, viewer, imported=lists.MemberImport(**job.result))
    problems = [RowProblem(**problem) for problem in import_job.problems_of(job)] or [
        RowProblem("文件", "", job.error or "导入未完成，未写入任何数据")]
    return await _detail(request, viewer, problems=problems, status_code=400)


async def import_members(request: Request) -> Response:
    viewer = await organizer_of(request)
    limits = _limits(request)
    row = await lists.get_list(viewer.organization, request.path_params["list_id"])
    async with request.form() as form:
        replace = form.get("mode") == "replace"
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _detail(request, viewer, status_code=400,
                                 problems=[RowProblem("文件", "", "请选择要导入的 .xlsx 文件")])
        filename, data = upload.filename, await upload.read(limits.max_bytes + 1)
    # Checked and written by a background job (services/registry/io/import_job); its result comes
    # back to this list's page.
    job = await import_job.queue_list_import(viewer.organization, row.pk, by=viewer.user, filename=filename,
                                             data=data, replace=replace, limits=limits, today=matching_date())
    return redirect(f"/jobs/{job.pk}")


async def export_members(request: Request) -> Response:
    viewer = await organizer_of(request)
    row, data = await lists.export_members(viewer.organization, request.path_params["list_id"])
    return _download(data, f"{row.key}-members.xlsx")


async def members_template(request: Request) -> Response:
    await organizer_of(request)
    return _download(lists.members_template(), "list-members-template.xlsx")


async def source_file(request: Request) -> Response:
    viewer = await organizer_of(request)
    row = await lists.get_list(viewer.organization, request.path_params["list_id"])
    if not row.source_file:
        raise NotFound()
    return _download(bytes(row.source_file), row.source_file_name or "source", "application/octet-stream")


async def _delete_page(request: Request, viewer, *, error: str = "", status_code: int = 200) -> Response:
    row, _, total = await lists.members_page(viewer.organization, request.path_params["list_id"])
    return render(request, "registry/lists/delete.html", {
        "viewer": viewer, "row": row, "total": total, "using": await lists.referencing_offers(row.key),
        "error": error}, status_code=status_code)


async def delete_form(request: Request) -> Response:
    """The confirmation: what goes with the list, and which criteria still test it (then no button)."""
    viewer = await organizer_of(request)
    return await _delete_page(request, viewer)


async def delete_list(request: Request) -> Response:
    viewer = await organizer_of(request)
    try:
        await lists.delete_list(viewer.organization, request.path_params["list_id"], by=viewer.user)
    except Conflict as error:
        return await _delete_page(request, viewer, error=error.message, status_code=409)
    return redirect("/organizer/lists?notice=deleted")
