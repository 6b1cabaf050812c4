"""The page of a background job (import, report): its progress, then its result.

Everything shown comes from the job row, so any web process answers for a job any worker runs.
While the job runs the page refreshes itself (a meta refresh, so it needs no script; with
JavaScript `static/js/job.js` moves the bar from `/jobs/{id}/status` in between). A finished
import goes to the import page, which shows its summary or problems as before; a finished report
offers its file. Another organization's job answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from matchmaker.errors import NotFound
from matchmaker.models import BackgroundJob, JobState
from matchmaker.services.job_runner import KINDS
from matchmaker.services.jobs import job_of
from matchmaker.web.auth import viewer_of
from matchmaker.web.i18n import one_language
from matchmaker.web.pages import redirect, render

#: Where a finished job of a kind shows its result, when not on the job page itself.
RESULT_PAGES: dict[str, Callable[[BackgroundJob], str]] = {
    "registry.import": lambda job: f"/organizer/import?job={job.pk}",
    "lists.import": lambda job: f"/organizer/lists/{job.options['list_id']}?job={job.pk}",
    "leads.bulk_update": lambda job: f"/institution/leads/upload?job={job.pk}",
}
FINISHED = (JobState.DONE, JobState.FAILED)


def _back_to(job: BackgroundJob) -> str:
    """The page a report job was asked from (its statistics page, with the same period)."""
    options = job.options or {}
    if job.kind.startswith("report.") and options.get("scope") in ("programme", "event"):
        period = f"?period={quote(options['period'])}" if options.get("period") else ""
        return f"/reports/{options['scope']}s/{options['id']}{period}"
    return ""


async def _job(request: Request) -> BackgroundJob:
    viewer = await viewer_of(request)
    return await job_of(viewer.organization, request.path_params["job_id"])


def _status(job: BackgroundJob) -> dict:
    finished = job.state in FINISHED
    result_page = RESULT_PAGES.get(job.kind)
    return {"id": job.pk, "state": str(job.state), "percent": round(job.progress * 100),
            "label": one_language(job.progress_label), "finished": finished,
            "result_url": result_page(job) if finished and result_page else f"/jobs/{job.pk}"}


async def job_page(request: Request) -> Response:
    job = await _job(request)
    status = _status(job)
    if job.state in FINISHED and job.kind in RESULT_PAGES:
        return redirect(status["result_url"])
    kind = KINDS.get(job.kind)
    return render(request, "jobs/job.html", {"job": job, "status": status, "back_to": _back_to(job),
                                             "label": kind.label if kind else job.kind})


async def job_status(request: Request) -> Response:
    return JSONResponse(_status(await _job(request)), headers={"cache-control": "no-store"})


async def job_file(request: Request) -> Response:
    job = await _job(request)
    if job.state != JobState.DONE or job.result_file is None:
        raise NotFound("文件尚未生成或已过期 (no file, or it has expired)")
    name = job.result_name or "report"
    return Response(bytes(job.result_file), media_type=job.result_type or "application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=report.{name.rsplit('.', 1)[-1]}; filename*=UTF-8''{quote(name)}"})
