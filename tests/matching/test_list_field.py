"""`list.<key>`: membership of a dated list on the as-of date, the same in the explained and the
vectorised paths, with the list's name in the reason."""

from __future__ import annotations

from datetime import date

from matchmaker import matching
from matchmaker.matching.fields import list_field
from tests.matching.factories import FIELDS, leaf, make_enterprise, make_product

REGISTRY = FIELDS.with_lists([list_field("red", label="守信红名单"), list_field("seed", label="金种子")])
ON_RED = {"red": (date(2026, 1, 1), date(2026, 12, 31)), "seed": (None, None)}


def test_membership_holds_from_the_first_to_the_last_valid_day_in_both_paths():
    product = make_product({"id": "root", "all": [leaf("list.red", "true", id="red")]}, fields=REGISTRY)
    member, outsider = make_enterprise(lists=ON_RED), make_enterprise(uscc="91330108MA27YYYY0X")
    days = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1)]
    explained = [matching.explain(matching.Subject(member, None, day), product).eligible for day in days]
    vectorised = [bool(matching.MatchIndex([member, outsider], day).evaluate([product]).eligible[0, 0]) for day in days]
    assert explained == vectorised == [False, True, True, False]
    assert not matching.explain(matching.Subject(outsider, None, date(2026, 6, 30)), product).eligible
    reason = matching.explain(matching.Subject(member, None, date(2026, 6, 30)), product).reasons[0]
    assert "守信红名单" in reason.text and reason.outcome == "pass"


def test_an_open_ended_list_and_an_unknown_list_key():
    seed = make_product({"id": "root", "all": [leaf("list.seed", "true")]}, fields=REGISTRY)
    assert matching.explain(matching.Subject(make_enterprise(lists=ON_RED), None, date(2040, 1, 1)), seed).eligible
    assert "list.seed" in REGISTRY and "list.other" not in REGISTRY and "list.seed" not in FIELDS
