"""The registry of job kinds, by name: every kind a worker can run."""

from __future__ import annotations

from matchmaker.services.jobs.kind import JobKind
from matchmaker.services.outcomes import workbook_job
from matchmaker.services.registry.io import import_job
from matchmaker.services.reports import report_job

KINDS: dict[str, JobKind] = {kind.name: kind for kind in (*import_job.KINDS, *report_job.KINDS, *workbook_job.KINDS)}
