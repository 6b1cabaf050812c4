"""Financing leads (融资对接线索): what every meeting, accepted request and claim led to (DESIGN §3).

A lead joins one enterprise, one institution and one need. Its history is a list of stage
records that are only ever appended: a correction is a new record pointing at the one it
corrects, which is then marked superseded. Amounts are integer 元, rates in basis points.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class LeadStage(StrEnum):
    CONTACT = "contact"      # joined by a request, meeting or claim; nothing recorded yet
    INTENT = "intent"        # 有意向
    ACCEPTED = "accepted"    # 已受理
    APPROVED = "approved"    # 已授信
    DISBURSED = "disbursed"  # 已放款 (one record per disbursement)
    DECLINED = "declined"    # 未通过
    WITHDRAWN = "withdrawn"  # 企业放弃


class LeadOrigin(StrEnum):
    REQUEST = "request"
    MEETING = "meeting"
    CLAIM = "claim"
    ENTERPRISE = "enterprise"  # reported by the enterprise itself


class Side(StrEnum):
    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"
    ORGANIZER = "organizer"


class Confirmation(StrEnum):
    PENDING = "pending"      # awaiting the other side
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class DeclineReason(StrEnum):
    QUALIFICATION = "qualification"  # 资质不符
    AMOUNT = "amount"                # 额度不足
    COLLATERAL = "collateral"        # 抵押担保不足
    WITHDRAWN = "withdrawn"          # 企业放弃
    OTHER = "other"                  # 其他


class FinancingLead(Model):
    id = fields.IntField(primary_key=True)
    enterprise = fields.ForeignKeyField("matchmaker.Organization", related_name="enterprise_leads",
                                        on_delete=fields.CASCADE)
    institution = fields.ForeignKeyField("matchmaker.Organization", related_name="institution_leads",
                                         on_delete=fields.CASCADE)
    need = fields.ForeignKeyField("matchmaker.FinancingNeed", related_name="leads", on_delete=fields.CASCADE)
    product = fields.ForeignKeyField("matchmaker.Product", related_name=False, null=True, on_delete=fields.SET_NULL)
    origin = fields.CharEnumField(LeadOrigin, max_length=10)
    first_event = fields.ForeignKeyField("matchmaker.Event", related_name=False, null=True,
                                         on_delete=fields.SET_NULL)
    #: The furthest stage reached by a record that is not superseded (kept in step by the service).
    stage = fields.CharEnumField(LeadStage, max_length=10, default=LeadStage.CONTACT, db_index=True)
    first_contact_at = fields.DatetimeField()
    stage_changed_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "financing_lead"
        unique_together = (("enterprise", "institution", "need"),)


class LeadLink(Model):
    """What joined the two sides on a lead: a request, a meeting or a claim, at some event."""

    id = fields.IntField(primary_key=True)
    lead = fields.ForeignKeyField("matchmaker.FinancingLead", related_name="links", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(LeadOrigin, max_length=10)
    event = fields.ForeignKeyField("matchmaker.Event", related_name=False, null=True, on_delete=fields.SET_NULL)
    request = fields.ForeignKeyField("matchmaker.MeetingRequest", related_name=False, null=True,
                                     on_delete=fields.SET_NULL)
    meeting = fields.ForeignKeyField("matchmaker.Meeting", related_name=False, null=True, on_delete=fields.SET_NULL)
    claim = fields.ForeignKeyField("matchmaker.NeedClaim", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "lead_link"


class LeadRecord(Model):
    """One stage record of a lead, appended and never overwritten."""

    id = fields.IntField(primary_key=True)
    lead = fields.ForeignKeyField("matchmaker.FinancingLead", related_name="records", on_delete=fields.CASCADE)
    stage = fields.CharEnumField(LeadStage, max_length=10)
    occurred_on = fields.DateField()  # the date the stage happened (the period counts this)
    amount = fields.BigIntField(null=True)  # 元: intent, approved or disbursed amount
    product = fields.ForeignKeyField("matchmaker.Product", related_name=False, null=True, on_delete=fields.SET_NULL)
    rate_bp = fields.IntField(null=True)  # approved rate, basis points (4.35 % = 435)
    term_months = fields.IntField(null=True)
    guarantee = fields.CharField(max_length=30, default="")  # 信用 / 保证 / 抵押 / 质押 / 担保公司担保 …
    next_step = fields.CharField(max_length=200, default="")
    reason_category = fields.CharEnumField(DeclineReason, max_length=14, null=True)
    note = fields.CharField(max_length=300, default="")
    #: A disbursement to an enterprise whose profile said 首贷户 at the time it was recorded.
    first_loan = fields.BooleanField(default=False)
    recorded_side = fields.CharEnumField(Side, max_length=12)
    recorded_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    confirmation = fields.CharEnumField(Confirmation, max_length=10, default=Confirmation.PENDING)
    answered_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    answered_at = fields.DatetimeField(null=True)
    dispute_reason = fields.CharField(max_length=300, default="")
    corrects = fields.ForeignKeyField("matchmaker.LeadRecord", related_name=False, null=True,
                                      on_delete=fields.SET_NULL)
    correction_reason = fields.CharField(max_length=300, default="")
    superseded = fields.BooleanField(default=False)

    class Meta:
        table = "lead_record"
        indexes = (("lead_id", "stage"), ("stage", "occurred_on"))


class MeetingFeedback(Model):
    """The enterprise's short word on a meeting: 满意度 1–5, whether it goes on, free text."""

    id = fields.IntField(primary_key=True)
    meeting = fields.ForeignKeyField("matchmaker.Meeting", related_name=False, on_delete=fields.CASCADE)
    enterprise = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    institution = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    event = fields.ForeignKeyField("matchmaker.Event", related_name=False, on_delete=fields.CASCADE)
    satisfaction = fields.SmallIntField()
    follow_up = fields.BooleanField(default=False)
    text = fields.CharField(max_length=500, default="")
    by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "meeting_feedback"
        unique_together = (("meeting", "enterprise"),)


class LeadFact(Model):
    """What the statistics read of one lead, kept by the outcomes service in the transaction
    that writes, confirms, disputes or supersedes one of its records (services/outcomes/facts.py;
    the definition is `stats.indicators.lead_facts`, the columns `stats.indicators.stored_facts`).
    A read model: the page aggregates these rows in SQL instead of sorting out 160,000 records."""

    id = fields.IntField(primary_key=True)
    #: The lead's id (no foreign key: rows are only read through the scope's lead ids).
    lead_id = fields.IntField(unique=True)
    enterprise_id = fields.IntField()
    institution_id = fields.IntField()
    kind = fields.CharField(max_length=20, default="")  # the product's financing kind, else the need's
    first_event_id = fields.IntField(null=True)
    first_contact_on = fields.DateField(null=True)  # in Asia/Shanghai
    furthest = fields.SmallIntField(default=0)  # index in stats.rows.FUNNEL_STAGES
    declined = fields.BooleanField(default=False)
    withdrawn = fields.BooleanField(default=False)
    # bucket: 0 confirmed, 1 one-sided (pending), 2 disputed (stats.indicators._BUCKET)
    intent_on = fields.DateField(null=True)  # the latest live intent record
    intent_amount = fields.BigIntField(null=True)
    intent_bucket = fields.SmallIntField(null=True)
    approved_on = fields.DateField(null=True)  # the first live approval
    approved_amount = fields.BigIntField(null=True)
    approved_bucket = fields.SmallIntField(null=True)
    disbursements = fields.IntField(default=0)
    disbursed_amount = fields.BigIntField(default=0)  # not disputed
    last_bucket = fields.SmallIntField(null=True)  # of the latest disbursement
    # The months (2026-11 -> 202611) the cells group by: a stored integer, not a date function
    # per row (none is common to SQLite and PostgreSQL, and a CASE over the months costs more).
    contact_month = fields.IntField(null=True)
    approved_month = fields.IntField(null=True)

    class Meta:
        table = "lead_fact"
        # The second: the workbook's per-lead sheet reads the facts oldest first, in chunks
        # (services/reports/data.lead_details); without it each chunk sorted all of them.
        indexes = (("first_event_id",), ("first_contact_on", "lead_id"))


class DisbursementFact(Model):
    """One live disbursement with what the amount indicators need (kept with `LeadFact`)."""

    id = fields.IntField(primary_key=True)
    record_id = fields.IntField(unique=True)  # the disbursement's LeadRecord
    lead_id = fields.IntField(db_index=True)
    enterprise_id = fields.IntField()
    institution_id = fields.IntField()
    kind = fields.CharField(max_length=20, default="")  # the lead's (the cells group by it)
    occurred_on = fields.DateField()
    amount = fields.BigIntField(default=0)
    bucket = fields.SmallIntField()
    first_loan = fields.BooleanField(default=False)
    loan = fields.BooleanField(default=False)  # a loan kind, not disputed: counts in 信用贷款占比 and 平均利率
    credit = fields.BooleanField(default=False)
    rate_bp = fields.IntField(null=True)  # its own rate, else the approval's
    first_recorded = fields.BooleanField(default=False)  # the lead's first not-disputed disbursement
    days = fields.IntField(null=True)  # from first contact, on the first recorded one (放款用时)
    first_event_id = fields.IntField(null=True)  # the lead's, for the scope's filter without a join
    month = fields.IntField()  # of occurred_on (202611)

    class Meta:
        table = "disbursement_fact"
        indexes = (("first_event_id", "occurred_on"),)
