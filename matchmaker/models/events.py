"""银企对接会 and 融资路演: events, who registered, when they can meet, who asked whom, pitches,
investor picks, and the in-app inbox.

Times are stored timezone-aware (UTC in the database) and shown in Asia/Shanghai. Session and
slot layouts are kept as JSON on the event: they are small, always read whole, and the slot
list is computed from them by `matchmaker.services.events.slots`.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class EventKind(StrEnum):
    DOCKING = "docking"    # 银企对接会
    ROADSHOW = "roadshow"  # 融资路演
    BOTH = "both"


class EventStatus(StrEnum):
    DRAFT = "draft"    # only the organizer sees it
    OPEN = "open"      # published, registration possible until the deadline
    CLOSED = "closed"  # over or cancelled


class Eligibility(StrEnum):
    ALL = "all"                # every enterprise may register
    CHAINS = "chains"          # enterprises of the listed industry chains
    INVITATION = "invitation"  # enterprises on the invitation list (USCC)


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Priority(StrEnum):
    MUST = "must"  # 必须见
    WANT = "want"  # 希望见
    OK = "ok"      # 可以见


class RequestState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class PitchStatus(StrEnum):
    APPLIED = "applied"
    SELECTED = "selected"
    REJECTED = "rejected"


class AttendanceState(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class Event(Model):
    """One docking event or roadshow run by an organizer.

    sessions: [{"day": "2026-12-08", "part": "am", "start": "09:00", "end": "12:00"}]
    breaks: [{"day": "2026-12-08", "start": "10:20", "end": "10:30"}]
    halls: [{"name": "一号厅", "capacity": 40}]
    """

    id = fields.IntField(primary_key=True)
    organizer = fields.ForeignKeyField("matchmaker.Organization", related_name="events", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(EventKind, max_length=10, default=EventKind.DOCKING)
    title = fields.CharField(max_length=120)
    venue = fields.CharField(max_length=200, default="")
    description = fields.TextField(default="")
    sessions = fields.JSONField(default=list)
    breaks = fields.JSONField(default=list)
    slot_minutes = fields.IntField(default=20)
    pitch_minutes = fields.IntField(default=10)
    halls = fields.JSONField(default=list)
    tables_per_institution = fields.IntField(default=1)
    max_meetings_per_enterprise = fields.IntField(null=True)
    max_meetings_per_institution = fields.IntField(null=True)
    max_outgoing_requests = fields.IntField(null=True)
    registration_deadline = fields.DatetimeField(null=True)
    request_deadline = fields.DatetimeField(null=True)
    answer_deadline = fields.DatetimeField(null=True)
    eligibility = fields.CharEnumField(Eligibility, max_length=12, default=Eligibility.ALL)
    eligible_chains = fields.JSONField(default=list)
    invitation_list = fields.JSONField(default=list)  # USCCs of invited enterprises
    coverage_bonus = fields.IntField(default=0)  # added per enterprise with at least one meeting
    first_loan_bonus_percent = fields.IntField(default=0)  # 首贷户 extra share of the bonus, in percent
    status = fields.CharEnumField(EventStatus, max_length=8, default=EventStatus.DRAFT)
    programme = fields.ForeignKeyField("matchmaker.Programme", related_name="events", null=True,
                                       on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "event"

    def __str__(self) -> str:
        return self.title


class Registration(Model):
    """A participant at an event, approved or rejected by the organizer.

    need_ids: the enterprise's FinancingNeed ids it brings.
    representatives: [{"name": "…", "title": "…", "product_ids": [1, 2]}] for institutions.
    """

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="registrations", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="registrations",
                                          on_delete=fields.CASCADE)
    status = fields.CharEnumField(RegistrationStatus, max_length=10, default=RegistrationStatus.PENDING)
    reason = fields.CharField(max_length=300, default="")
    need_ids = fields.JSONField(default=list)
    representatives = fields.JSONField(default=list)
    tables = fields.IntField(default=0)  # institutions: tables staffed (0 for enterprises)
    registered_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True,
                                           on_delete=fields.SET_NULL)
    on_behalf = fields.BooleanField(default=False)  # entered by the organizer for the participant
    walk_in = fields.BooleanField(default=False)  # 现场报名: registered at the check-in desk on the day
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "registration"
        unique_together = (("event", "organization"),)


class Availability(Model):
    """Whether a participant attends one session, and if it arrives late or leaves early."""

    id = fields.IntField(primary_key=True)
    registration = fields.ForeignKeyField("matchmaker.Registration", related_name="availability",
                                          on_delete=fields.CASCADE)
    session = fields.CharField(max_length=16)  # session key, e.g. 2026-12-08-am
    attends = fields.BooleanField(default=True)
    arrive_at = fields.CharField(max_length=5, default="")  # HH:MM, empty: from the start
    leave_at = fields.CharField(max_length=5, default="")   # HH:MM, empty: until the end

    class Meta:
        table = "availability"
        unique_together = (("registration", "session"),)


class MeetingRequest(Model):
    """One side asks the other for a meeting about a need. The pair is stored as enterprise and
    institution whichever side asked, so one pair and need has one request at most."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="requests", on_delete=fields.CASCADE)
    enterprise = fields.ForeignKeyField("matchmaker.Organization", related_name="enterprise_requests",
                                        on_delete=fields.CASCADE)
    institution = fields.ForeignKeyField("matchmaker.Organization", related_name="institution_requests",
                                         on_delete=fields.CASCADE)
    from_enterprise = fields.BooleanField()  # who asked
    need = fields.ForeignKeyField("matchmaker.FinancingNeed", related_name="meeting_requests",
                                  on_delete=fields.CASCADE)
    product = fields.ForeignKeyField("matchmaker.Product", related_name="meeting_requests", null=True,
                                     on_delete=fields.SET_NULL)
    priority = fields.CharEnumField(Priority, max_length=4, default=Priority.WANT)  # the asker's
    answer_priority = fields.CharEnumField(Priority, max_length=4, null=True)  # the receiver's, on accepting
    message = fields.CharField(max_length=300, default="")
    state = fields.CharEnumField(RequestState, max_length=10, default=RequestState.PENDING)
    answer_reason = fields.CharField(max_length=300, default="")
    after_pitch = fields.BooleanField(default=False)  # a follow-up to the enterprise's roadshow pitch
    added_by_organizer = fields.BooleanField(default=False)
    created_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "meeting_request"
        unique_together = (("event", "enterprise", "institution", "need"),)


class Pitch(Model):
    """An enterprise's application to pitch at a roadshow, and where it was placed."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="pitches", on_delete=fields.CASCADE)
    enterprise = fields.ForeignKeyField("matchmaker.Organization", related_name="pitches", on_delete=fields.CASCADE)
    need = fields.ForeignKeyField("matchmaker.FinancingNeed", related_name="pitches", null=True,
                                  on_delete=fields.SET_NULL)
    title = fields.CharField(max_length=120)
    summary = fields.TextField(default="")
    plan_path = fields.CharField(max_length=300, default="")  # relative to var/uploads
    plan_name = fields.CharField(max_length=200, default="")  # the uploaded file's own name
    plan_size = fields.IntField(default=0)
    status = fields.CharEnumField(PitchStatus, max_length=10, default=PitchStatus.APPLIED)
    hall = fields.CharField(max_length=60, default="")
    slot = fields.CharField(max_length=16, default="")  # slot id, e.g. d1-0900
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pitch"
        unique_together = (("event", "enterprise"),)


class PitchAttendance(Model):
    """An investor's pick of a pitch: confirmed while the hall has seats, else waitlisted."""

    id = fields.IntField(primary_key=True)
    pitch = fields.ForeignKeyField("matchmaker.Pitch", related_name="attendance", on_delete=fields.CASCADE)
    investor = fields.ForeignKeyField("matchmaker.Organization", related_name="pitch_picks",
                                      on_delete=fields.CASCADE)
    state = fields.CharEnumField(AttendanceState, max_length=10)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pitch_attendance"
        unique_together = (("pitch", "investor"),)


class Notification(Model):
    """The in-app inbox of an organization (or of one of its users)."""

    id = fields.IntField(primary_key=True)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name="notifications",
                                          on_delete=fields.CASCADE)
    user = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.CASCADE)
    event = fields.ForeignKeyField("matchmaker.Event", related_name=False, null=True, on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=40)  # e.g. request.received, request.answered, request.expired
    text = fields.CharField(max_length=300)  # the Chinese text: what rows written before `message` show
    # {"code": a key of services/mailing/notifications.NOTICES, "args": {...}}: rendered in the
    # reader's language at display; None on rows written before codes were stored
    message = fields.JSONField(null=True)
    link = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
