"""Registry imports (enterprise profiles, needs, products, policies …, list members) as background jobs.

The web process commits the upload as a job row and answers at once; a worker (or, with
`[jobs] run_in_web`, the web process itself) runs `transfer.import_file` on it: the same checks,
the same all-or-nothing write and audit entry as a direct import, and the job is marked done in
the transaction that writes the rows, so a worker killed mid-import and retried applies the file
once. A refused file ends the job failed with the problems by row and column (nothing written).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from matchmaker.models import BackgroundJob, Organization, User
from matchmaker.services import jobs as queue
from matchmaker.services.jobs import JobKind, JobRejected
from matchmaker.services.registry import lists
from matchmaker.services.registry.io.transfer import ImportRejected, Limits, import_file, make_context, registry_named
from matchmaker.services.registry.provenance import Source

KIND = "registry.import"
LIST_KIND = "lists.import"


async def queue_import(organizer: Organization, *, by: User, kind: str, filename: str, data: bytes,
                       source: str, verified: bool, chains: tuple[str, ...], limits: Limits) -> BackgroundJob:
    """The upload as a queued job (an unknown registry is refused here, before any row)."""
    registry_named(kind)
    return await queue.enqueue(KIND, organization=organizer, by=by, payload=data, file_name=filename, options={
        "kind": kind, "source": source, "verified": verified, "chains": list(chains),
        "limits": {"max_bytes": limits.max_bytes, "max_rows": limits.max_rows}})


async def queue_list_import(organizer: Organization, list_id: object, *, by: User, filename: str, data: bytes,
                            replace: bool, limits: Limits, today: date) -> BackgroundJob:
    """A list's member upload as a queued job (another organizer's list answers 404 here)."""
    row = await lists.get_list(organizer, list_id)
    return await queue.enqueue(LIST_KIND, organization=organizer, by=by, payload=data, file_name=filename, options={
        "list_id": row.pk, "replace": replace, "today": today.isoformat(),
        "limits": {"max_bytes": limits.max_bytes, "max_rows": limits.max_rows}})


def problems_of(job: BackgroundJob) -> list[dict[str, str]]:
    return list(job.result.get("problems", []))


def _rejected(rejected: ImportRejected, **summary) -> JobRejected:
    return JobRejected({**summary, "message": rejected.message,
                        "problems": [asdict(problem) for problem in rejected.problems]})


async def _run(context) -> None:
    job: BackgroundJob = context.job
    options = job.options
    organizer = await Organization.get(id=job.organization_id)
    by = await User.get_or_none(id=job.created_by_id) if job.created_by_id else None
    ctx = await make_context(chains=tuple(options.get("chains", ())), by=by, organizer=organizer,
                             source=Source.imported(job.file_name, source=options.get("source", ""),
                                                    verified=bool(options.get("verified"))))
    context.report(0.1, "正在读取文件 (reading the file)")

    async def done(rows: int) -> None:
        await context.finish({"kind": options["kind"], "imported": rows})

    try:
        await import_file(options["kind"], job.file_name, bytes(job.payload or b""), ctx=ctx,
                          limits=Limits(**options["limits"]), then=done, progress=context.report)
    except ImportRejected as rejected:
        raise _rejected(rejected, kind=options["kind"]) from None


async def _run_list_import(context) -> None:
    job: BackgroundJob = context.job
    options = job.options
    organizer = await Organization.get(id=job.organization_id)
    by = await User.get_or_none(id=job.created_by_id) if job.created_by_id else None
    context.report(0.2, "正在读取并检查文件 (reading and checking the file)")

    async def done(result: lists.MemberImport) -> None:
        await context.finish(asdict(result))

    try:
        await lists.import_members(organizer, options["list_id"], job.file_name, bytes(job.payload or b""),
                                   replace=bool(options["replace"]), by=by, limits=Limits(**options["limits"]),
                                   today=date.fromisoformat(options["today"]), then=done)
    except ImportRejected as rejected:
        raise _rejected(rejected) from None


KINDS = (JobKind(KIND, "数据导入 (registry import)", _run),
         JobKind(LIST_KIND, "名单成员导入 (list member import)", _run_list_import))
