"""The pipeline as an Excel workbook, and the bulk update from one filled in."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.services.outcomes import workbook
from matchmaker.web.auth import institution_of
from matchmaker.web.pages import redirect, render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def export(request: Request) -> Response:
    viewer = await institution_of(request)
    body = await workbook.export_pipeline(viewer.organization)
    return Response(body, media_type=XLSX, headers={"content-disposition": 'attachment; filename="leads.xlsx"'})


async def upload_form(request: Request) -> Response:
    viewer = await institution_of(request)
    return render(request, "outcomes/institution/upload.html", {"viewer": viewer, "problems": [], "message": "",
                                                                "columns": workbook.FILL})


async def upload(request: Request) -> Response:
    viewer = await institution_of(request)
    async with request.form() as form:
        file = form.get("file")
        data = await file.read(workbook.MAX_UPLOAD_BYTES + 1) if isinstance(file, UploadFile) and file.filename \
            else b""
    try:
        if not data:
            raise workbook.WorkbookRefused(message="请选择要上传的 .xlsx 文件")
        count = await workbook.bulk_update(viewer.organization, data, by=viewer.user)
    except workbook.WorkbookRefused as error:
        return render(request, "outcomes/institution/upload.html", {
            "viewer": viewer, "problems": error.problems, "message": error.message, "columns": workbook.FILL,
        }, status_code=400)
    return redirect(f"/institution/leads?notice=imported&count={count}")
