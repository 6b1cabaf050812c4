"""The organizer's import/export page: templates, uploads with the error report, downloads.

An import is a background job (`services/registry/io/import_job`): the upload is committed as a
job and the organizer sees its progress at /jobs/{id}; the finished job comes back here
(`?job=`) with the count written or the problems by row and column. The dry run (预览) stays in
the request: it writes nothing and its parse already runs in the upload worker processes."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import NotFound
from matchmaker.services.jobs import job_of
from matchmaker.services.registry.io import import_job
from matchmaker.services.registry.io.registries import REGISTRIES
from matchmaker.services.registry.io.transfer import (
    ImportRejected,
    Limits,
    RowProblem,
    export_file,
    file_format,
    make_context,
    preview_import,
    template_workbook,
)
from matchmaker.services.registry.provenance import Source
from matchmaker.web.auth import organizer_of
from matchmaker.web.pages import redirect, render, settings_of

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
    if "job" not in request.query_params:
        return _page(request, viewer)
    job = await job_of(viewer.organization, request.query_params["job"], kind_prefix=import_job.KIND)
    if job.state not in ("done", "failed"):
        return redirect(f"/jobs/{job.pk}")
    problems = [RowProblem(**problem) for problem in import_job.problems_of(job)]
    if job.state == "failed" and not problems:  # an error or the attempts used up, not the file
        problems = [RowProblem("文件", "", job.error or "导入未完成，未写入任何数据")]
    # A refused file's result answers 400, as the upload itself did before it became a job.
    return _page(request, viewer, kind=job.options.get("kind", "enterprises"), problems=problems,
                 imported=job.result.get("imported"), status_code=400 if problems else 200)


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
        file_format(filename)
        job = await import_job.queue_import(viewer.organization, by=viewer.user, kind=kind, filename=filename,
                                            data=data, source=source_name, verified=verified,
                                            chains=settings_of(request).registry_industry_chains, limits=limits)
    except ImportRejected as error:
        return _page(request, viewer, kind=kind, problems=error.problems, status_code=400)
    return redirect(f"/jobs/{job.pk}")


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
