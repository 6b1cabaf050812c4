"""Field registry and derived fields: calendar arithmetic, validity, IP classes, ratios."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.matching.dates import add_years, last_valid_day, years_between
from matchmaker.matching.fields import FieldType, default_fields, held_qualifications
from tests.matching.factories import make_enterprise, make_need

FIELDS = default_fields()


def value(key, enterprise, need=None, as_of=date(2026, 6, 30)):
    field = FIELDS.get(key)
    assert field is not None
    return field.value(enterprise, need, as_of)


def test_established_on_a_leap_day_is_one_year_old_on_28_february():
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert years_between(date(2020, 2, 29), date(2021, 2, 28)) == 1.0
    assert years_between(date(2020, 2, 29), date(2021, 2, 27)) == 364 / 365


def test_in_a_leap_year_the_anniversary_of_29_february_is_29_february():
    assert years_between(date(2020, 2, 29), date(2024, 2, 28)) == 3 + 365 / 366
    assert years_between(date(2020, 2, 29), date(2024, 2, 29)) == 4.0


def test_exact_anniversaries_are_whole_numbers():
    assert years_between(date(2021, 6, 30), date(2026, 6, 30)) == 5.0
    assert years_between(date(2021, 7, 1), date(2026, 6, 30)) == 4 + 364 / 365


def test_years_established_on_the_as_of_date():
    assert value("years_established", make_enterprise(established=date(2024, 6, 30))) == 2.0
    assert value("years_established", make_enterprise(established=None)) is None


def test_high_tech_certificate_is_valid_three_years_unless_told_otherwise():
    assert last_valid_day(date(2023, 7, 1), 3) == date(2026, 6, 30)
    e = make_enterprise(qualifications={"高新技术企业": date(2023, 7, 1), "专精特新": date(2015, 1, 1)})
    assert held_qualifications(e, date(2026, 6, 30)) == {"高新技术企业", "专精特新"}
    assert held_qualifications(e, date(2026, 7, 1)) == {"专精特新"}
    explicit = make_enterprise(qualifications={"专精特新": date(2023, 1, 1)},
                               qualification_valid_until={"专精特新": date(2025, 12, 31)})
    assert held_qualifications(explicit, date(2026, 1, 1)) == frozenset()


def test_a_qualification_obtained_after_the_as_of_date_is_not_held():
    e = make_enterprise(qualifications={"瞪羚": date(2026, 7, 1)})

    assert value("qualifications", e) == frozenset()
    assert value("qualification_age_years.瞪羚", e) == -1 + 364 / 365


def test_certificate_age_counts_from_the_date_obtained():
    e = make_enterprise(qualifications={"高新技术企业": date(2023, 6, 30)})

    assert value("qualification_age_years.高新技术企业", e) == 3.0
    assert value("qualification_age_years.专精特新", e) is None


def test_ip_classes_follow_the_high_tech_rules():
    e = make_enterprise(invention_patents=2, ic_layouts=1, utility_patents=5, design_patents=None,
                        software_copyrights=3, trademarks=4)

    assert (value("ip_class1", e), value("ip_class2", e), value("ip_total", e)) == (3, 8, 15)
    assert value("ip_total", make_enterprise()) is None


def test_ratios_are_exact_at_round_percentages():
    e = make_enterprise(existing_debt=7_000_000, total_assets=10_000_000)

    assert value("debt_ratio", e) == 70.0
    assert value("debt_ratio_after_loan", e, make_need(amount=500_000)) == 75.0
    assert value("debt_ratio", make_enterprise(existing_debt=1, total_assets=0)) is None


def test_industry_section_and_division_come_from_the_code():
    e = make_enterprise(industry="C3911")

    assert (value("industry_section", e), value("industry_division", e)) == ("C", "C39")


def test_registry_knows_types_units_and_labels():
    rd = FIELDS.get("rd_ratio")

    assert (rd.label, rd.type, rd.unit) == ("研发投入占比", FieldType.PERCENT, "%")
    assert FIELDS.get("custom.白名单") is None
    assert "qualification_age_years.高新技术企业" in FIELDS
    assert FIELDS.get("need.amount").needs_need and FIELDS.get("debt_ratio_after_loan").needs_need


@pytest.mark.parametrize("key", [f.key for f in default_fields()])
def test_every_builtin_field_reads_a_blank_profile_as_missing(key):
    assert value(key, make_enterprise(region=make_enterprise().region), make_need(id="x", kind="bond", amount=None,
                                                                                  term_months=None)) in (
        None, frozenset(), "91330108MA27XXXX0X", "示例科技有限公司", "浙江省", "杭州市", "滨江区", False, "bond")


def test_a_custom_value_of_the_wrong_type_reads_as_missing():
    from matchmaker.matching.fields import custom_field

    score = custom_field("创新积分", FieldType.NUMBER)
    listed = custom_field("白名单", FieldType.BOOL)
    e = make_enterprise(custom={"创新积分": "很高", "白名单": "是"})

    assert (score.value(e, None, date(2026, 6, 30)), listed.value(e, None, date(2026, 6, 30))) == (None, None)
    assert score.value(make_enterprise(custom={"创新积分": 72}), None, date(2026, 6, 30)) == 72
