"""The loader reads the fixture back from the database into the very figures computed by hand."""

from __future__ import annotations

from dataclasses import replace

from matchmaker.services.reports import statistics
from matchmaker.services.reports.data import load_dataset
from matchmaker.stats.periods import quarter
from matchmaker.stats.summary import breakdown, headline
from tests.factories import make_organizer
from tests.services.reports.factories import load_fixture
from tests.stats.fixture import DATASET


async def test_the_loaded_rows_give_the_hand_computed_figures(db):
    loaded = await load_fixture(await make_organizer())
    q4 = quarter(2026, 4)

    data = await load_dataset([e.pk for e in loaded.events.values()])

    expected = replace(DATASET, responses=())
    ours, theirs = headline(data, q4), headline(expected, q4)
    assert replace(ours, responsiveness=None) == replace(theirs, responsiveness=None)
    assert ours.disbursed.split.recorded.amount == 5_500_000 and ours.meetings_held == 4
    assert ([(r.label, r.disbursed.split.recorded) for r in breakdown(data, q4, "institution").rows]
            == [(r.label, r.disbursed.split.recorded) for r in breakdown(expected, q4, "institution").rows])
    scope = await statistics.programme_scope(await loaded.programme.organizer, loaded.programme.pk)
    assert scope.event_ids == tuple(sorted(e.pk for e in loaded.events.values()))
    assert statistics.period_of(scope, "").label == "2026-01-01..2026-12-31"
