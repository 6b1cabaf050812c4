"""The statistics page's Excel and Word downloads as background jobs.

The web process checks the scope and the period (another tenant's programme answers 404 and a
bad period 400 at once, before any row) and queues the job; the worker computes the statistics
for the same viewer organization and builds the file (`excel.build_workbook` /
`word.build_report`, in a thread: neither runs on an event loop), which is kept in the job row
for download until the job expires (`queue.KEEP_FOR`, 7 days). A partner department's job is its
own: its file leaves out the enterprise details exactly as its direct download did.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from matchmaker.models import BackgroundJob, Organization, User
from matchmaker.services import jobs as queue
from matchmaker.services.jobs import JobKind
from matchmaker.services.reports import statistics as statistics_service
from matchmaker.services.reports.excel import build_workbook
from matchmaker.services.reports.word import build_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KIND = {"xlsx": "report.xlsx", "docx": "report.docx"}


async def _scope(viewer: Organization, scope_kind: str, scope_id: object):
    if scope_kind == "programme":
        return await statistics_service.programme_scope(viewer, scope_id)
    return await statistics_service.event_scope(viewer, scope_id)


async def queue_report(viewer: Organization, *, by: User, scope_kind: str, scope_id: object, period: str,
                       fmt: str) -> BackgroundJob:
    """Check that `viewer` may read the scope and that the period parses, then queue the file."""
    scope = await _scope(viewer, scope_kind, scope_id)
    statistics_service.period_of(scope, period)
    return await queue.enqueue(KIND[fmt], organization=viewer, by=by,
                               options={"scope": scope_kind, "id": scope.id, "period": period, "format": fmt})


async def _run(context) -> None:
    job: BackgroundJob = context.job
    options = job.options
    # Read as the organization that asked, as the page does: access is checked again here.
    scope = await _scope(await Organization.get(id=job.organization_id), options["scope"], options["id"])
    context.report(0.2, "正在统计 (computing the statistics)")
    # The workbook's per-lead sheet is the organizer's only (never a partner department's).
    details = options["format"] == "xlsx" and scope.is_organizer
    stats = await statistics_service.compute(scope, statistics_service.period_of(scope, options["period"]),
                                             details=details)
    context.report(0.6, "正在生成文件 (building the file)")
    if options["format"] == "xlsx":
        body = await asyncio.to_thread(build_workbook, stats, with_details=scope.is_organizer)
        name, media_type = f"{scope.title}-{stats.period.label}.xlsx", XLSX
    else:
        body = await asyncio.to_thread(build_report, stats, now=datetime.now(UTC))
        name, media_type = f"{stats.scope.title}-{stats.period.label}-通报.docx", DOCX
    await context.finish({"title": scope.title, "period": stats.period.label, "format": options["format"],
                          "bytes": len(body)}, file=body, file_name=name, media_type=media_type)


KINDS = (JobKind(KIND["xlsx"], "生成统计报表 Excel (statistics workbook)", _run),
         JobKind(KIND["docx"], "生成监测通报 Word (statistics report)", _run))
