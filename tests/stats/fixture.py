"""The hand-computed fixture: two events of 2026-Q4, twelve leads, disputes, two corrections,
a 首贷户 and records on both sides of the quarter's boundaries (2026-09-30, 2027-01-01).

Every expected figure in test_indicators.py was worked out by hand from these rows (the
comments next to the rows say what each is there to test).
"""

from __future__ import annotations

from datetime import date, datetime

from matchmaker.stats.rows import (
    Dataset,
    EnterpriseRow,
    EventRow,
    FeedbackRow,
    InstitutionRow,
    LeadRow,
    MeetingRow,
    ParticipantRow,
    RecordRow,
    ResponseRow,
)

OCT15, DEC10 = date(2026, 10, 15), date(2026, 12, 10)
NOW = datetime(2026, 12, 31, 12, 0)

EVENTS = (EventRow(1, "十月银企对接会", OCT15, 7), EventRow(2, "十二月银企对接会", DEC10, 7))
INSTITUTIONS = {101: InstitutionRow(101, "甲银行", "bank"), 102: InstitutionRow(102, "乙银行", "bank"),
                103: InstitutionRow(103, "丙担保", "guarantor")}
ENTERPRISES = {
    201: EnterpriseRow(201, "企业一", "滨江区", ("集成电路",), "小", False),
    202: EnterpriseRow(202, "企业二", "滨江区", ("集成电路", "人工智能"), "中", False),
    203: EnterpriseRow(203, "企业三", "滨江区", ("新材料",), "微", True),  # the 首贷户
    204: EnterpriseRow(204, "企业四", "西湖区", ("人工智能",), "小", False),
    205: EnterpriseRow(205, "企业五", "西湖区", (), "小", False),
    206: EnterpriseRow(206, "企业六", "", ("新材料",), "", None),
}
PARTICIPANTS = (
    ParticipantRow(1, 201, True), ParticipantRow(1, 202, True), ParticipantRow(1, 203, False),
    ParticipantRow(1, 101, True), ParticipantRow(1, 102, True),
    ParticipantRow(2, 204, True), ParticipantRow(2, 205, False), ParticipantRow(2, 101, True),
    ParticipantRow(2, 103, True),
)
MEETINGS = (
    MeetingRow(1, 1, 201, 101, "held", OCT15),
    MeetingRow(2, 1, 202, 101, "held", OCT15),
    MeetingRow(3, 1, 203, 102, "no_show", OCT15, "enterprise"),
    MeetingRow(4, 1, 201, 102, "held", OCT15),
    MeetingRow(5, 1, 202, 102, "cancelled", OCT15),
    MeetingRow(6, 2, 204, 101, "held", DEC10),
    MeetingRow(7, 2, 205, 103, "no_show", DEC10, "institution"),
    MeetingRow(8, 2, 204, 103, "planned", DEC10),  # never marked: planned, not held
)
LEADS = (
    LeadRow(1, 201, 101, "credit_loan", OCT15, 1),
    LeadRow(2, 202, 101, "ip_pledge_loan", OCT15, 1),
    LeadRow(3, 203, 102, "credit_loan", OCT15, 1),
    LeadRow(4, 201, 102, "guaranteed_loan", OCT15, 1),
    LeadRow(5, 204, 101, "credit_loan", DEC10, 2),
    LeadRow(6, 205, 103, "guaranteed_loan", DEC10, 2),
    LeadRow(7, 204, 103, "guaranteed_loan", DEC10, 2),
    LeadRow(8, 206, 101, "credit_loan", date(2026, 9, 30)),  # created the day before the quarter
    LeadRow(9, 206, 102, "ip_pledge_loan", date(2026, 12, 31)),  # the quarter's last day
    LeadRow(10, 205, 101, "credit_loan", date(2027, 1, 1)),  # the day after
    LeadRow(11, 202, 103, "guaranteed_loan", date(2026, 11, 15)),
    LeadRow(12, 203, 101, "credit_loan", OCT15, 1),
)
C, P, D = "confirmed", "pending", "disputed"
RECORDS = (
    # L1: the whole way, confirmed; the disbursement carries its own rate (4.10 %).
    RecordRow(1, 1, "intent", OCT15, 3_000_000, confirmation=C),
    RecordRow(2, 1, "accepted", date(2026, 10, 20), confirmation=C),
    RecordRow(3, 1, "approved", date(2026, 10, 28), 2_000_000, rate_bp=400, confirmation=C),
    RecordRow(4, 1, "disbursed", date(2026, 11, 5), 2_000_000, rate_bp=410, guarantee="信用", confirmation=C),
    # L2: one-sided all along; its second disbursement falls after the quarter.
    RecordRow(5, 2, "intent", OCT15, 5_000_000),
    RecordRow(6, 2, "approved", date(2026, 11, 10), 4_000_000, rate_bp=450),
    RecordRow(7, 2, "disbursed", date(2026, 11, 20), 1_500_000, guarantee="质押"),
    RecordRow(8, 2, "disbursed", date(2027, 1, 5), 2_500_000, guarantee="质押"),
    # L3: the 首贷户's first loan; the disbursement was corrected from 120 万 to 100 万.
    RecordRow(9, 3, "intent", OCT15, 1_000_000, confirmation=C),
    RecordRow(10, 3, "approved", date(2026, 12, 1), 1_000_000, rate_bp=380, confirmation=C),
    RecordRow(11, 3, "disbursed", date(2026, 12, 15), 1_200_000, first_loan=True, superseded=True),
    RecordRow(12, 3, "disbursed", date(2026, 12, 15), 1_000_000, first_loan=True, confirmation=C),
    # L4: a disputed intent, then declined.
    RecordRow(13, 4, "intent", OCT15, 2_000_000, confirmation=D),
    RecordRow(14, 4, "declined", date(2026, 11, 1)),
    # L5: intent corrected from 800 万 to 600 万; the approval is disputed.
    RecordRow(15, 5, "intent", DEC10, 8_000_000, superseded=True),
    RecordRow(16, 5, "intent", date(2026, 12, 12), 6_000_000, confirmation=C),
    RecordRow(17, 5, "approved", date(2026, 12, 20), 5_000_000, rate_bp=390, confirmation=D),
    # L6: accepted for review. L7: contact only.
    RecordRow(18, 6, "intent", DEC10, 3_000_000),
    RecordRow(19, 6, "accepted", date(2026, 12, 15)),
    # L8: created on 09-30, approved and disbursed on 10-01 (inside the quarter).
    RecordRow(20, 8, "intent", date(2026, 9, 30), 1_000_000, confirmation=C),
    RecordRow(21, 8, "approved", date(2026, 10, 1), 1_000_000, rate_bp=420, confirmation=C),
    RecordRow(22, 8, "disbursed", date(2026, 10, 1), 1_000_000, guarantee="信用", confirmation=C),
    RecordRow(23, 9, "intent", date(2026, 12, 31), 500_000),
    RecordRow(24, 10, "intent", date(2027, 1, 1), 7_000_000),
    # L11: its disbursement is disputed.
    RecordRow(25, 11, "intent", date(2026, 11, 15), 2_500_000, confirmation=C),
    RecordRow(26, 11, "approved", date(2026, 12, 5), 2_500_000, rate_bp=500, confirmation=C),
    RecordRow(27, 11, "disbursed", date(2026, 12, 28), 2_500_000, guarantee="担保公司担保", confirmation=D),
    # L12: intent, then the enterprise withdrew.
    RecordRow(28, 12, "intent", date(2026, 10, 16), 1_500_000),
    RecordRow(29, 12, "withdrawn", date(2026, 10, 30)),
)
RESPONSES = (
    ResponseRow("request", 101, 201, "institution", datetime(2026, 10, 8, 10), datetime(2026, 10, 12, 18),
                datetime(2026, 10, 9, 10)),  # 24 h, on time
    ResponseRow("request", 101, 202, "institution", datetime(2026, 10, 8, 10), datetime(2026, 10, 12, 18),
                datetime(2026, 10, 14, 10)),  # 144 h, late
    ResponseRow("request", 102, 203, "institution", datetime(2026, 10, 9, 9), datetime(2026, 10, 12, 18),
                None),  # never answered, deadline passed
    ResponseRow("request", 102, 201, "institution", datetime(2026, 9, 30, 12), datetime(2026, 10, 2, 18),
                datetime(2026, 10, 1, 12)),  # asked before the quarter
    ResponseRow("claim", 103, 202, "enterprise", datetime(2026, 11, 15, 8), datetime(2026, 11, 18, 8),
                datetime(2026, 11, 15, 20)),  # 12 h, on time
    ResponseRow("request", 101, 204, "institution", datetime(2026, 12, 1, 9), datetime(2026, 12, 5, 18),
                datetime(2026, 12, 2, 9)),  # 24 h, on time
    ResponseRow("request", 103, 205, "institution", datetime(2026, 12, 28, 9), datetime(2027, 1, 5, 18),
                None),  # still open at NOW: not counted yet
)
FEEDBACK = (
    FeedbackRow(101, 201, 5, OCT15), FeedbackRow(101, 202, 4, OCT15), FeedbackRow(102, 201, 3, OCT15),
    FeedbackRow(101, 204, 4, DEC10), FeedbackRow(102, 203, 1, date(2026, 9, 30)),
)

DATASET = Dataset(events=EVENTS, participants=PARTICIPANTS, meetings=MEETINGS, enterprises=ENTERPRISES,
                  institutions=INSTITUTIONS, leads=LEADS, records=RECORDS, responses=RESPONSES, feedback=FEEDBACK)
