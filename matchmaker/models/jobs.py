"""Background jobs other than solver runs and mail: imports and report generation (issue 17).

One table for every kind: what to do (`kind`, `payload` — the uploaded bytes —, `options`), for
whom (`organization`, `created_by`), how far it got (`state`, `progress`), who computes it
(`lease_owner`, `lease_expires_at`, `attempts`) and what came of it (`result`: a summary for the
result page; `result_file`: a generated report to download). The kinds themselves are a small
registry in `matchmaker.services.job_runner.KINDS`.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # refused with problems (nothing written), an error, or out of attempts


class BackgroundJob(Model):
    """One background job (import or report), as the module docstring says."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=40)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    created_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    state = fields.CharEnumField(JobState, max_length=8, default=JobState.QUEUED, db_index=True)
    payload = fields.BinaryField(null=True)  # the uploaded file; dropped once the job has finished
    file_name = fields.CharField(max_length=255, default="")
    options = fields.JSONField(default=dict)
    progress = fields.FloatField(default=0.0)  # 0..1
    progress_label = fields.CharField(max_length=100, default="")
    lease_owner = fields.CharField(max_length=80, null=True)
    lease_expires_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    result = fields.JSONField(default=dict)
    result_file = fields.BinaryField(null=True)
    result_name = fields.CharField(max_length=255, default="")
    result_type = fields.CharField(max_length=100, default="")
    error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(db_index=True)  # the row (and its file) is deleted after this

    class Meta:
        table = "background_job"

    def __str__(self) -> str:
        return f"job {self.id} {self.kind} {self.state}"
