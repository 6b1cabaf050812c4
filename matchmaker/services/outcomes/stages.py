"""The rules of a lead's stages: labels, order, parsing a stage from a form, a workbook row or a
JSON body, and checking it against the lead's history. No database here: leads.py loads the
state (`LeadState`) and writes what passes.

Stages move forward: 有意向 → 已受理 → 已授信 → 已放款 (any may be skipped, 已放款 may repeat for
each disbursement); 未通过 and 企业放弃 end a lead. A correction is a new record that names the
record it corrects, with a reason; it is checked against the history without the corrected one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from matchmaker.errors import InvalidInput
from matchmaker.models.outcomes import DeclineReason, LeadStage
from matchmaker.services.registry.columns import refuse_control_characters

STAGE_LABELS = {LeadStage.CONTACT: "已对接", LeadStage.INTENT: "有意向", LeadStage.ACCEPTED: "已受理",
                LeadStage.APPROVED: "已授信", LeadStage.DISBURSED: "已放款", LeadStage.DECLINED: "未通过",
                LeadStage.WITHDRAWN: "企业放弃"}
DECLINE_LABELS = {DeclineReason.QUALIFICATION: "资质不符", DeclineReason.AMOUNT: "额度不足",
                  DeclineReason.COLLATERAL: "抵押担保不足", DeclineReason.WITHDRAWN: "企业放弃",
                  DeclineReason.OTHER: "其他"}
GUARANTEES = ("信用", "保证", "抵押", "质押", "担保公司担保", "其他")

ORDER = {LeadStage.CONTACT: 0, LeadStage.INTENT: 1, LeadStage.ACCEPTED: 2, LeadStage.APPROVED: 3,
         LeadStage.DISBURSED: 4}
FINAL = (LeadStage.DECLINED, LeadStage.WITHDRAWN)
#: Stages a lead is still worked on in (reminders, overdue list).
OPEN_STAGES = (LeadStage.CONTACT, LeadStage.INTENT, LeadStage.ACCEPTED, LeadStage.APPROVED)
#: What a person may record (contact is where every lead starts).
RECORDABLE = (LeadStage.INTENT, LeadStage.ACCEPTED, LeadStage.APPROVED, LeadStage.DISBURSED, LeadStage.DECLINED,
              LeadStage.WITHDRAWN)
AMOUNT_REQUIRED = (LeadStage.APPROVED, LeadStage.DISBURSED)
MAX_AMOUNT = 10**13  # 元: a thousand 亿, beyond any single loan
TENFOLD = 10


@dataclass(frozen=True)
class StageDraft:
    stage: str
    occurred_on: date | None = None
    amount: int | None = None  # 元
    product_id: int | None = None
    rate_bp: int | None = None
    term_months: int | None = None
    guarantee: str = ""
    next_step: str = ""
    reason_category: str = ""
    note: str = ""
    amount_reason: str = ""  # why an amount above ten times the need is right
    corrects_id: int | None = None
    correction_reason: str = ""


@dataclass
class RecordState:
    """One live (not superseded) record as the rules need it."""

    id: int
    stage: LeadStage
    amount: int | None


@dataclass
class LeadState:
    """What a new record is checked against: the lead's start, its need, its live records."""

    started_on: date
    need_amount: int | None
    records: list[RecordState] = field(default_factory=list)
    product_ids: Sequence[int] | None = None  # the institution's products (None: not checked)

    def without(self, record_id: int | None) -> LeadState:
        return LeadState(self.started_on, self.need_amount, [r for r in self.records if r.id != record_id],
                         self.product_ids)

    @property
    def stage(self) -> LeadStage:
        return stage_of([(r.stage, r.id) for r in self.records])

    @property
    def approved(self) -> int | None:
        approvals = [r for r in self.records if r.stage == LeadStage.APPROVED and r.amount is not None]
        return max(approvals, key=lambda r: r.id).amount if approvals else None

    @property
    def disbursed(self) -> int:
        return sum(r.amount or 0 for r in self.records if r.stage == LeadStage.DISBURSED)


def stage_of(records: Sequence[tuple[LeadStage | str, int]]) -> LeadStage:
    """The lead's stage from its live records (stage, id): the latest final one if any, else the furthest."""
    stages = [(LeadStage(s), i) for s, i in records]
    finals = [(i, s) for s, i in stages if s in FINAL]
    if finals:
        return max(finals)[1]
    return max((s for s, _ in stages), key=ORDER.__getitem__, default=LeadStage.CONTACT)


def check(draft: StageDraft, state: LeadState, *, today: date) -> dict[str, str]:
    """Every problem of `draft` against `state`, by field (empty: it may be recorded)."""
    problems: dict[str, str] = {}
    if draft.corrects_id is not None:
        if draft.corrects_id not in {r.id for r in state.records}:
            problems["corrects_id"] = "只能更正本线索中未被更正过的记录"
        if not draft.correction_reason.strip():
            problems["correction_reason"] = "更正记录时请填写更正原因"
        state = state.without(draft.corrects_id)
    try:
        stage = LeadStage(draft.stage)
    except ValueError:
        stage = None
    if stage not in RECORDABLE:
        problems["stage"] = "请选择阶段：" + "、".join(STAGE_LABELS[s] for s in RECORDABLE)
        return problems
    current = state.stage
    if current in FINAL:
        problems["stage"] = f"线索已{STAGE_LABELS[current]}，不能再记录新阶段（如有误请更正原记录）"
    elif stage in FINAL:
        if current == LeadStage.DISBURSED:
            problems["stage"] = "已放款的线索不能再记为未通过或企业放弃"
    elif not (ORDER[stage] > ORDER[current] or stage == current == LeadStage.DISBURSED):
        problems["stage"] = (f"阶段只能向前推进：当前为“{STAGE_LABELS[current]}”，"
                             f"不能再记录“{STAGE_LABELS[stage]}”（如有误请更正原记录）")
    if draft.occurred_on is None:
        problems.setdefault("occurred_on", "请填写日期")
    elif draft.occurred_on > today:
        problems["occurred_on"] = "日期不能晚于今天"
    elif draft.occurred_on < state.started_on:
        problems["occurred_on"] = f"日期不能早于线索产生之日（{state.started_on:%Y-%m-%d}）"
    if draft.amount is None:
        if stage in AMOUNT_REQUIRED:
            problems.setdefault("amount", f"“{STAGE_LABELS[stage]}”须填写金额")
    elif draft.amount < 0:
        problems["amount"] = "金额不能为负数"
    elif draft.amount > MAX_AMOUNT:
        problems["amount"] = "金额过大，请检查单位（万元）"
    elif stage == LeadStage.DISBURSED and state.approved is not None \
            and state.disbursed + draft.amount > state.approved:
        problems["amount"] = (f"累计放款不能超过授信金额（授信 {state.approved / 10_000:g} 万元，"
                              f"已放款 {state.disbursed / 10_000:g} 万元）")
    elif (state.need_amount and draft.amount > TENFOLD * state.need_amount and not draft.amount_reason.strip()):
        problems["amount"] = (f"金额超过需求金额（{state.need_amount / 10_000:g} 万元）的 10 倍，"
                              "请在“金额说明”中写明原因")
    if draft.rate_bp is not None and not 0 <= draft.rate_bp <= 10_000:
        problems["rate"] = "利率应在 0 到 100% 之间"
    if draft.term_months is not None and not 1 <= draft.term_months <= 600:
        problems["term_months"] = "期限应在 1 到 600 个月之间"
    if draft.guarantee and draft.guarantee not in GUARANTEES:
        problems["guarantee"] = "担保方式应为 " + "、".join(GUARANTEES) + " 之一"
    if stage == LeadStage.DECLINED:
        if draft.reason_category not in {r.value for r in DeclineReason}:
            problems["reason_category"] = "请选择未通过原因：" + "、".join(DECLINE_LABELS.values())
        elif draft.reason_category == DeclineReason.OTHER and not draft.note.strip():
            problems["note"] = "原因为“其他”时请填写说明"
    if draft.product_id is not None and state.product_ids is not None and draft.product_id not in state.product_ids:
        problems["product_id"] = "所选产品不属于本机构"
    return problems


# --- parsing -----------------------------------------------------------------------------------


def _text(value: Any, limit: int) -> str:
    return ("" if value is None else str(value)).strip()[:limit]


def parse_wan(value: Any, problems: dict[str, str], name: str) -> int | None:
    """An amount in 万元 (form, workbook) as integer 元."""
    text = _text(value, 40).replace(",", "")
    if not text:
        return None
    try:
        wan = Decimal(text)
    except InvalidOperation:
        problems[name] = "金额应为数字（万元）"
        return None
    if not wan.is_finite():
        problems[name] = "金额应为数字（万元）"
        return None
    if wan < 0:
        problems[name] = "金额不能为负数"
        return None
    return int((wan * 10_000).to_integral_value())


def parse_percent(value: Any, problems: dict[str, str], name: str) -> int | None:
    text = _text(value, 20).rstrip("%").strip()
    if not text:
        return None
    try:
        percent = Decimal(text)
    except InvalidOperation:
        problems[name] = "利率应为百分数，例如 3.45"
        return None
    if not percent.is_finite():
        problems[name] = "利率应为百分数，例如 3.45"
        return None
    return int((percent * 100).to_integral_value())


def parse_int(value: Any, problems: dict[str, str], name: str, message: str) -> int | None:
    text = _text(value, 20)
    if not text:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not text.lstrip("-").isdigit() or len(text) > 12:
        problems[name] = message
        return None
    return int(text)


def parse_date(value: Any, problems: dict[str, str], name: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value, 20)
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        problems[name] = "日期格式应为 2026-12-08"
        return None


def stage_code(value: Any) -> str:
    """A stage from its code or its Chinese label ("" stays "")."""
    text = _text(value, 20)
    for stage, label in STAGE_LABELS.items():
        if text in (label, stage.value):
            return stage.value
    return text


def reason_code(value: Any) -> str:
    text = _text(value, 20)
    for reason, label in DECLINE_LABELS.items():
        if text in (label, reason.value):
            return reason.value
    return text


TEXT_FIELDS = ("stage", "guarantee", "next_step", "reason_category", "note", "amount_reason", "correction_reason")


def _control_characters(draft: StageDraft, problems: dict[str, str]) -> None:
    """NUL and other control characters are refused by PostgreSQL with a server error: bad input here."""
    for name in TEXT_FIELDS:
        try:
            refuse_control_characters(getattr(draft, name))
        except ValueError as error:
            problems.setdefault(name, str(error))


def parse_form(raw: Mapping[str, Any]) -> StageDraft:
    """A stage from a page's form (amount in 万元, rate in %); InvalidInput names every bad field."""
    problems: dict[str, str] = {}
    draft = StageDraft(
        stage=stage_code(raw.get("stage")),
        occurred_on=parse_date(raw.get("occurred_on"), problems, "occurred_on"),
        amount=parse_wan(raw.get("amount"), problems, "amount"),
        product_id=parse_int(raw.get("product_id"), problems, "product_id", "请选择产品"),
        rate_bp=parse_percent(raw.get("rate"), problems, "rate"),
        term_months=parse_int(raw.get("term_months"), problems, "term_months", "期限应为整数（月）"),
        guarantee=_text(raw.get("guarantee"), 30),
        next_step=_text(raw.get("next_step"), 200),
        reason_category=reason_code(raw.get("reason_category")),
        note=_text(raw.get("note"), 300),
        amount_reason=_text(raw.get("amount_reason"), 200),
        corrects_id=parse_int(raw.get("corrects_id"), problems, "corrects_id", "更正的记录编号应为整数"),
        correction_reason=_text(raw.get("correction_reason"), 300),
    )
    _control_characters(draft, problems)
    if problems:
        raise InvalidInput(problems)
    return draft


def parse_json(body: Mapping[str, Any]) -> StageDraft:
    """A stage from an API body: amounts in integer 元, rate in basis points."""
    problems: dict[str, str] = {}

    def integer(name: str) -> int | None:
        value = body.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            problems[name] = f"{name} 应为整数"
            return None
        return value

    def text(name: str, limit: int) -> str:
        value = body.get(name, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            problems[name] = f"{name} 应为字符串"
            return ""
        return value.strip()[:limit]

    occurred = body.get("occurred_on")
    draft = StageDraft(
        stage=text("stage", 20), occurred_on=parse_date(occurred, problems, "occurred_on")
        if isinstance(occurred, str) else None,
        amount=integer("amount"), product_id=integer("product_id"), rate_bp=integer("rate_bp"),
        term_months=integer("term_months"), guarantee=text("guarantee", 30), next_step=text("next_step", 200),
        reason_category=text("reason_category", 20), note=text("note", 300),
        amount_reason=text("amount_reason", 200), corrects_id=integer("corrects_id"),
        correction_reason=text("correction_reason", 300))
    _control_characters(draft, problems)
    if occurred is not None and not isinstance(occurred, str):
        problems["occurred_on"] = "occurred_on 应为 YYYY-MM-DD 字符串"
    if problems:
        raise InvalidInput(problems)
    return draft
