"""The organizer's import/export page: templates, uploads with the error report, downloads."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import NotFound
from matchmaker.services.registry.io.registries import REGISTRIES
from matchmaker.services.registry.io.transfer import (
    ImportRejected,
    Limits,
    RowProblem,
    export_file,
    import_file,
    make_context,
    preview_import,
    template_workbook,
)
from matchmaker.services.registry.provenance import Source
from matchmaker.web.auth import organizer_of
from matchmaker.web.pages import render, settings_of

CONTENT_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".json": "application/json"}
LABELS = {name: registry.label for name, registry in REGISTRIES.items()}


def _page(request: Request, viewer, *, problems: list[RowProblem] | None = None, imported: int | None = None,
          kind: str = "enterprises", preview: list | None = None, status_code: int = 200) -> Response:
    return render(request, "registry/organizer/import.html", {
        "viewer": viewer, "labels": LABELS, "problems": problems or [], "imported": imported, "kind": kind,
        "preview": preview,
    }, status_code=status_code)


async def _context(request: Request, viewer, source: Source | None = None):
    return await make_context(chains=settings_of(request).registry_industry_chains, by=viewer.user,
                              organizer=viewer.organization, source=source)


async def import_page(request: Request) -> Response:
    viewer = await organizer_of(request)
    return _page(request, viewer)


async def upload(request: Request) -> Response:
    viewer = await organizer_of(request)
    settings = settings_of(request)
    limits = Limits(max_bytes=settings.registry_import_max_bytes, max_rows=settings.registry_import_max_rows)
    async with request.form() as form:  # closes the spooled upload whatever happens
        kind = str(form.get("kind", ""))
        dry_run = form.get("dry_run") == "1"
        source_name, verified = str(form.get("source", "")).strip(), form.get("verified") == "1"
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _page(request, viewer, kind=kind, status_code=400,
                         problems=[RowProblem("文件", "", "请选择要导入的 .xlsx 或 .json 文件")])
        filename, data = upload.filename, await upload.read(limits.max_bytes + 1)
    if len(source_name) > 60:
        return _page(request, viewer, kind=kind, status_code=400,
                     problems=[RowProblem("数据来源", "", "数据来源不能超过 60 个字")])
    source = Source.imported(filename, source=source_name, verified=verified)
    try:
        if dry_run:
            preview = await preview_import(kind, filename, data, ctx=await _context(request, viewer, source),
                                           limits=limits)
            return _page(request, viewer, kind=kind, preview=preview)
        count = await import_file(kind, filename, data, ctx=await _context(request, viewer, source), limits=limits)
    except ImportRejected as error:
        return _page(request, viewer, kind=kind, problems=error.problems, status_code=400)
    return _page(request, viewer, kind=kind, imported=count)


def _download(data: bytes, filename: str, fmt: str) -> Response:
    return Response(data, media_type=CONTENT_TYPES[fmt],
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{filename}"})


async def download(request: Request) -> Response:
    viewer = await organizer_of(request)
    kind, fmt = request.path_params["kind"], "." + request.path_params["fmt"]
    if kind not in REGISTRIES or fmt not in CONTENT_TYPES:
        raise NotFound()
    data = await export_file(kind, fmt, ctx=await _context(request, viewer))
    return _download(data, f"{kind}{fmt}", fmt)


async def template(request: Request) -> Response:
    viewer = await organizer_of(request)
    kind = request.path_params["kind"]
    if kind not in REGISTRIES:
        raise NotFound()
    return _download(template_workbook(kind, ctx=await _context(request, viewer)), f"{kind}-template.xlsx", ".xlsx")
