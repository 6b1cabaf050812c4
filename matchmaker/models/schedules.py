"""Schedules of an event: solver runs, numbered versions (draft -> published vN -> superseded) and
the meetings each version holds.

A run keeps the exact problem it solved and the checked solution, so a draft can always be traced
back to its input. Versions are never edited once published: changes after publication go
through a repair run and a new draft, so every published agenda stays on record.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RunState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RunKind(StrEnum):
    SOLVE = "solve"    # a fresh schedule
    REPAIR = "repair"  # around a published version, moving as few meetings as possible


class VersionState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # was published, replaced by a newer published version


class MeetingState(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class ScheduleRun(Model):
    """One solver run for an event.

    progress: [{"seconds": 0.4, "objective": 120, "bound": 130, "phase": "construct"}, ...]
    problem: the matchmaker.schedule-problem/1 document solved.
    solution: the matchmaker.schedule-solution/1 document, only once the checker accepted it.
    """

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="schedule_runs", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(RunKind, max_length=8, default=RunKind.SOLVE)
    # Repairs only: the version repaired. A plain id, not a foreign key, because a version already
    # points at its run and a cycle of foreign keys cannot be created table by table.
    from_version_id = fields.IntField(null=True)
    started_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    started_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    state = fields.CharEnumField(RunState, max_length=8, default=RunState.RUNNING)
    time_limit = fields.FloatField()
    seed = fields.IntField(default=0)
    progress = fields.JSONField(default=list)
    problem = fields.JSONField(null=True)
    solution = fields.JSONField(null=True)
    error = fields.TextField(default="")
    # The run as a job (matchmaker/worker.py): what to compute besides `problem` ({"mode": "solve" |
    # "repair", "previous": a solution document, "move_penalty", "names"}), and the lease of the
    # process computing it. A run whose lease ran out (its process died) is taken again, up to
    # a few attempts; only the lease holder may write the result.
    job = fields.JSONField(null=True)
    lease_owner = fields.CharField(max_length=80, null=True)
    lease_expires_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0, db_default=0)  # db_default: the column is added to existing rows

    class Meta:
        table = "schedule_run"


class ScheduleVersion(Model):
    """A numbered schedule of an event. `number` counts every saved draft (1, 2, 3 ...) and
    `published_number` is the N of "published vN", given on publication. Both are unique per
    event, so two organizers publishing at once cannot both become vN."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="schedule_versions", on_delete=fields.CASCADE)
    number = fields.IntField()
    published_number = fields.IntField(null=True)
    state = fields.CharEnumField(VersionState, max_length=10, default=VersionState.DRAFT)
    created_from = fields.ForeignKeyField("matchmaker.ScheduleRun", related_name="versions", null=True,
                                          on_delete=fields.SET_NULL)
    objective = fields.IntField(default=0)
    upper_bound = fields.IntField(null=True)
    stats = fields.JSONField(default=dict)
    created_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    published_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True,
                                          on_delete=fields.SET_NULL)

    class Meta:
        table = "schedule_version"
        unique_together = (("event", "number"), ("event", "published_number"))


class Meeting(Model):
    """One enterprise meets one institution in one slot at one of the institution's tables.

    The slot is kept by id (as in the problem) and by its times, so an agenda can be shown and
    mailed even after the event's sessions were edited.
    """

    id = fields.IntField(primary_key=True)
    version = fields.ForeignKeyField("matchmaker.ScheduleVersion", related_name="meetings", on_delete=fields.CASCADE)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="meetings", on_delete=fields.CASCADE)
    enterprise = fields.ForeignKeyField("matchmaker.Organization", related_name="enterprise_meetings",
                                        on_delete=fields.CASCADE)
    institution = fields.ForeignKeyField("matchmaker.Organization", related_name="institution_meetings",
                                         on_delete=fields.CASCADE)
    request = fields.ForeignKeyField("matchmaker.MeetingRequest", related_name="meetings", null=True,
                                     on_delete=fields.SET_NULL)
    slot = fields.CharField(max_length=16)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    table = fields.IntField()
    locked = fields.BooleanField(default=False)  # kept as is by the next solver run
    state = fields.CharEnumField(MeetingState, max_length=10, default=MeetingState.PLANNED)
    # Attendance on the day: who said held / no-show, when, and which side was absent
    # (enterprise | institution | both) for a no-show.
    absent_side = fields.CharField(max_length=12, default="")
    attendance_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True,
                                           on_delete=fields.SET_NULL)
    attendance_at = fields.DatetimeField(null=True)

    class Meta:
        table = "meeting"
        unique_together = (("version", "enterprise", "institution"),)
