"""An institution's bulk update of its financing leads (the filled-in pipeline workbook) as a
background job: the same checks and the same one-transaction write as `workbook.bulk_update`,
the job marked done inside that transaction, so a retried job records each stage once. A
refused workbook ends the job failed with its cell problems (nothing written)."""

from __future__ import annotations

from dataclasses import asdict

from matchmaker.models import BackgroundJob, Organization, User
from matchmaker.services import jobs as queue
from matchmaker.services.jobs import JobKind, JobRejected
from matchmaker.services.outcomes import workbook

KIND = "leads.bulk_update"


async def queue_bulk_update(institution: Organization, data: bytes, *, by: User, filename: str) -> BackgroundJob:
    return await queue.enqueue(KIND, organization=institution, by=by, payload=data, file_name=filename)


def refusal_of(job: BackgroundJob) -> tuple[str, list[workbook.CellProblem]]:
    """The message and cell problems of a refused workbook, as the upload page shows them."""
    problems = [workbook.CellProblem(**problem) for problem in job.result.get("problems", [])]
    return job.result.get("message") or job.error, problems


async def _run(context) -> None:
    job: BackgroundJob = context.job
    institution = await Organization.get(id=job.organization_id)
    by = await User.get_or_none(id=job.created_by_id) if job.created_by_id else None
    context.report(0.2, "正在读取并检查文件 (reading and checking the file)")

    async def done(rows: int) -> None:
        await context.finish({"records": rows})

    try:
        await workbook.bulk_update(institution, bytes(job.payload or b""), by=by, then=done)
    except workbook.WorkbookRefused as refused:
        raise JobRejected({"message": refused.message,
                           "problems": [asdict(problem) for problem in refused.problems]}) from None


KINDS = (JobKind(KIND, "融资进展批量更新 (lead bulk update)", _run),)
