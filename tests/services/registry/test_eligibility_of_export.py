"""One format: what `export products|policies|enterprises|needs FILE.json` writes, `eligibility`
reads — and judges every enterprise, need and offer of the demo exactly as the platform does."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import date

from matchmaker import matching
from matchmaker.demo.city import load_demo
from matchmaker.matching import command
from matchmaker.models import EnterpriseProfile, FinancingNeed, NeedStatus
from matchmaker.services.matching.catalogue import build_catalogue
from matchmaker.services.matching.inputs import enterprise_input, need_input
from matchmaker.services.registry.io.transfer import export_file, make_context

AS_OF = date(2026, 12, 3)


def eligibility(capsys, *argv: str) -> tuple[int, list[dict], str]:
    parser = argparse.ArgumentParser(prog="matchmaker")
    command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["eligibility", "--as-of", AS_OF.isoformat(), *argv])
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def verdict(line: dict, need: tuple | None) -> tuple:
    return (line["enterprise"], need, line["product"], line["eligible"], line["kind_match"],
            tuple(line["failed_criteria"]), line["max_amount"])


async def test_export_then_eligibility_agrees_with_the_platform_on_the_demo(db, settings, tmp_path, capsys):
    await load_demo(settings.var_dir)
    ctx = await make_context(chains=())
    files = {}
    for kind in ("products", "policies", "enterprises", "needs"):
        files[kind] = tmp_path / f"{kind}.json"
        files[kind].write_bytes(await export_file(kind, ".json", ctx=ctx))
    needs_file = json.loads(files["needs"].read_text())["items"]

    code, product_lines, err = eligibility(capsys, str(files["products"]), str(files["enterprises"]),
                                           "--needs", str(files["needs"]))
    policy_code, policy_lines, policy_err = eligibility(capsys, str(files["policies"]), str(files["enterprises"]))

    assert (code, err, policy_code, policy_err) == (0, "", 0, "")

    def need_key(index: str | None) -> tuple | None:
        if index is None:
            return None
        item = needs_file[int(index.removeprefix("items[").removesuffix("]"))]
        return item["kind"], item["amount"], item["term_months"], item["title"]

    exported = Counter(verdict(line, need_key(line["need"])) for line in product_lines)
    exported_policies = Counter(verdict(line, None) for line in policy_lines)

    catalogue = await build_catalogue()
    names = {offer.id: f"{offer.offer.provider}/{offer.offer.name}" for offer in catalogue.products}
    policy_names = {offer.id: offer.offer.name for offer in catalogue.policies}
    platform, platform_policies = Counter(), Counter()
    for profile in await EnterpriseProfile.all().select_related("organization"):
        enterprise = enterprise_input(profile, profile.organization)
        rows = await FinancingNeed.filter(enterprise_id=profile.organization_id,
                                          status__in=(NeedStatus.OPEN, NeedStatus.IN_TALKS))
        for need in rows or [None]:
            subject = matching.Subject(enterprise, need_input(need) if need else None, AS_OF)
            key = (str(need.kind), need.amount, need.term_months, need.title) if need else None
            for offer in catalogue.products:
                line = matching.explain(subject, offer).as_json() | {"product": names[offer.id]}
                platform[verdict(line, key)] += 1
        subject = matching.Subject(enterprise, None, AS_OF)
        for offer in catalogue.policies_valid_on(AS_OF):
            line = matching.explain(subject, offer).as_json() | {"product": policy_names[offer.id]}
            platform_policies[verdict(line, None)] += 1

    assert sum(platform.values()) > 1000 and any(v[3] for v in platform) and not all(v[3] for v in platform)
    assert exported == platform
    assert exported_policies == platform_policies and sum(platform_policies.values()) > 0


async def test_eligibility_judges_list_criteria_from_the_export_as_the_platform_does(db, settings, tmp_path, capsys):
    """The demo's three lists (a red list valid 2026-03-01…2027-02-28, 金种子, the open-ended
    listing reserve) tested by products: the export carries the lists and each enterprise's
    memberships with their dates, and the command's verdicts equal the platform's — on a date
    inside the red list's validity and on one after it."""
    from matchmaker.models import Organization, OrganizationKind, Product, PublicationStatus

    await load_demo(settings.var_dir)
    bank = await Organization.filter(kind=OrganizationKind.BANK).order_by("id").first()
    for name, criteria in (
            ("红名单信用贷", {"id": "r", "field": "list.red2026", "op": "true"}),
            ("金种子或后备库", {"id": "g", "any": [{"id": "g1", "field": "list.golden_seed", "op": "true"},
                                             {"id": "g2", "field": "list.listing_reserve", "op": "true"}]}),
            ("非红名单", {"id": "n", "field": "list.red2026", "op": "false"})):
        await Product.create(organization=bank, name=name, kind="credit_loan", criteria=criteria,
                             amount_rule={"max": 5_000_000}, status=PublicationStatus.PUBLISHED)
    ctx = await make_context(chains=())
    files = {}
    for kind in ("products", "enterprises"):
        files[kind] = tmp_path / f"{kind}.json"
        files[kind].write_bytes(await export_file(kind, ".json", ctx=ctx))
    exported_lists = {item["key"] for item in json.loads(files["products"].read_text())["lists"]}
    members = json.loads(files["enterprises"].read_text())["items"]

    catalogue = await build_catalogue()
    names = {offer.id: f"{offer.offer.provider}/{offer.offer.name}" for offer in catalogue.products}
    listed = [offer for offer in catalogue.products if offer.offer.name in ("红名单信用贷", "金种子或后备库", "非红名单")]
    profiles = await EnterpriseProfile.all().select_related("organization")
    held = catalogue.memberships(p.organization.uscc for p in profiles)
    assert exported_lists == {"red2026", "golden_seed", "listing_reserve"}
    assert sum(1 for item in members if "red2026" in item["lists"]) == sum(1 for p in profiles
                                                                          if "red2026" in held.get(p.organization.uscc, {}))

    for day in (date(2026, 12, 3), date(2027, 3, 1)):
        parser = argparse.ArgumentParser(prog="matchmaker")
        command.register(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(["eligibility", "--as-of", day.isoformat(), str(files["products"]),
                                  str(files["enterprises"])])
        assert args.handler(args) == 0
        out, err = capsys.readouterr()
        exported = Counter((line["enterprise"], line["product"], line["eligible"], tuple(line["failed_criteria"]))
                           for line in map(json.loads, out.splitlines()) if line["product"].split("/")[-1]
                           in ("红名单信用贷", "金种子或后备库", "非红名单"))
        platform = Counter()
        for profile in profiles:
            code = profile.organization.uscc
            subject = matching.Subject(enterprise_input(profile, profile.organization, lists=held.get(code)), None, day)
            for offer in listed:
                line = matching.explain(subject, offer).as_json()
                platform[(line["enterprise"], names[offer.id], line["eligible"], tuple(line["failed_criteria"]))] += 1
        assert err == "" and exported == platform
        red = sum(n for (_, product, eligible, _), n in platform.items() if product.endswith("红名单信用贷") and eligible)
        assert red == (12 if day < date(2027, 3, 1) else 0)  # the red list names twelve, until 2027-02-28
