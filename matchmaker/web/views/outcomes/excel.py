"""The pipeline as an Excel workbook, and the bulk update from one filled in.

The bulk update is a background job (`services/outcomes/workbook_job`): the upload is queued, the
institution follows it at /jobs/{id}, and the finished job comes back to the upload page
(`?job=`): to the pipeline with the count, or the form with the cell problems."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.services.jobs import job_of
from matchmaker.services.outcomes import workbook, workbook_job
from matchmaker.web.auth import institution_of
from matchmaker.web.pages import redirect, render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def export(request: Request) -> Response:
    viewer = await institution_of(request)
    body = await workbook.export_pipeline(viewer.organization)
    return Response(body, media_type=XLSX, headers={"content-disposition": 'attachment; filename="leads.xlsx"'})


def _form(request: Request, viewer, *, message: str = "", problems=(), status_code: int = 200) -> Response:
    return render(request, "outcomes/institution/upload.html", {
        "viewer": viewer, "problems": list(problems), "message": message, "columns": workbook.FILL,
    }, status_code=status_code)


async def upload_form(request: Request) -> Response:
    viewer = await institution_of(request)
    if "job" not in request.query_params:
        return _form(request, viewer)
    job = await job_of(viewer.organization, request.query_params["job"], kind_prefix=workbook_job.KIND)
    if job.state == "done":
        return redirect(f"/institution/leads?notice=imported&count={job.result.get('records', 0)}")
    if job.state != "failed":
        return redirect(f"/jobs/{job.pk}")
    message, problems = workbook_job.refusal_of(job)
    return _form(request, viewer, message=message, problems=problems, status_code=400)


async def upload(request: Request) -> Response:
    viewer = await institution_of(request)
    async with request.form() as form:
        file = form.get("file")
        filename = file.filename if isinstance(file, UploadFile) and file.filename else ""
        data = await file.read(workbook.MAX_UPLOAD_BYTES + 1) if filename else b""
    if not data:
        return _form(request, viewer, message="请选择要上传的 .xlsx 文件", status_code=400)
    job = await workbook_job.queue_bulk_update(viewer.organization, data, by=viewer.user, filename=filename)
    return redirect(f"/jobs/{job.pk}")
