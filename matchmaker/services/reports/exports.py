"""Report files for the command line, where the operator is trusted like the organizer: the
workbook or the 通报 of a programme or an event over a period, by the file's extension."""

from __future__ import annotations

from datetime import UTC, datetime

from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import Event, Organization, Programme
from matchmaker.services.reports import statistics as statistics_service
from matchmaker.services.reports.excel import build_workbook
from matchmaker.services.reports.word import build_report
from matchmaker.services.tenancy import row_id


async def report_file(*, suffix: str, period: str = "", programme_id: object = None,
                      event_id: object = None) -> bytes:
    if suffix not in (".xlsx", ".docx"):
        raise InvalidInput({"output": "输出文件须以 .xlsx 或 .docx 结尾"})
    if programme_id is not None:
        programme = await Programme.get_or_none(id=row_id(programme_id))
        if programme is None:
            raise NotFound(f"没有编号为 {programme_id} 的专项活动")
        organizer = await Organization.get(id=programme.organizer_id)
        scope = await statistics_service.programme_scope(organizer, programme.pk)
    else:
        event = await Event.get_or_none(id=row_id(event_id))
        if event is None:
            raise NotFound(f"没有编号为 {event_id} 的活动")
        organizer = await Organization.get(id=event.organizer_id)
        scope = await statistics_service.event_scope(organizer, event.pk)
    stats = await statistics_service.compute(scope, statistics_service.period_of(scope, period),
                                             details=suffix == ".xlsx")
    if suffix == ".xlsx":
        return build_workbook(stats, with_details=True)
    return build_report(stats, now=datetime.now(UTC))
