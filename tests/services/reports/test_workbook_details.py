"""The workbook's detail sheets (the per-meeting and per-lead ones, written through the fast row
path of services/reports/excel.py) read back as the rows they were made from, amounts with the
万元 number format and nothing else styled."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from matchmaker.services.reports import statistics
from matchmaker.services.reports.excel import WAN_FORMAT, build_workbook
from matchmaker.stats.periods import quarter
from tests.factories import make_organizer
from tests.services.reports.factories import at, load_fixture


async def test_the_detail_sheets_hold_every_lead_and_meeting_with_their_amounts_formatted(db):
    loaded = await load_fixture(await make_organizer())
    scope = await statistics.programme_scope(await loaded.programme.organizer, loaded.programme.pk)
    computed = await statistics.compute(scope, quarter(2026, 4), now=at(date(2026, 12, 31), 12), details=True)

    book = openpyxl.load_workbook(io.BytesIO(build_workbook(computed, with_details=True)))

    leads = book["对接线索"]
    rows = list(leads.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [row[0] for row in computed.lead_rows]  # every lead, oldest first
    names = {o.pk: o.name for o in loaded.organizations.values()}
    for cells, (lead_id, enterprise, institution, _kind, on, _stage, intent, approved, paid, last) in zip(
            rows, computed.lead_rows):
        assert (cells[9].value is None) == (last is None)  # no disbursement: a blank, not an empty text
        assert (cells[1].value, cells[2].value, cells[4].value) == (names[enterprise], names[institution],
                                                                  on.isoformat())
        assert cells[8].value == paid / 10_000 and cells[8].number_format == WAN_FORMAT
        for cell, amount in ((cells[6], intent), (cells[7], approved)):
            assert cell.value == (None if amount is None else amount / 10_000)
            assert amount is None or cell.number_format == WAN_FORMAT
        assert cells[0].number_format == cells[1].number_format == "General"  # ids and names unstyled
    assert sum(c[8].value for c in rows) == sum(row[8] for row in computed.lead_rows) / 10_000 > 0
    meetings = list(book["洽谈与出席"].iter_rows(min_row=2, values_only=True))
    assert len(meetings) == len(computed.data.meetings) > 0
    assert {m[2] for m in meetings} <= set(names.values())
