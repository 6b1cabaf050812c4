"""The pipeline in Excel: banks report monthly in workbooks. Export every lead of the institution with
empty columns to fill; upload it back and every filled row is recorded, all or nothing.

The upload goes through the registry's workbook guard (zip and row checks, formulas refused, the
sheet by its name). Each bad cell is reported by row and column; nothing is written on any error.
Rows of one lead are applied in order, each checked against the lead as the rows before left it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import DomainError
from matchmaker.models import AuditLog, FinancingNeed, NeedStatus, Notification, Organization, Product, User
from matchmaker.models.outcomes import Confirmation, FinancingLead, LeadRecord, LeadStage, Side
from matchmaker.models.registry import EnterpriseProfile
from matchmaker.services.audit import current_origin
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.outcomes import stages
from matchmaker.services.outcomes.facts import refresh_facts
from matchmaker.services.outcomes.leads import SHANGHAI, _first_loan_in_tx, today
from matchmaker.services.outcomes.stages import LeadState, RecordState, StageDraft
from matchmaker.services.outcomes.xlsx import write_xlsx
from matchmaker.services.registry.io.workbook import UnsafeFile, read_upload

SHEET = "对接线索"
MAX_ROWS = 100_000
MAX_UPLOAD_ROWS = 10_000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CHUNK = 500

ID = "线索编号"
SHOWN = [ID, "企业", "融资需求", "需求金额（万元）", "产品", "当前阶段", "意向金额（万元）", "授信金额（万元）",
         "已放款（万元）", "最近更新"]
#: The columns to fill, and the field of a stage each one feeds.
FILL = {"新阶段": "stage", "日期": "occurred_on", "金额（万元）": "amount", "利率（%）": "rate",
        "期限（月）": "term_months", "担保方式": "guarantee", "未通过原因": "reason_category", "下一步": "next_step",
        "说明": "note", "金额说明": "amount_reason"}
COLUMN_OF = {v: k for k, v in FILL.items()} | {"product_id": "产品", "corrects_id": ID}
HEADERS = SHOWN + list(FILL)


@dataclass(frozen=True)
class CellProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


class WorkbookRefused(DomainError):
    """The upload was refused as a whole: `problems` lists every bad cell (nothing was written)."""

    status_code = 400

    def __init__(self, problems: Sequence[CellProblem] | None = None, message: str = "") -> None:
        super().__init__(message or f"共有 {len(problems or [])} 处错误，未导入任何数据")
        self.problems = list(problems or [])


def _wan(amount: int | None) -> float | None:
    return None if amount is None else amount / 10_000


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def export_pipeline(institution: Organization) -> bytes:
    """Every lead of the institution, oldest first, with the columns to fill left empty.

    Read CHUNK leads at a time and written in a thread: 100,000 leads are seconds of CPU, and
    read in one query their conversion alone would hold the event loop (every other request of
    the process) for over a second."""
    labels = {s.value: label for s, label in stages.STAGE_LABELS.items()}
    rows: list[list[Any]] = []
    last_id = 0
    while True:
        leads = await (FinancingLead.filter(institution_id=institution.pk, id__gt=last_id).order_by("id")
                       .limit(CHUNK).values_list("id", "enterprise__name", "need__title", "need__amount",
                                                 "product__name", "stage", "stage_changed_at"))
        if not leads:
            break
        last_id = leads[-1][0]
        intent: dict[int, int] = {}
        approved: dict[int, int] = {}
        disbursed: dict[int, int] = defaultdict(int)
        # A lead has at most one live record of each stage but 已放款 (stages move forward,
        # corrections supersede).
        for lead_id, stage, amount in await (LeadRecord.filter(
                lead_id__in=[lead[0] for lead in leads], superseded=False, amount__isnull=False,
                stage__in=(LeadStage.INTENT, LeadStage.APPROVED, LeadStage.DISBURSED))
                .values_list("lead_id", "stage", "amount")):
            if stage == LeadStage.INTENT:
                intent[lead_id] = amount
            elif stage == LeadStage.APPROVED:
                approved[lead_id] = amount
            elif stage == LeadStage.DISBURSED:
                disbursed[lead_id] += amount
        rows += [[lead_id, enterprise, need, _wan(need_amount), product or "", labels[str(stage)],
                  _wan(intent.get(lead_id)), _wan(approved.get(lead_id)), _wan(disbursed.get(lead_id)),
                  changed.astimezone(SHANGHAI).strftime("%Y-%m-%d")]
                 for lead_id, enterprise, need, need_amount, product, stage, changed in leads]
    return await asyncio.to_thread(write_xlsx, HEADERS, rows, title=SHEET)


@dataclass
class _Row:
    number: int
    lead: FinancingLead
    draft: StageDraft


def _cell(problems: list[CellProblem], number: int, field_problems: dict[str, str]) -> None:
    for name, message in field_problems.items():
        problems.append(CellProblem(number, COLUMN_OF.get(name, name), message))


async def _leads_of(institution: Organization, ids: Sequence[int]) -> dict[int, FinancingLead]:
    found: dict[int, FinancingLead] = {}
    for chunk in _chunks(sorted(set(ids))):
        for lead in await FinancingLead.filter(institution_id=institution.pk, id__in=list(chunk)):
            found[lead.pk] = lead
    return found


async def _states(leads: dict[int, FinancingLead], product_ids: list[int]) -> dict[int, LeadState]:
    records: dict[int, list[RecordState]] = defaultdict(list)
    need_amounts: dict[int, int] = {}
    ids = sorted(leads)
    for chunk in _chunks(ids):
        for lead_id, record_id, stage, amount in await (LeadRecord.filter(lead_id__in=list(chunk), superseded=False)
                                                        .order_by("id").values_list("lead_id", "id", "stage",
                                                                                    "amount")):
            records[lead_id].append(RecordState(record_id, LeadStage(stage), amount))
    need_ids = sorted({lead.need_id for lead in leads.values()})
    for chunk in _chunks(need_ids):
        need_amounts.update(dict(await FinancingNeed.filter(id__in=list(chunk)).values_list("id", "amount")))
    return {lead_id: LeadState(lead.first_contact_at.astimezone(SHANGHAI).date(), need_amounts.get(lead.need_id),
                               records[lead_id], product_ids) for lead_id, lead in leads.items()}


async def parse_upload(institution: Organization, data: bytes) -> list[_Row]:
    """Every filled row as a checked stage; WorkbookRefused with every bad cell otherwise."""
    try:
        sheet = await read_upload(data, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_UPLOAD_ROWS, title=SHEET)
    except UnsafeFile as error:
        raise WorkbookRefused(message=str(error)) from None
    index = {header: i for i, header in enumerate(sheet.headers) if header}
    missing = [h for h in (ID, *FILL) if h not in index]
    if missing:
        raise WorkbookRefused(message="表头缺少列：" + "、".join(missing) + "。请使用从本平台导出的文件填写")

    def value(cells: list[Any], header: str) -> Any:
        i = index[header]
        return cells[i] if i < len(cells) else None

    problems: list[CellProblem] = []
    filled: list[tuple[int, int | None, list[Any]]] = []
    for number, cells in sheet.rows:
        if all(value(cells, h) in (None, "") for h in FILL):
            continue  # a row nobody filled
        raw_id = value(cells, ID)
        lead_id = raw_id if isinstance(raw_id, int) else int(raw_id) if isinstance(raw_id, float) and \
            raw_id.is_integer() else int(str(raw_id).strip()) if str(raw_id or "").strip().isdigit() else None
        if lead_id is None:
            problems.append(CellProblem(number, ID, "线索编号应为导出文件中的编号"))
        filled.append((number, lead_id, cells))
    products = list(await Product.filter(organization_id=institution.pk).values_list("id", flat=True))
    found = await _leads_of(institution, [lead_id for _n, lead_id, _c in filled if lead_id is not None])
    states = await _states(found, products)
    day = today()
    rows: list[_Row] = []
    for number, lead_id, cells in filled:
        if lead_id is None:
            continue
        lead = found.get(lead_id)
        if lead is None:  # unknown, or another institution's: the same answer
            problems.append(CellProblem(number, ID, f"本机构没有编号为 {lead_id} 的线索"))
            continue
        raw = {name: value(cells, header) for header, name in FILL.items()}
        try:
            draft = stages.parse_form(raw)
        except Exception as error:  # InvalidInput: bad number or date formats, by field
            _cell(problems, number, getattr(error, "problems", {"stage": str(error)}))
            continue
        if not draft.stage:
            problems.append(CellProblem(number, "新阶段", "填写了其他列时请填写新阶段"))
            continue
        state = states[lead_id]
        field_problems = stages.check(draft, state, today=day)
        if field_problems:
            _cell(problems, number, field_problems)
            continue
        state.records.append(RecordState(-number, LeadStage(draft.stage), draft.amount))  # later rows see it
        rows.append(_Row(number, lead, draft))
    if problems:
        raise WorkbookRefused(sorted(problems, key=lambda p: (p.row, HEADERS.index(p.column)
                                                             if p.column in HEADERS else 99)))
    if not rows:
        raise WorkbookRefused(message="没有填写任何新阶段：请在“新阶段”等列填写后再上传")
    return rows


async def bulk_update(institution: Organization, data: bytes, *, by: User | None,
                      then: Callable[[int], Awaitable[None]] | None = None) -> int:
    """Record every filled row of an uploaded workbook in one transaction; returns how many.
    `then(rows)` runs inside that transaction (a background job marks itself done there)."""
    rows = await parse_upload(institution, data)
    now = utc_now()
    first_loan_enterprises = set(await EnterpriseProfile.filter(
        organization_id__in=list({r.lead.enterprise_id for r in rows if r.draft.stage == LeadStage.DISBURSED}),
        first_loan=True).values_list("organization_id", flat=True))
    async with in_transaction():
        plain: list[LeadRecord] = []
        leads: dict[int, FinancingLead] = {}
        for row in rows:
            record = LeadRecord(
                lead_id=row.lead.pk, stage=LeadStage(row.draft.stage), occurred_on=row.draft.occurred_on,
                amount=row.draft.amount, rate_bp=row.draft.rate_bp, term_months=row.draft.term_months,
                guarantee=row.draft.guarantee, next_step=row.draft.next_step,
                reason_category=row.draft.reason_category or None if row.draft.stage == LeadStage.DECLINED else None,
                note=(row.draft.note + (f" 金额说明：{row.draft.amount_reason}" if row.draft.amount_reason else ""))
                .strip()[:300], recorded_side=Side.INSTITUTION, recorded_by=by, confirmation=Confirmation.PENDING)
            lead = leads.setdefault(row.lead.pk, row.lead)
            if row.draft.stage == LeadStage.DISBURSED and lead.enterprise_id in first_loan_enterprises:
                await LeadRecord.bulk_create(plain, batch_size=CHUNK)  # records stay in row order
                plain = []
                await record.save()
                if await _first_loan_in_tx(lead, record, by):
                    record.first_loan = True
                    await record.save(update_fields=["first_loan"])
                first_loan_enterprises.discard(lead.enterprise_id)
            else:
                plain.append(record)
        await LeadRecord.bulk_create(plain, batch_size=CHUNK)
        states = await _states(leads, [])
        for lead_id, lead in leads.items():
            lead.stage, lead.stage_changed_at = states[lead_id].stage, now
        await FinancingLead.bulk_update(list(leads.values()), fields=["stage", "stage_changed_at"], batch_size=CHUNK)
        await refresh_facts(leads)
        await _sync_needs(sorted({lead.need_id for lead in leads.values()}), by=by)
        enterprises = sorted({lead.enterprise_id for lead in leads.values()})
        await Notification.bulk_create([
            Notification(organization_id=e, kind="lead.recorded", link="/enterprise/leads",
                         text=f"{institution.name} 更新了融资进展，请确认或提出异议") for e in enterprises],
            batch_size=CHUNK)
        origin = current_origin.get()
        await AuditLog.create(actor=by, organization=institution, action="lead.bulk_update",
                              object_type="FinancingLead", after={"records": len(rows), "leads": sorted(leads)},
                              ip=origin.ip, request_id=origin.request_id)
        if then is not None:
            await then(len(rows))
    return len(rows)


async def _sync_needs(need_ids: list[int], *, by: User | None) -> None:
    """The bulk form of leads.sync_need_in_tx: one query per chunk, one audit row per changed need."""
    moment = db_time(datetime.now(SHANGHAI))
    origin = current_origin.get()
    for chunk in _chunks(need_ids):
        lead_stages: dict[int, set[str]] = defaultdict(set)
        for need_id, stage in await FinancingLead.filter(need_id__in=list(chunk)).values_list("need_id", "stage"):
            lead_stages[need_id].add(str(stage))
        needs = await FinancingNeed.filter(id__in=list(chunk)).exclude(status=NeedStatus.WITHDRAWN) \
            .values_list("id", "status", "enterprise_id")
        moves: dict[NeedStatus, list[int]] = defaultdict(list)
        audits: list[AuditLog] = []
        for need_id, status, enterprise_id in needs:
            found = lead_stages[need_id]
            target = NeedStatus.GRANTED if LeadStage.DISBURSED.value in found else \
                NeedStatus.IN_TALKS if found - {s.value for s in stages.FINAL} else NeedStatus.OPEN
            if str(status) != target.value:
                moves[target].append(need_id)
                audits.append(AuditLog(actor=by, organization_id=enterprise_id, action=f"need.{target.value}",
                                       object_type="FinancingNeed", object_id=str(need_id),
                                       before={"status": str(status)}, after={"status": target.value, "by": "leads"},
                                       ip=origin.ip, request_id=origin.request_id))
        for target, ids in moves.items():
            await FinancingNeed.filter(id__in=ids).update(status=target, status_changed_at=moment)
        if audits:
            await AuditLog.bulk_create(audits, batch_size=CHUNK)
