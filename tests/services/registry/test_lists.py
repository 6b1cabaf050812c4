"""Lists (名单) as dated objects: membership on the as-of date, all-or-nothing member imports
with bad USCC by row, imports that keep the members they do not mention, `list.<key>` in
criteria and platform rules, and the priority a red list gives in ranking and scheduling."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker import matching
from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import AuditLog, ListMember, PlatformRule
from matchmaker.services.matching.catalogue import CatalogueCache
from matchmaker.services.matching.institution import matching_needs_for_product
from matchmaker.services.matching.recommendations import recommendations_for_need
from matchmaker.services.registry import lists
from matchmaker.services.registry.custom_fields import criteria_fields
from matchmaker.services.registry.io.transfer import ImportRejected
from matchmaker.services.scheduling.problem_export import PRIORITY_LIST_POINTS, export_problem
from tests.conftest import next_uscc
from tests.factories import (
    make_enterprise,
    make_event,
    make_institution,
    make_need,
    make_organizer,
    make_product,
    make_user,
    register,
)
from tests.services.registry.test_registry_io import LIMITS, workbook

HEADERS = ["统一社会信用代码", "企业名称", "备注", "列入日期"]
TODAY = date(2026, 3, 1)


def draft(**changes) -> lists.ListDraft:
    values = dict(key="red2026", name="2026年度星河市科技型企业守信红名单", kind="red", issuer="星河市科学技术局",
                  source_document="星科发〔2026〕3号", valid_from="2026-01-01", valid_until="2026-12-31",
                  priority=True)
    values.update(changes)
    return lists.ListDraft(**values)


@pytest.fixture
async def organizer(db):
    org = await make_organizer()
    return org, await make_user(org)


async def _import(organizer, row, rows, *, replace=False, name="名单.xlsx"):
    org, user = organizer
    return await lists.import_members(org, row.pk, name, workbook(HEADERS, *rows), replace=replace, by=user,
                                      limits=LIMITS, today=TODAY)


async def test_membership_counts_only_within_the_lists_validity(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(), by=user)
    enterprise = await make_enterprise()
    await _import(organizer, row, [[enterprise.uscc, enterprise.name, "", None]])
    held = (await lists.memberships([enterprise.uscc]))[enterprise.uscc]
    field = (await criteria_fields()).get("list.red2026")
    profile = matching.EnterpriseProfile(uscc=enterprise.uscc, name=enterprise.name, lists=held)
    outsider = matching.EnterpriseProfile(uscc=next_uscc(), name="乙")

    def on(day: date, who=profile) -> bool:
        return field.value(who, None, day)

    assert field.type is matching.FieldType.BOOL and field.label == "在名单“2026年度星河市科技型企业守信红名单”上（按评估日期有效）"
    assert (on(date(2025, 12, 31)), on(date(2026, 1, 1)), on(date(2026, 6, 30)), on(date(2026, 12, 31)),
            on(date(2027, 1, 1))) == (False, True, True, True, False)
    assert on(date(2026, 6, 30), outsider) is False


async def test_bad_input_is_refused_beside_the_field_and_nothing_is_written(organizer):
    org, user = organizer
    with pytest.raises(InvalidInput) as error:
        await lists.create_list(org, draft=draft(key="1bad", name="", valid_from="2026-12-31",
                                                 valid_until="2026-01-01", kind="black", priority=True), by=user)
    assert set(error.value.problems) == {"key", "name", "valid_until", "priority"}
    assert "不能早于" in error.value.problems["valid_until"]
    await lists.create_list(org, draft=draft(), by=user)
    with pytest.raises(InvalidInput) as error:
        await lists.create_list(org, draft=draft(name="另一份"), by=user)
    assert error.value.problems == {"key": "名单代码 red2026 已存在"}
    with pytest.raises(InvalidInput) as error:
        await lists.create_list(org, draft=draft(key="x2", valid_from="2026-13-01"), by=user)
    assert "valid_from" in error.value.problems
    assert len(await lists.lists_of(org)) == 1


async def test_an_import_with_a_bad_uscc_is_refused_by_row_and_writes_nothing(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(), by=user)
    good = next_uscc()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ImportRejected) as error:
        await _import(organizer, row, [[good, "甲", "", None], [bad, "乙", "", None], ["123", "丙", "", None],
                                       [good, "甲again", "", None]])
    report = [(p.row, p.column) for p in error.value.problems]
    assert report == [("第 3 行", "统一社会信用代码"), ("第 4 行", "统一社会信用代码"), ("第 5 行", "统一社会信用代码")]
    assert "校验码错误" in error.value.problems[0].message
    assert "重复" in error.value.problems[2].message
    assert await ListMember.filter(registry_list_id=row.pk).count() == 0
    assert not await AuditLog.exists(action="list.import_members")


async def test_an_import_keeps_the_members_it_does_not_mention_unless_replace(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(), by=user)
    a, b, c = next_uscc(), next_uscc(), next_uscc()
    first = await _import(organizer, row, [[a, "甲", "第一批", "2026-01-15"], [b, "乙", "", None]])
    assert (first.added, first.updated, first.removed) == (2, 0, 0)
    second = await _import(organizer, row, [[b, "乙", "复核通过", None], [c, "丙", "", None]])
    assert (second.added, second.updated, second.removed) == (1, 1, 0)
    members = {m.uscc: m for m in await ListMember.filter(registry_list_id=row.pk)}
    assert set(members) == {a, b, c}
    assert (members[a].note, members[a].added_on) == ("第一批", date(2026, 1, 15))
    assert (members[b].note, members[b].added_on) == ("复核通过", TODAY)
    third = await _import(organizer, row, [[c, "丙", "", None]], replace=True)
    assert (third.added, third.updated, third.removed) == (0, 0, 2)
    assert await ListMember.filter(registry_list_id=row.pk).values_list("uscc", flat=True) == [c]
    logged = await AuditLog.filter(action="list.import_members").order_by("id").values_list("after", flat=True)
    assert [entry["removed"] for entry in logged] == [0, 0, 2]


async def test_another_organizations_list_is_not_found(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(), by=user)
    other = await make_organizer()
    with pytest.raises(NotFound):
        await lists.get_list(other, row.pk)
    with pytest.raises(NotFound):
        await lists.import_members(other, row.pk, "x.xlsx", workbook(HEADERS, [next_uscc(), "", "", None]),
                                   replace=False, by=user, limits=LIMITS, today=TODAY)


async def test_export_round_trips_through_import(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(), by=user)
    a = next_uscc()
    await _import(organizer, row, [[a, "甲", "备注", "2026-02-01"]])
    _, data = await lists.export_members(org, row.pk)
    other = await lists.create_list(org, draft=draft(key="copy", name="副本"), by=user)
    result = await lists.import_members(org, other.pk, "导出.xlsx", data, replace=False, by=user, limits=LIMITS,
                                        today=TODAY)
    assert result.added == 1
    copied = await ListMember.get(registry_list_id=other.pk)
    assert (copied.uscc, copied.name, copied.note, copied.added_on) == (a, "甲", "备注", date(2026, 2, 1))


LISTED = {"id": "root", "all": [{"id": "seed", "text": "列入金种子企业名单", "field": "list.seed", "op": "true"}]}


async def test_a_product_with_a_list_criterion_fits_members_only_while_the_list_is_valid(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(key="seed", name="金种子企业名单", kind="golden_seed",
                                                   priority=False, valid_until="2026-06-30"), by=user)
    member, outsider = await make_enterprise("甲"), await make_enterprise("乙")
    await _import(organizer, row, [[member.uscc, "甲", "", None]])
    bank = await make_institution()
    product = await make_product(bank, LISTED, name="金种子贷")
    need, other_need = await make_need(member), await make_need(outsider)
    cache = CatalogueCache()

    async def fits(need_, on):
        result = await recommendations_for_need(need_.enterprise if hasattr(need_, "enterprise") else None,
                                                need_.pk, as_of=on, cache=cache)
        return [m.offer.name for m in result.eligible]

    need.enterprise, other_need.enterprise = member, outsider
    assert await fits(need, date(2026, 6, 30)) == ["金种子贷"]
    assert await fits(need, date(2026, 7, 1)) == []
    assert await fits(other_need, date(2026, 6, 30)) == []
    seen = await matching_needs_for_product(bank, product.pk, as_of=date(2026, 6, 30), cache=cache)
    assert [m.enterprise_name for m in seen.needs] == ["甲"]
    # a member added later is seen at once (the catalogue's fingerprint follows the members)
    await _import(organizer, row, [[outsider.uscc, "乙", "", None]])
    assert await fits(other_need, date(2026, 6, 30)) == ["金种子贷"]


async def test_a_black_list_backs_a_platform_rule(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(key="black", name="失信黑名单", kind="black", priority=False,
                                                   valid_from="", valid_until=""), by=user)
    listed, clean = await make_enterprise("失信企业"), await make_enterprise("守信企业")
    await _import(organizer, row, [[listed.uscc, "失信企业", "", None]])
    await PlatformRule.create(text="失信黑名单企业不得参与对接", created_by=org,
                              criteria={"id": "nb", "field": "list.black", "op": "false"})
    await make_product(await make_institution())
    for enterprise, expected in ((listed, 0), (clean, 1)):
        need = await make_need(enterprise)
        result = await recommendations_for_need(enterprise, need.pk, as_of=date(2026, 6, 30))
        assert len(result.eligible) == expected
    blocked = await recommendations_for_need(listed, (await make_need(listed)).pk, as_of=date(2026, 6, 30))
    reasons = [r for miss in blocked.near_misses for r in miss.verdict.reasons if r.outcome == "fail"]
    assert reasons and {r.source for r in reasons} == {"platform"}
    assert any("失信黑名单" in r.text for r in reasons)


async def test_a_red_list_ranks_its_members_first_and_says_why(organizer):
    org, user = organizer
    row = await lists.create_list(org, draft=draft(), by=user)
    bank = await make_institution()
    product = await make_product(bank)
    # the plain enterprise fits better (a smaller need against the same amount), yet the red one comes first
    plain = await make_enterprise("普通企业")
    red = await make_enterprise("红名单企业")
    await make_need(plain, amount=1_000_000)
    await make_need(red, amount=4_900_000)
    before = await matching_needs_for_product(bank, product.pk, as_of=date(2026, 6, 30))
    await _import(organizer, row, [[red.uscc, red.name, "", None]])
    after = await matching_needs_for_product(bank, product.pk, as_of=date(2026, 6, 30))
    assert [m.enterprise_name for m in after.needs][0] == "红名单企业"
    assert after.needs[0].priority_lists == ("2026年度星河市科技型企业守信红名单",)
    assert {m.enterprise_name: m.priority_lists for m in before.needs} == {"普通企业": (), "红名单企业": ()}
    # outside the list's validity no priority
    later = await matching_needs_for_product(bank, product.pk, as_of=date(2027, 1, 1))
    assert all(m.priority_lists == () for m in later.needs)


async def test_a_red_list_raises_its_members_request_weights_in_the_schedule(organizer):
    from matchmaker.models import MeetingRequest, Priority, RequestState

    org, user = organizer
    event = await make_event(org)
    event.sessions = [{"day": "2026-06-30", "part": "am", "start": "09:00", "end": "10:00"}]
    await event.save()
    red, plain, bank = await make_enterprise("红"), await make_enterprise("平"), await make_institution()
    for side in (red, plain, bank):
        await register(event, side)
    for enterprise in (red, plain):
        await MeetingRequest.create(event=event, enterprise=enterprise, institution=bank, from_enterprise=True,
                                    need=await make_need(enterprise), priority=Priority.WANT,
                                    answer_priority=Priority.WANT, state=RequestState.ACCEPTED)
    row = await lists.create_list(org, draft=draft(), by=user)
    await _import(organizer, row, [[red.uscc, red.name, "", None]])
    weights = {r["enterprise"]: r["weight"] for r in (await export_problem(event))["requests"]}
    assert weights[f"E{red.pk}"] == weights[f"E{plain.pk}"] + PRIORITY_LIST_POINTS
    row.priority = False
    await row.save()
    weights = {r["enterprise"]: r["weight"] for r in (await export_problem(event))["requests"]}
    assert weights[f"E{red.pk}"] == weights[f"E{plain.pk}"]
